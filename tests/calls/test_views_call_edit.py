"""Editing a call: what its phase allows, attachments, the public calls, one city's deadline."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learningcities.accounts.enums import Role
from learningcities.calls.domain.calls import add_call_attachment, locked_call_fields, update_call
from learningcities.calls.domain.errors import SubmissionError
from learningcities.calls.domain.queries.calls import public_calls
from learningcities.calls.enums import SubmissionState
from learningcities.calls.models import Call, CallAttachment
from learningcities.common.models import ActivityLogEntry, Document, OutboxMessage
from tests.accounts.factories import person_with_role
from tests.calls.factories import Cast, endorser_of, make_call, small_framework, submission_in
from tests.common.files import PDF

pytestmark = pytest.mark.django_db
S = SubmissionState


@pytest.fixture
def staff(client):
    user = person_with_role(Role.SECRETARIAT, totp=True)
    client.force_login(user)
    return user


def _upcoming_call(**fields):
    now = timezone.now()
    return make_call(
        opens_at=now + dt.timedelta(days=5), closes_at=now + dt.timedelta(days=40), **fields
    )


def _closed_call():
    now = timezone.now()
    return make_call(opens_at=now - dt.timedelta(days=40), closes_at=now - dt.timedelta(days=1))


def _edit_url(call):
    return reverse("calls:secretariat-call-edit", kwargs={"pk": call.pk})


def _local(moment, call):
    return moment.astimezone(zoneinfo.ZoneInfo(call.time_zone)).strftime("%Y-%m-%dT%H:%M")


def _form_data(call, **overrides):
    """The edit form as the browser posts it, with the call's current values."""
    data = {
        "kind": call.kind,
        "title": call.title,
        "framework": str(call.framework_id),
        "opens": _local(call.opens_at, call),
        "closes": _local(call.closes_at, call),
        "time_zone": call.time_zone,
        "language": call.language,
        "endorsement_days": str(call.endorsement_days),
        "endorsement_reminder_days": str(call.endorsement_reminder_days or ""),
        "deadline_action": call.deadline_action,
        "quota_per_country": str(call.quota_per_country or ""),
        "population_minimum": str(call.population_minimum or ""),
        "member_for_months": "",
        "not_winner_within_years": "",
        "manual_checks": "\n".join(call.manual_checks),
        "description": call.description,
        "guidelines": call.guidelines,
    }
    if call.require_not_member:
        data["require_not_member"] = "on"
    data.update(overrides)
    return data


# What the phase allows


def test_locked_call_fields_before_opening_is_empty():
    assert locked_call_fields(_upcoming_call()) == {}


def test_locked_call_fields_open_counts_checked_applications():
    cast = Cast()
    submission_in(cast, S.SUBMITTED)
    submission_in(Cast(call=cast.call), S.ENDORSED)
    Cast(call=cast.call).draft(complete=False)

    locks = locked_call_fields(cast.call)

    assert locks["population_minimum"] == (
        "Locked: 2 applications were already checked against this rule."
    )
    assert locks["framework"] == "Locked: the call is open and cities are already answering it."
    assert "closes_at" not in locks
    assert "title" not in locks


def test_locked_call_fields_closed_leaves_only_the_texts():
    locks = locked_call_fields(_closed_call())

    assert {"title", "description", "guidelines"}.isdisjoint(locks)
    assert "closes_at" in locks
    assert locks["population_minimum"] == "Locked: the call has closed."


def test_update_call_before_opening_changes_rules_and_records_each_field(staff):
    call = _upcoming_call()

    _call, changed = update_call(
        call, actor=staff, kind="award", population_minimum=80_000, title="Call 2027"
    )

    call.refresh_from_db()
    assert (call.kind, call.population_minimum, call.title) == ("award", 80_000, "Call 2027")
    assert sorted(changed) == ["kind", "population_minimum", "title"]
    entry = ActivityLogEntry.objects.get(action="calls.call.update")
    assert entry.changes["population_minimum"] == [None, 80_000]
    assert entry.changes["title"] == ["Membership call", "Call 2027"]
    assert entry.actor == staff


