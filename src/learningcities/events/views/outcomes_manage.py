"""The secretariat's pages of outcome documents: write, attach files, share for comment, adopt."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from learningcities.common.access import get_object_for_user_or_404, permission_required
from learningcities.common.domain.documents import DocumentError
from learningcities.common.views.errors import show_error

from ..domain.errors import EventError
from ..domain.outcomes import (
    adopt_outcome,
    attach_outcome_file,
    create_outcome,
    event_today,
    remove_outcome_file,
    share_outcome_for_comment,
    update_outcome,
)
from ..domain.queries.outcomes import outcome_files_for_user, outcomes_for_user
from ..enums import OutcomeStatus
from ..interfaces.outcome_forms import AdoptForm, OutcomeFileForm, OutcomeForm, ShareForm
from ..models import Event
from .outcomes import SLUG

PERM = "events.manage_events"


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(PERM)
def outcome_create(request: HttpRequest) -> HttpResponse:
    """Write a new outcome document of an event (``create_outcome``); then its edit page.

    ``?event=<slug>`` chooses the event beforehand.
    """
    initial = {}
    slug = request.GET.get("event", "")
    if slug and SLUG.fullmatch(slug) and (event := Event.objects.filter(slug=slug).first()):
        initial["event"] = event
    form = OutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        texts = form.texts()
        try:
            outcome = create_outcome(form.cleaned_data["event"], actor=request.user, **texts)
        except EventError as error:
            show_error(request, error, form)
        else:
            messages.success(
                request, _("The outcome document “%(title)s” is created.") % {"title": outcome}
            )
            return redirect("events:outcome-edit", pk=outcome.pk)
    return render(
        request,
        "events/outcomes/manage_create.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


def _edit_page(request, outcome, *, status=200, **forms) -> HttpResponse:
    today = event_today(outcome.event)
    return render(
        request,
        "events/outcomes/manage_edit.html",
        {
            "outcome": outcome,
            "event": outcome.event,
            "files": outcome.files.select_related("document").order_by("language"),
            "form": forms.get("form") or OutcomeForm(outcome=outcome),
            "file_form": forms.get("file_form") or OutcomeFileForm(),
            "share_form": forms.get("share_form")
            or ShareForm(initial={"comments_until": outcome.comments_until}),
            "adopt_form": forms.get("adopt_form")
            or AdoptForm(initial={"adopted_on": min(today, outcome.event.ends_on)}),
            "is_draft": outcome.status == OutcomeStatus.DRAFT,
        },
        status=status,
    )


def _outcome(request, pk: int):
    return get_object_for_user_or_404(request.user, outcomes_for_user, pk=pk)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(PERM)
def outcome_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an outcome document's texts (``update_outcome``); also its files, sharing, adoption.

    The forms of the files, of sharing and of adoption POST to their own addresses.
    """
    outcome = _outcome(request, pk)
    form = OutcomeForm(request.POST or None, outcome=outcome)
    if request.method == "POST" and form.is_valid():
        try:
            outcome, changed = update_outcome(outcome, actor=request.user, **form.texts())
        except EventError as error:
            show_error(request, error, form)
        else:
            if changed:
                messages.success(request, _("The outcome document is saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("events:outcome-edit", pk=outcome.pk)
    return _edit_page(request, outcome, form=form, status=400 if form.is_bound else 200)


@require_POST
@permission_required(PERM)
def outcome_file_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Store the document's text in one language (``attach_outcome_file``); then the edit page.

    A refused file (too large, a type not allowed, a virus) comes back as the
    form's error, status 400.
    """
    outcome = _outcome(request, pk)
    form = OutcomeFileForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            attach_outcome_file(
                outcome,
                upload,
                actor=request.user,
                language=form.cleaned_data["file_language"],
                name=upload.name,
            )
        except (DocumentError, EventError) as error:
            show_error(request, error, form, field="file")
        else:
            messages.success(request, _("The file is stored."))
            return redirect("events:outcome-edit", pk=outcome.pk)
    return _edit_page(request, outcome, file_form=form, status=400)


@require_POST
@permission_required(PERM)
def outcome_file_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw the document's text in one language (``remove_outcome_file``)."""
    outcome_file = get_object_for_user_or_404(request.user, outcome_files_for_user, pk=pk)
    remove_outcome_file(outcome_file, actor=request.user)
    messages.success(request, _("The file is withdrawn."))
    return redirect("events:outcome-edit", pk=outcome_file.outcome_id)


@require_POST
@permission_required(PERM)
def outcome_share(request: HttpRequest, pk: int) -> HttpResponse:
    """Share a draft with the member cities for comment (``share_outcome_for_comment``)."""
    outcome = _outcome(request, pk)
    form = ShareForm(request.POST)
    if form.is_valid():
        try:
            share_outcome_for_comment(
                outcome, actor=request.user, until=form.cleaned_data["comments_until"]
            )
        except EventError as error:
            status = show_error(request, error, form, field="comments_until")
            return _edit_page(request, outcome, share_form=form, status=status)
        messages.success(
            request,
            _("Member cities may comment until %(date)s.")
            % {"date": date_format(form.cleaned_data["comments_until"], "DATE_FORMAT")},
        )
        return redirect("events:outcome-edit", pk=outcome.pk)
    return _edit_page(request, outcome, share_form=form, status=400)


@require_POST
@permission_required(PERM)
def outcome_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the adoption of an outcome document (``adopt_outcome``): it becomes public."""
    outcome = _outcome(request, pk)
    form = AdoptForm(request.POST)
    if form.is_valid():
        try:
            adopt_outcome(outcome, actor=request.user, adopted_on=form.cleaned_data["adopted_on"])
        except EventError as error:
            status = show_error(request, error, form, field="adopted_on")
            return _edit_page(request, outcome, adopt_form=form, status=status)
        messages.success(request, _("The outcome document is adopted and public."))
        return redirect("events:outcome-edit", pk=outcome.pk)
    return _edit_page(request, outcome, adopt_form=form, status=400)
