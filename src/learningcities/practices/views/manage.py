"""A city's practices: write, edit, submit; start one from an answer already written.

Every page here is for the city's coordinators (``rules``); the secretariat
moderates on the practice's own page (``views.library``), through ``move``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from learningcities.accounts.models import Organisation
from learningcities.calls.models import Answer
from learningcities.common.access import get_object_for_user_or_404
from learningcities.common.views.errors import show_error

from ..domain.errors import PracticeError
from ..domain.moderation import move_practice
from ..domain.practices import create_practice, practice_from_answer, update_practice
from ..domain.queries.practices import practices_for_user
from ..domain.queries.sources import answers_to_share
from ..enums import PracticeStatus
from ..interfaces.forms import MoveForm, PracticeForm, default_framework
from ..models import Practice
from ..rules import can_edit_practice, coordinated_organisation_ids
from .library import practice_page


def _city_organisations(user) -> list[Organisation]:
    organisations = list(
        Organisation.objects.filter(
            pk__in=coordinated_organisation_ids(user), city__isnull=False
        ).select_related("city")
    )
    if not organisations:
        raise PermissionDenied
    return organisations


@login_required
@require_safe
def city_practices(request: HttpRequest) -> HttpResponse:
    """The city's practices in every state, and the answers it may share as practices."""
    organisations = _city_organisations(request.user)
    ids = [organisation.pk for organisation in organisations]
    practices = (
        Practice.objects.filter(organisation_id__in=ids)
        .select_related("city")
        .order_by("-updated_at", "-pk")
    )
    return render(
        request,
        "practices/manage/list.html",
        {
            "organisations": organisations,
            "practices": practices,
            "answers": answers_to_share(ids),
            "statuses": PracticeStatus,
        },
    )


def _organisation_for(request: HttpRequest, organisations: list[Organisation]) -> Organisation:
    if len(organisations) == 1:
        return organisations[0]
    chosen = request.POST.get("organisation") or request.GET.get("organisation", "")
    for organisation in organisations:
        if str(organisation.pk) == chosen:
            return organisation
    raise Http404


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """Write a new practice (a draft until the city submits it)."""
    organisation = _organisation_for(request, _city_organisations(request.user))
    framework = default_framework()
    form = PracticeForm(request.POST or None, city=organisation.city, framework=framework)
    if request.method == "POST" and form.is_valid():
        try:
            practice = create_practice(
                organisation=organisation, actor=request.user, data=form.practice_data()
            )
        except PracticeError as error:
            status = show_error(request, error, form)
        else:
            messages.success(request, _("The practice is saved as a draft."))
            return redirect(practice.get_absolute_url())
    else:
        status = 400 if request.method == "POST" else 200
    return render(
        request,
        "practices/manage/form.html",
        {"form": form, "organisation": organisation, "practice": None},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a practice; a published one stays published and keeps a revision."""
    practice = get_object_for_user_or_404(request.user, practices_for_user, pk=pk)
    if not can_edit_practice(request.user, practice):
        raise PermissionDenied
    framework = practice.framework or default_framework()
    form = PracticeForm(
        request.POST or None, instance=practice, city=practice.city, framework=framework
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_practice(
                Practice.objects.get(pk=practice.pk),
                actor=request.user,
                data=form.practice_data(),
            )
        except PracticeError as error:
            status = show_error(request, error, form)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect(practice.get_absolute_url())
    else:
        status = 400 if request.method == "POST" else 200
    return render(
        request,
        "practices/manage/form.html",
        {"form": form, "organisation": practice.organisation, "practice": practice},
        status=status,
    )


@require_POST
@login_required
def move(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit, publish, return or unpublish a practice (``domain.moderation``)."""
    practice = get_object_for_user_or_404(request.user, practices_for_user, pk=pk)
    form = MoveForm(request.POST)
    if not form.is_valid() or form.cleaned_data["to_state"] not in PracticeStatus.values:
        return practice_page(request, practice, move_form=form, status=400)
    to_state = form.cleaned_data["to_state"]
    try:
        moved = move_practice(
            practice, to_state, actor=request.user, comment=form.cleaned_data["comment"]
        )
    except PracticeError as error:
        status = show_error(request, error, form)
        return practice_page(request, practice, move_form=form, status=status)
    messages.success(request, _MOVED[to_state])
    if (
        to_state in (PracticeStatus.PUBLISHED, PracticeStatus.RETURNED)
        and request.POST.get("next") == "queue"
    ):
        return redirect("practices:moderation")
    return redirect(moved.get_absolute_url())


_MOVED = {
    PracticeStatus.SUBMITTED: gettext_lazy(
        "The practice is submitted: the secretariat will review it."
    ),
    PracticeStatus.PUBLISHED: gettext_lazy("The practice is published in the library."),
    PracticeStatus.RETURNED: gettext_lazy(
        "The practice is returned to the city with your comment."
    ),
    PracticeStatus.UNPUBLISHED: gettext_lazy(
        "The practice is taken out of the library; the city is told why."
    ),
    PracticeStatus.DRAFT: "",
}


@require_POST
@login_required
def from_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a practice from a text answer of the city's application, in one step."""
    ids = coordinated_organisation_ids(request.user)
    answer = (
        Answer.objects.filter(pk=pk, submission__organisation_id__in=ids)
        .select_related("submission__call", "submission__organisation", "criterion__area")
        .first()
    )
    if answer is None:
        raise Http404
    try:
        practice = practice_from_answer(answer, actor=request.user)
    except PracticeError as error:
        show_error(request, error)
        return redirect("practices:city-practices")
    messages.success(
        request,
        _("A draft practice is made from your answer: check its title and tags, then submit it."),
    )
    return redirect("practices:edit", pk=practice.pk)