def test_update_call_open_refuses_a_locked_rule(staff):
    call = make_call()

    with pytest.raises(SubmissionError) as refused:
        update_call(call, actor=staff, population_minimum=80_000)

    assert refused.value.code == "locked"
    assert "Minimum population cannot change" in str(refused.value)
    call.refresh_from_db()
    assert call.population_minimum is None
    assert not ActivityLogEntry.objects.filter(action="calls.call.update").exists()


def test_update_call_open_extends_the_closing_date(staff):
    call = make_call()
    later = call.closes_at + dt.timedelta(days=7)

    update_call(call, actor=staff, closes_at=later, description="Who may apply.")

    call.refresh_from_db()
    assert (call.closes_at, call.description) == (later, "Who may apply.")


def test_update_call_open_refuses_a_closing_date_in_the_past(staff):
    call = make_call()

    with pytest.raises(SubmissionError) as refused:
        update_call(call, actor=staff, closes_at=timezone.now() - dt.timedelta(minutes=1))

    assert refused.value.code == "closes_in_past"


def test_update_call_closed_refuses_the_closing_date_but_takes_texts(staff):
    call = _closed_call()

    with pytest.raises(SubmissionError):
        update_call(call, actor=staff, closes_at=timezone.now() + dt.timedelta(days=3))
    update_call(call, actor=staff, guidelines="Read the terms.")

    call.refresh_from_db()
    assert call.guidelines == "Read the terms."
    assert call.closes_at < timezone.now()


def test_update_call_with_same_values_records_nothing(staff):
    call = make_call()

    _call, changed = update_call(call, actor=staff, title=call.title, kind=call.kind)

    assert changed == []
    assert not ActivityLogEntry.objects.filter(action="calls.call.update").exists()


# The edit page


def test_call_edit_page_shows_locked_fields_disabled_with_why(client, staff):
    cast = Cast()
    submission_in(cast, S.SUBMITTED)

    response = client.get(_edit_url(cast.call))

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].fields["population_minimum"].disabled is True
    assert response.context["form"].fields["closes"].disabled is False
    assert response.context["form"].fields["title"].disabled is False
    assert "Locked: 1 application was already checked against this rule." in page
    assert re.search(r'<input[^>]*name="population_minimum"[^>]*disabled', page)


def test_call_edit_post_changes_texts_and_closing_date(client, staff):
    call = make_call()
    later = call.closes_at + dt.timedelta(days=3)

    response = client.post(
        _edit_url(call),
        _form_data(
            call,
            title="Membership call (extended)",
            closes=_local(later, call),
            description="For cities.\n\nSecond paragraph.",
        ),
    )

    assert response.status_code == 302
    call.refresh_from_db()
    assert call.title == "Membership call (extended)"
    assert call.description == "For cities.\n\nSecond paragraph."
    assert _local(call.closes_at, call) == _local(later, call)
    entry = ActivityLogEntry.objects.get(action="calls.call.update")
    assert set(entry.changes) == {"title", "closes_at", "description"}


def test_call_edit_post_ignores_a_forged_change_of_a_locked_field(client, staff):
    call = make_call()

    response = client.post(
        _edit_url(call),
        _form_data(call, population_minimum="999999", kind="award", title="New title"),
    )

    assert response.status_code == 302
    call.refresh_from_db()
    assert (call.population_minimum, call.kind, call.title) == (None, "membership", "New title")


def test_call_edit_post_refuses_closing_in_the_past_with_a_form_error(client, staff):
    call = make_call()

    response = client.post(
        _edit_url(call),
        _form_data(call, closes=_local(timezone.now() - dt.timedelta(hours=2), call)),
    )

    assert response.status_code == 400
    assert "not to the past" in response.content.decode()
    assert "error-summary" in response.content.decode()


def test_call_edit_post_with_bad_input_shows_errors(client, staff):
    call = _upcoming_call()

    response = client.post(_edit_url(call), _form_data(call, title="", endorsement_days="0"))

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"title", "endorsement_days"}


