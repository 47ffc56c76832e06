"""One error model: every business-rule refusal is a RuleError with a code, a message and
one HTTP status; pages show it with one helper."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext_lazy

from learningcities.accounts.domain.errors import AccountsError, InvitationError
from learningcities.calls.domain.errors import (
    SubmissionError,
    TransitionError,
    TransitionNotPermitted,
)
from learningcities.common.domain.backups import BackupError
from learningcities.common.domain.documents import DocumentError
from learningcities.common.domain.jobs import JobError
from learningcities.common.domain.outbox import OutboxError
from learningcities.common.errors import RuleError, http_status
from learningcities.common.views.errors import show_error
from learningcities.frameworks.domain.errors import FrameworkError, FrameworkInvalid
from learningcities.network.domain.cities import CityChangeError
from learningcities.network.exceptions import NetworkError
from learningcities.reviews.domain.errors import ReviewError

ROOTS = [
    SubmissionError,
    ReviewError,
    AccountsError,
    NetworkError,
    FrameworkError,
    DocumentError,
    OutboxError,
    JobError,
    BackupError,
]


@pytest.mark.parametrize("root", ROOTS, ids=lambda root: root.__name__)
def test_every_exception_root_is_a_rule_error_with_a_code_and_a_message(root):
    error = root("Refused for a reason.")

    assert isinstance(error, RuleError)
    assert (error.code, error.message, str(error)) == (
        "invalid",
        "Refused for a reason.",
        "Refused for a reason.",
    )


def test_rule_error_keeps_the_code_it_is_given():
    error = ReviewError("The jury's work is over.", code="frozen")

    assert (error.code, error.message) == ("frozen", "The jury's work is over.")


def test_subclasses_with_their_own_arguments_are_rule_errors():
    city = CityChangeError({"name": "The name is taken."})
    framework = FrameworkInvalid([])
    invitation = InvitationError("Used already.", code="used")

    assert [isinstance(e, RuleError) for e in (city, framework, invitation)] == [True] * 3
    assert (city.message, city.code, invitation.code) == ("The name is taken.", "invalid", "used")


def test_transition_not_permitted_defaults_to_its_code():
    assert TransitionNotPermitted("You may not.").code == "not_permitted"
    assert TransitionNotPermitted("You may not.", code="system_only").code == "system_only"
    assert TransitionError("No such move.").code == "invalid"


def test_message_is_translated_when_read():
    error = DocumentError(gettext_lazy("The file is empty."))

    with translation.override("fr"):
        french = error.message

    assert french == "Le fichier est vide."
    assert error.message == "The file is empty."


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (SubmissionError("A bad value."), 400),
        (ReviewError("A bad score.", code="invalid"), 400),
        (TransitionNotPermitted("You may not."), 403),
        (AccountsError("You may not.", code="not_permitted"), 403),
        (SubmissionError("Incomplete.", code="incomplete"), 409),
        (ReviewError("Incomplete.", code="incomplete"), 409),
        (SubmissionError("Too late.", code="deadline_passed"), 409),
        (ReviewError("Over.", code="frozen"), 409),
        (TransitionError("No such move.", code="not_allowed"), 409),
    ],
    ids=lambda value: getattr(value, "code", value),
)
def test_http_status_by_code(error, status):
    assert http_status(error) == status


class _ReasonForm(forms.Form):
    reason = forms.CharField()


def _request():
    request = RequestFactory().post("/")
    request._messages = CookieStorage(request)
    return request


def test_show_error_puts_the_message_on_a_bound_form_and_returns_the_status():
    request = _request()
    form = _ReasonForm({"reason": "because"})
    form.is_valid()

    status = show_error(request, ReviewError("Over.", code="frozen"), form)

    assert status == 409
    assert form.non_field_errors() == ["Over."]
    assert list(get_messages(request)) == []


def test_show_error_puts_the_message_beside_a_field():
    request = _request()
    form = _ReasonForm({"reason": "because"})
    form.is_valid()

    status = show_error(request, SubmissionError("A bad reason."), form, field="reason")

    assert status == 400
    assert form.errors == {"reason": ["A bad reason."]}


@pytest.mark.parametrize("form", [None, _ReasonForm()], ids=["no form", "unbound form"])
def test_show_error_without_a_bound_form_shows_a_message(form):
    request = _request()

    status = show_error(request, TransitionNotPermitted("You may not."), form)

    assert status == 403
    assert [(m.level_tag, m.message) for m in get_messages(request)] == [("error", "You may not.")]
