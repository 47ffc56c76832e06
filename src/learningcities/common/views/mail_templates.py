"""The secretariat edits the text of notifications, per language, with a preview."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from ..domain.outbox import (
    OutboxError,
    check_subject,
    render_template,
    sample_context,
    save_mail_template,
)
from ..domain.queries.outbox import (
    mail_template_for_user,
    mail_template_states,
    mail_templates_for_user,
)
from ..forms import MessageTemplateForm
from ..languages import is_right_to_left
from ..models import MessageTemplate


@require_safe
@login_required
@permission_required("common.change_mail_template", raise_exception=True)
def mail_templates(request: HttpRequest) -> HttpResponse:
    """List the templates, each with its languages and the state of each translation."""
    return render(
        request,
        "common/mail_templates/list.html",
        {"templates": mail_templates_for_user(request.user)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@permission_required("common.change_mail_template", raise_exception=True)
def mail_template_edit(request: HttpRequest, code: str, language: str) -> HttpResponse:
    """Edit one template in one language; "Preview" renders it without saving.

    The page shows the translation state of the template in every language.
    """
    found = mail_template_for_user(request.user, code, language)
    if found is None:
        raise Http404
    template, exists = found
    initial = {"subject": template.subject, "body": template.body, "html_body": template.html_body}
    form = MessageTemplateForm(request.POST or None, initial=initial)
    _write_in(form, language)
    states = mail_template_states(code)
    preview = None
    if request.method == "POST" and _valid_with_subject(form, code):
        if "preview" in request.POST:
            preview = _preview(form, code, language)
        elif _saved(form, code, language, actor=request.user):
            messages.success(request, _("The template was saved."))
            return redirect("common:mail-template", code=code, language=language)
    return render(
        request,
        "common/mail_templates/edit.html",
        {
            "template": template,
            "exists": exists,
            "form": form,
            "preview": preview,
            "language_name": dict(settings.LANGUAGES).get(language, language),
            "states": states,
            "state": next(state for lang, _name, state in states if lang == language),
        },
    )


def _write_in(form: MessageTemplateForm, language: str) -> None:
    """Mark the fields as written in ``language`` (spelling, direction, screen readers)."""
    for field in form.fields.values():
        field.widget.attrs.update(lang=language, dir="rtl" if is_right_to_left(language) else "ltr")


def _valid_with_subject(form: MessageTemplateForm, code: str) -> bool:
    """Return whether the form is valid, its subject's variables checked too."""
    if not form.is_valid():
        return False
    try:
        # On the field, and before a preview too, which would show the
        # variable as unknown without saying why.
        check_subject(code, form.cleaned_data["subject"])
    except OutboxError as exc:
        form.add_error("subject", str(exc))
        return False
    return True


def _preview(form: MessageTemplateForm, code: str, language: str) -> dict | None:
    """Return the draft rendered with the sample context (None after adding why it cannot be)."""
    draft = MessageTemplate(code=code, language=language, **form.cleaned_data)
    try:
        subject, body, html_body = render_template(draft, sample_context(code), preview=True)
    except OutboxError as exc:
        form.add_error(None, str(exc))
        return None
    return {"subject": subject, "body": body, "html_body": html_body}


def _saved(form: MessageTemplateForm, code: str, language: str, *, actor) -> bool:
    """Save the template; return whether it was (else the form says why not)."""
    try:
        save_mail_template(code, language, actor=actor, **form.cleaned_data)
    except OutboxError as exc:
        form.add_error(None, str(exc))
        return False
    return True