def test_call_dashboard_links_edit_message_and_extension(client, staff):
    cast = Cast()
    draft = cast.draft(complete=False)

    page = client.get(reverse("calls:secretariat-call", kwargs={"pk": cast.call.pk}))

    html = page.content.decode()
    assert _edit_url(cast.call) in html
    assert reverse("calls:secretariat-call-message", kwargs={"pk": cast.call.pk}) in html
    assert reverse("calls:secretariat-submission-extend", kwargs={"pk": draft.pk}) in html


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ENDORSER, Role.JUROR])
def test_call_edit_pages_refuse_everyone_but_the_secretariat(client, role):
    cast = Cast()
    draft = cast.draft(complete=False)
    attachment = add_call_attachment(
        cast.call, SimpleUploadedFile("terms.pdf", PDF), actor=None, title="Terms"
    )
    person = endorser_of("IE") if role == Role.ENDORSER else None
    client.force_login(person or person_with_role(role, totp=role == Role.JUROR))

    urls = [
        _edit_url(cast.call),
        reverse("calls:secretariat-call-message", kwargs={"pk": cast.call.pk}),
        reverse("calls:secretariat-submission-extend", kwargs={"pk": draft.pk}),
        reverse("calls:secretariat-call-attachment-remove", kwargs={"pk": attachment.pk}),
    ]
    posts = [reverse("calls:secretariat-call-attachment-add", kwargs={"pk": cast.call.pk})]

    assert [client.get(url).status_code for url in urls] == [403] * 4
    assert [client.post(url).status_code for url in posts + urls] == [403] * 5
    assert CallAttachment.objects.count() == 1


# Attachments and the public calls


def test_call_attachment_add_publishes_a_document_anyone_downloads(client, staff):
    call = make_call()

    response = client.post(
        reverse("calls:secretariat-call-attachment-add", kwargs={"pk": call.pk}),
        {"title": "Terms of the call", "file": SimpleUploadedFile("terms.pdf", PDF)},
    )

    assert response.status_code == 302
    attachment = CallAttachment.objects.get()
    assert (attachment.call, attachment.title) == (call, "Terms of the call")
    assert attachment.document.owner is None
    download = Client().get(reverse("calls:call-attachment", kwargs={"pk": attachment.pk}))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert ActivityLogEntry.objects.filter(action="calls.attachment.create").count() == 1


def test_call_attachment_add_refuses_a_file_of_the_wrong_type(client, staff):
    call = make_call()

    response = client.post(
        reverse("calls:secretariat-call-attachment-add", kwargs={"pk": call.pk}),
        {"title": "Script", "file": SimpleUploadedFile("terms.pdf", b"#!/bin/sh\necho hi\n")},
    )

    assert response.status_code == 400
    assert response.context["attachment_form"].errors["file"]
    assert CallAttachment.objects.count() == 0
    assert Document.objects.count() == 0


def test_call_attachment_add_without_title_is_a_form_error(client, staff):
    call = make_call()

    response = client.post(
        reverse("calls:secretariat-call-attachment-add", kwargs={"pk": call.pk}),
        {"title": "", "file": SimpleUploadedFile("terms.pdf", PDF)},
    )

    assert response.status_code == 400
    assert list(response.context["attachment_form"].errors) == ["title"]


def test_call_attachment_remove_asks_then_withdraws_the_public_link(client, staff):
    call = make_call()
    attachment = add_call_attachment(
        call, SimpleUploadedFile("terms.pdf", PDF), actor=staff, title="Terms"
    )
    url = reverse("calls:secretariat-call-attachment-remove", kwargs={"pk": attachment.pk})

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "button-danger" in confirm.content.decode()
    assert CallAttachment.objects.count() == 1

    response = client.post(url)

    assert response.status_code == 302
    assert CallAttachment.objects.count() == 0
    public = Client().get(reverse("calls:call-attachment", kwargs={"pk": attachment.pk}))
    assert public.status_code == 404


def test_public_calls_lists_open_and_upcoming_with_texts_and_attachments():
    open_call = make_call(title="Open", description="What it is for.")
    upcoming = _upcoming_call(title="Upcoming", guidelines="How to apply.")
    _closed_call()
    add_call_attachment(open_call, SimpleUploadedFile("t.pdf", PDF), actor=None, title="Terms")

    calls = list(public_calls())

    assert [call.title for call in calls] == ["Open", "Upcoming"]
    assert calls[0].description == "What it is for."
    assert calls[1].guidelines == "How to apply."
    assert [a.title for a in calls[0].attachments.all()] == ["Terms"]
    assert calls[1].pk == upcoming.pk


