"""Browsing the activity log: the secretariat globally and per object, others their own part."""

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from learningcities.common.access import permission_required
from learningcities.common.domain.queries.activity import activity_for_user
from learningcities.common.models import ActivityLogEntry

from ..domain.queries.organisations import organisations_for_user
from ..interfaces.workspace_forms import ActivityFilterForm
from ..models import User

PAGE_SIZE = 50

# A human label per action code; unknown codes are shown as they are.
ACTION_LABELS = {
    "accounts.affiliation.create": _("Role given"),
    "accounts.affiliation.delete": _("Role taken away"),
    "accounts.invitation.accept": _("Invitation accepted"),
    "accounts.invitation.create": _("Person invited"),
    "accounts.invitation.resend": _("Invitation sent again"),
    "accounts.invitation.revoke": _("Invitation withdrawn"),
    "accounts.organisation.create": _("Organisation created"),
    "accounts.user.create": _("Account created"),
    "accounts.user.password_reset": _("Password reset"),
    "accounts.user.totp_activate": _("Authenticator app activated"),
    "accounts.user.update": _("Account changed"),
    "common.document.create": _("Document uploaded"),
    "common.document.delete": _("Document deleted"),
    "common.mail_template.create": _("Mail template created"),
    "common.mail_template.update": _("Mail template changed"),
    "common.outbox.retry": _("Message sent again"),
    "network.city.create": _("City added to the register"),
    "network.city.update": _("City changed"),
    "network.cohort.create": _("Cohort created"),
    "network.cohort.update": _("Cohort changed"),
    "network.countries.sync": _("Countries updated"),
    "network.membership.admit": _("City admitted"),
    "network.membership.correct": _("Membership corrected"),
    "network.membership.end": _("Membership ended"),
    "network.synthetic.generate": _("Demo data generated"),
}

# The page of an object, by "app_label.model": (URL name, kwarg, public?).
# Public pages are linked for everyone; workspace pages for the secretariat.
OBJECT_PAGES = {
    "accounts.organisation": ("workspace:organisation", "pk", False),
    "accounts.user": ("workspace:person", "pk", False),
    "common.outboxmessage": ("common:outbox-message", "pk", False),
    "network.city": ("network:city", "pk", True),
    "network.country": ("network:country", "code", True),
}


def action_label(code: str) -> str:
    """Return the human label of an action code (the code itself when unknown)."""
    return str(ACTION_LABELS.get(code, code))


def object_url(entry: ActivityLogEntry, *, workspace: bool) -> str:
    """Return the link to the entry's object, or "" when it has no page for this reader."""
    if entry.content_type_id is None or not entry.object_id:
        return ""
    content_type = entry.content_type
    page = OBJECT_PAGES.get(f"{content_type.app_label}.{content_type.model}")
    if page is None or not (page[2] or workspace):
        return ""
    try:
        return reverse(page[0], kwargs={page[1]: entry.object_id})
    except NoReverseMatch:
        return ""


def activity_rows(entries, *, workspace: bool) -> list[dict]:
    """Return what a table of entries shows: entry, action label, object link, changes."""
    return [
        {
            "entry": entry,
            "label": action_label(entry.action),
            "url": object_url(entry, workspace=workspace),
            "changes": [(field, *values) for field, values in sorted(entry.changes.items())]
            if isinstance(entry.changes, dict)
            else [],
        }
        for entry in entries
    ]


def _browse(request: HttpRequest, *, template: str, workspace: bool) -> HttpResponse:
    user = request.user
    object_types = ContentType.objects.filter(
        pk__in=ActivityLogEntry.objects.values("content_type_id").distinct()
    ).order_by("app_label", "model")
    form = ActivityFilterForm(
        request.GET or None,
        organisations=organisations_for_user(user),
        object_types=object_types,
    )
    filters = form.cleaned_data if form.is_valid() else {}
    content_type, object_id = filters.get("object_type"), ""
    if filters.get("object"):
        content_type, object_id = filters["object"]
    actor = None
    if filters.get("actor"):
        actor = User.objects.filter(email__iexact=filters["actor"].strip()).first() or User(pk=0)
    entries = activity_for_user(
        user,
        action=filters.get("action", ""),
        actor=actor,
        organisation=filters.get("organisation"),
        content_type=content_type,
        object_id=object_id,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        search=filters.get("q", ""),
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = activity_rows(page.object_list, workspace=workspace)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "object_repr": rows[0]["entry"].object_repr if object_id and rows else "",
            "object_id": object_id,
        },
    )


@require_safe
@permission_required("accounts.view_activity")
def workspace_activity(request: HttpRequest) -> HttpResponse:
    """The whole activity log for the secretariat: filters, per-object history, pages."""
    return _browse(request, template="accounts/workspace/activity.html", workspace=True)


@require_safe
@permission_required("accounts.view_own_activity")
def own_activity(request: HttpRequest) -> HttpResponse:
    """The log of the person's own organisations and their own actions."""
    return _browse(request, template="accounts/activity.html", workspace=False)
