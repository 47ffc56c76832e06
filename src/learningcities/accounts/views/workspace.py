"""The secretariat's workspace: organisations, people, invitations, at a glance and in detail.

Every view needs ``accounts.view_workspace`` (the secretariat and operators);
objects are fetched through the ``*_for_user`` queries, so an id that is
missing or not visible answers 404. Writes go through the accounts domain;
its refusals come back as form errors or messages.
"""

import rules
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from learningcities.common.access import get_object_for_user_or_404, permission_required
from learningcities.common.domain.queries.activity import activity_for_user
from learningcities.common.domain.queries.outbox import outbox_for_user
from learningcities.common.enums import OutboxStatus
from learningcities.common.views.errors import show_error
from learningcities.network.domain.queries.directory import cities_for_public

from ..domain.errors import AccountsError
from ..domain.invitations import invite_person, resend_invitation, revoke_invitation
from ..domain.organisations import add_affiliation, create_organisation, remove_affiliation
from ..domain.queries.invitations import invitation_state, invitations_for_user
from ..domain.queries.organisations import (
    organisation_choices_for_user,
    organisation_counts_for_user,
    organisations_for_user,
)
from ..domain.queries.people import (
    affiliations_for_user,
    affiliations_of_people,
    organisation_people_for_user,
    people_for_user,
)
from ..enums import ROLE_FOR_KIND
from ..interfaces.workspace_forms import (
    AffiliationForm,
    InvitationFilterForm,
    InvitationForm,
    OrganisationFilterForm,
    OrganisationForm,
    PeopleFilterForm,
)
from ..models import Affiliation, Organisation
from .activity import activity_rows

PAGE_SIZE = 50
RECENT = 10