@pytest.mark.parametrize("count", [1, 3])
def test_public_calls_query_count_does_not_grow(django_assert_num_queries, count):
    framework = small_framework()
    for index in range(count):
        call = make_call(framework=framework, title=f"Call {index}")
        add_call_attachment(call, SimpleUploadedFile("t.pdf", PDF), actor=None, title="T")

    with django_assert_num_queries(2):
        calls = list(public_calls())
        titles = [a.document.original_name for call in calls for a in call.attachments.all()]

    assert len(titles) == count


# One city's deadline


def _extend_url(submission):
    return reverse("calls:secretariat-submission-extend", kwargs={"pk": submission.pk})


def test_submission_extend_records_the_reason_and_tells_the_coordinator(client, staff):
    cast = Cast()
    draft = cast.draft(complete=False)
    until = cast.call.closes_at + dt.timedelta(days=5)

    response = client.post(
        _extend_url(draft),
        {"until": _local(until, cast.call), "reason": "Elections in the city council."},
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert _local(draft.deadline_extension, cast.call) == _local(until, cast.call)
    entry = ActivityLogEntry.objects.get(action="calls.submission.extend_deadline")
    assert entry.changes["reason"] == [None, "Elections in the city council."]
    mail = OutboxMessage.objects.get(template_code="calls.submission.deadline_extended")
    assert mail.recipients == [cast.coordinator.email]
    assert "Elections in the city council." in mail.body
    assert "Europe/Paris" in mail.body


def test_submission_extend_reads_the_time_in_the_call_zone(client, staff):
    cast = Cast()
    draft = cast.draft(complete=False)
    local = (cast.call.closes_at + dt.timedelta(days=2)).astimezone(
        zoneinfo.ZoneInfo("Europe/Paris")
    )
    wall = local.replace(hour=23, minute=59, second=0, microsecond=0)

    client.post(_extend_url(draft), {"until": wall.strftime("%Y-%m-%dT%H:%M"), "reason": "Flood."})

    draft.refresh_from_db()
    assert draft.deadline_extension == wall


def test_submission_extend_without_reason_or_in_the_past_gets_form_errors(client, staff):
    cast = Cast()
    draft = cast.draft(complete=False)

    response = client.post(
        _extend_url(draft),
        {"until": _local(timezone.now() - dt.timedelta(days=1), cast.call), "reason": "  "},
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"until", "reason"}
    draft.refresh_from_db()
    assert draft.deadline_extension is None


def test_submission_extend_before_the_call_closes_is_refused(client, staff):
    cast = Cast()
    draft = cast.draft(complete=False)

    response = client.post(
        _extend_url(draft),
        {"until": _local(cast.call.closes_at - dt.timedelta(days=1), cast.call), "reason": "R"},
    )

    assert response.status_code == 400
    assert "must end after the call closes" in response.content.decode()


def test_submission_extend_of_a_submitted_application_offers_no_form(client, staff):
    cast = Cast()
    submitted = submission_in(cast, S.SUBMITTED)

    page = client.get(_extend_url(submitted))
    response = client.post(
        _extend_url(submitted),
        {"until": _local(cast.call.closes_at + dt.timedelta(days=2), cast.call), "reason": "R"},
    )

    assert page.context["extendable"] is False
    assert "needs no extension" in page.content.decode()
    assert response.status_code == 400
    submitted.refresh_from_db()
    assert submitted.deadline_extension is None


def test_call_create_takes_public_texts(client, staff):
    response = client.post(
        reverse("calls:secretariat-call-create"),
        {
            "kind": "membership",
            "title": "Membership 2028",
            "framework": small_framework().pk,
            "opens": "2028-01-10T09:00",
            "closes": "2028-03-31T23:59",
            "time_zone": "UTC",
            "language": "en",
            "endorsement_days": "21",
            "deadline_action": "decline",
            "description": "Who may apply.",
            "guidelines": "How to apply.",
        },
    )

    assert response.status_code == 302
    call = Call.objects.get(title="Membership 2028")
    assert (call.description, call.guidelines) == ("Who may apply.", "How to apply.")


def test_update_call_closed_still_sets_the_reviews_per_submission(staff):
    call = _closed_call()

    update_call(call, actor=staff, min_reviews=2)

    call.refresh_from_db()
    assert call.min_reviews == 2