def _page(request: HttpRequest, queryset):
    """Return the requested page and the query string without ``page`` (for its links)."""
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def object_activity_query(obj) -> str:
    """Return the ``object=`` value that filters the activity log to ``obj``'s history."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return f"{content_type.pk}:{obj.pk}"


@require_safe
@permission_required("accounts.view_workspace")
def dashboard(request: HttpRequest) -> HttpResponse:
    """Show counts (organisations, people, pending invitations, unsent mail) and recent activity."""
    user = request.user
    return render(
        request,
        "accounts/workspace/dashboard.html",
        {
            "counts": organisation_counts_for_user(user),
            "people_count": people_for_user(user).count(),
            "pending_count": invitations_for_user(user, state="pending").count(),
            "unsent_count": outbox_for_user(user)
            .filter(status__in=[OutboxStatus.FAILED, OutboxStatus.QUEUED])
            .count(),
            "recent_rows": activity_rows(activity_for_user(user)[:RECENT], workspace=True),
        },
    )


@require_safe
@permission_required("accounts.view_workspace")
def organisations(request: HttpRequest) -> HttpResponse:
    """List organisations, filtered by kind, country and a part of the name."""
    form = OrganisationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = organisations_for_user(
        request.user,
        kind=filters.get("kind", ""),
        country=filters.get("country", ""),
        search=filters.get("q", ""),
    )
    page, query = _page(request, queryset)
    return render(
        request,
        "accounts/workspace/organisations.html",
        {"form": form, "page": page, "query": query},
    )


@require_safe
@permission_required("accounts.view_workspace")
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an organisation: its people, its pending invitations, its recent activity."""
    organisation = get_object_for_user_or_404(request.user, organisations_for_user, pk=pk)
    return render(
        request,
        "accounts/workspace/organisation.html",
        {
            "organisation": organisation,
            # A city that only applied has no public page to link to.
            "city_is_public": organisation.city_id is not None
            and cities_for_public().filter(pk=organisation.city_id).exists(),
            "affiliations": list(organisation_people_for_user(request.user, organisation)),
            "pending": list(
                invitations_for_user(request.user, state="pending", organisation=organisation)
            ),
            "recent_rows": activity_rows(
                activity_for_user(request.user, organisation=organisation)[:RECENT],
                workspace=True,
            ),
            "activity_query": object_activity_query(organisation),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("accounts.add_organisation")
def organisation_create(request: HttpRequest) -> HttpResponse:
    """Create a city organisation, a National Commission, a secretariat or a jury panel."""
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organisation = create_organisation(
                kind=data["kind"],
                name=data["name"],
                city=data["city"],
                country=data["country"],
                actor=request.user,
            )
        except AccountsError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("%(name)s has been created.") % {"name": organisation.name})
            return redirect("workspace:organisation", pk=organisation.pk)
    return render(request, "accounts/workspace/organisation_form.html", {"form": form})


@require_safe
@permission_required("accounts.view_workspace")
def people(request: HttpRequest) -> HttpResponse:
    """List people, searched by name or e-mail, filtered by role, with their affiliations."""
    form = PeopleFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = people_for_user(
        request.user, search=filters.get("q", ""), role=filters.get("role", "")
    )
    page, query = _page(request, queryset)
    by_person = affiliations_of_people(page.object_list)
    rows = [(person, by_person[person.pk]) for person in page.object_list]
    return render(
        request,
        "accounts/workspace/people.html",
        {"form": form, "page": page, "rows": rows, "query": query},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("accounts.view_workspace")
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a person and their affiliations; POST gives them a role in an organisation."""
    person = get_object_for_user_or_404(request.user, people_for_user, pk=pk)
    choices = organisation_choices_for_user(request.user)
    form = AffiliationForm(request.POST or None, organisations=choices)
    if request.method == "POST":
        if not rules.has_perm("accounts.change_affiliation", request.user):
            raise PermissionDenied
        if form.is_valid():
            try:
                affiliation = add_affiliation(
                    form.cleaned_data["organisation"],
                    user=person,
                    role=form.cleaned_data["role"],
                    actor=request.user,
                )
            except AccountsError as error:
                show_error(request, error, form, field="role")
            else:
                messages.success(
                    request,
                    _("%(person)s is now %(role)s of %(organisation)s.")
                    % {
                        "person": person,
                        "role": affiliation.get_role_display(),
                        "organisation": affiliation.organisation,
                    },
                )
                return redirect("workspace:person", pk=person.pk)
    return render(
        request,
        "accounts/workspace/person.html",
        {
            "person": person,
            "affiliations": list(affiliations_for_user(person)),
            "form": form,
            "activity_query": object_activity_query(person),
        },
    )


@require_POST
@permission_required("accounts.change_affiliation")
def affiliation_remove(request: HttpRequest, pk: int, affiliation_pk: int) -> HttpResponse:
    """Take a role away from a person (CSRF-protected POST), then show the person again."""
    person = get_object_for_user_or_404(request.user, people_for_user, pk=pk)
    affiliation = get_object_for_user_or_404(
        request.user,
        lambda user: Affiliation.objects.filter(user=person).select_related("organisation"),
        pk=affiliation_pk,
    )
    role, organisation = affiliation.get_role_display(), affiliation.organisation
    try:
        remove_affiliation(affiliation, actor=request.user)
    except AccountsError as error:
        show_error(request, error)
    else:
        messages.success(
            request,
            _("%(person)s is no longer %(role)s of %(organisation)s.")
            % {"person": person, "role": role, "organisation": organisation},
        )
    return redirect("workspace:person", pk=person.pk)


@require_safe
@permission_required("accounts.view_workspace")
def invitations(request: HttpRequest) -> HttpResponse:
    """List invitations by state (pending, accepted, expired, withdrawn), newest first."""
    form = InvitationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = invitations_for_user(
        request.user, state=filters.get("state", ""), search=filters.get("q", "")
    )
    page, query = _page(request, queryset)
    rows = [(invitation, invitation_state(invitation)) for invitation in page.object_list]
    return render(
        request,
        "accounts/workspace/invitations.html",
        {"form": form, "page": page, "rows": rows, "query": query},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("accounts.invite_person")
def invitation_create(request: HttpRequest) -> HttpResponse:
    """Invite a person by e-mail; ``?organisation=<id>`` preselects the organisation."""
    choices = organisation_choices_for_user(request.user)
    initial = {}
    preselected = request.GET.get("organisation", "")
    if preselected.isascii() and preselected.isdigit():
        organisation = choices.filter(pk=preselected).first()
        if organisation is not None:
            initial = {"organisation": organisation, "role": _role_for(organisation)}
    form = InvitationForm(request.POST or None, organisations=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation, _token = invite_person(
                data["organisation"],
                email=data["email"],
                role=data["role"],
                actor=request.user,
                site_url=request.build_absolute_uri("/"),
            )
        except AccountsError as error:
            show_error(request, error, form)
        else:
            messages.success(
                request,
                _("An invitation to %(organisation)s has been sent to %(email)s.")
                % {"organisation": invitation.organisation, "email": invitation.email},
            )
            return redirect("workspace:invitations")
    return render(request, "accounts/workspace/invitation_form.html", {"form": form})


def _role_for(organisation: Organisation) -> str:
    return ROLE_FOR_KIND[organisation.kind]


@require_POST
@permission_required("accounts.change_invitation")
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    """Send an invitation again with a new link (the old one stops working)."""
    invitation = get_object_for_user_or_404(request.user, invitations_for_user, pk=pk)
    try:
        resend_invitation(invitation, actor=request.user, site_url=request.build_absolute_uri("/"))
    except AccountsError as error:
        show_error(request, error)
    else:
        messages.success(
            request,
            _("The invitation has been sent again to %(email)s.") % {"email": invitation.email},
        )
    return redirect(_back(request, "workspace:invitations"))


@require_POST
@permission_required("accounts.change_invitation")
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a pending invitation: its link stops working."""
    invitation = get_object_for_user_or_404(request.user, invitations_for_user, pk=pk)
    if request.POST.get("confirm") != "yes":
        # Irreversible: the "I understand" box must be ticked (the page's form has it).
        messages.error(
            request,
            _("The invitation to %(email)s was not withdrawn: tick the box to confirm.")
            % {"email": invitation.email},
        )
        return redirect(_back(request, "workspace:invitations"))
    try:
        revoke_invitation(invitation, actor=request.user)
    except AccountsError as error:
        show_error(request, error)
    else:
        messages.success(
            request,
            _("The invitation to %(email)s has been withdrawn.") % {"email": invitation.email},
        )
    return redirect(_back(request, "workspace:invitations"))


def _back(request: HttpRequest, default: str) -> str:
    """Return the local page the form came from (``next``), else ``default``'s URL."""
    target = request.POST.get("next", "")
    # Only a path: redirect() would take a bare word for a view name (NoReverseMatch),
    # and a control character cannot go into the Location header.
    if (
        target.startswith("/")
        and target.isprintable()
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return reverse(default)
