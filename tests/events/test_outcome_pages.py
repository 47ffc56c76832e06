"""Pages of outcome documents: the public list and page, files, endorsing, commenting, managing."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from learningcities.accounts.enums import Role
from learningcities.common.translated import set_translation
from learningcities.events.enums import OutcomeStatus
from learningcities.events.models import OutcomeComment, OutcomeDocument, OutcomeEndorsement
from tests.accounts.factories import person_with_role
from tests.common import files
from tests.events.factories_outcomes import (
    attach_pdf,
    make_outcome,
    member_coordinator,
    non_member_coordinator,
    past_event,
    shared_draft,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage_and_logins(private_root, fast_password_hashing):
    return private_root


@pytest.fixture
def staff(client):
    user = person_with_role(Role.SECRETARIAT, totp=True)
    client.force_login(user)
    return user


def _page(outcome) -> str:
    return reverse("events:outcome", kwargs={"pk": outcome.pk})


def _file(outcome, language="en") -> str:
    return reverse("events:outcome-file", kwargs={"pk": outcome.pk, "language": language})


def _endorse(outcome) -> str:
    return reverse("events:outcome-endorse", kwargs={"pk": outcome.pk})


def _withdraw(outcome) -> str:
    return reverse("events:outcome-withdraw", kwargs={"pk": outcome.pk})


# The public list and page ------------------------------------------------------------------


def test_visitor_lists_adopted_documents_but_no_draft(client):
    make_outcome(title="Medellin Manifesto")
    shared_draft(title="Secret draft")
    make_outcome(title="Unshared draft", status=OutcomeStatus.DRAFT)

    response = client.get(reverse("events:outcomes"))

    assert [o.title for o in response.context["outcomes"]] == ["Medellin Manifesto"]
    assert "Secret draft" not in response.content.decode()


def test_list_filters_by_event(client):
    event = past_event(slug="iclc-4")
    make_outcome(event, title="Kept")
    make_outcome(title="Other event's")

    response = client.get(reverse("events:outcomes") + "?event=iclc-4")

    assert [o.title for o in response.context["outcomes"]] == ["Kept"]
    assert response.context["event"] == event


def test_list_with_an_unknown_event_answers_404(client):
    make_outcome()

    response = client.get(reverse("events:outcomes") + "?event=no-such-event")

    assert response.status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_list_query_count_does_not_grow(client, django_assert_num_queries, count):
    for index in range(count):
        outcome = make_outcome(title=f"Declaration {index}")
        attach_pdf(outcome)
    client.get(reverse("events:outcomes"))

    # outcomes with their endorsement counts, their files, the events of the filter
    with django_assert_num_queries(3):
        response = client.get(reverse("events:outcomes"))

    assert len(response.context["outcomes"]) == count


def test_visitor_reads_an_adopted_document_with_its_files_and_endorsers(client):
    outcome = make_outcome(title="Cork Call to Action", summary="Adopted at the conference.")
    attach_pdf(outcome, "en")
    attach_pdf(outcome, "fr")
    user, city = member_coordinator(name="Cork")
    OutcomeEndorsement.objects.create(
        outcome=outcome, city=city, endorsed_by=user, endorsed_on=dt.date(2019, 10, 4)
    )

    response = client.get(_page(outcome))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Adopted at the conference." in html
    assert [_file(outcome, code) in html for code in ("en", "fr")] == [True, True]
    assert reverse("network:city", kwargs={"pk": city.pk}) in html
    assert 'datetime="2019-10-03"' in html  # the adoption date
    assert "Endorse on behalf of" not in html


def test_adopted_document_page_shows_a_translated_summary(client):
    outcome = make_outcome(summary="In English.")
    set_translation(outcome, "fr", "summary", "En français.")
    outcome.save()

    response = client.get("/fr" + _page(outcome))

    assert "En français." in response.content.decode()


@pytest.mark.parametrize("who", ["visitor", "endorser", "juror", "outsider"])
def test_draft_page_is_hidden_from_everyone_but_members_and_secretariat(client, who):
    outcome = shared_draft(title="Draft text")
    _login(client, who)

    response = client.get(_page(outcome))

    assert response.status_code == 404


def _login(client, who):
    if who == "visitor":
        return None
    if who == "outsider":
        user, _city = non_member_coordinator()
    elif who == "member":
        user, _city = member_coordinator()
    else:
        role = {"endorser": Role.ENDORSER, "juror": Role.JUROR}[who]
        user = person_with_role(role, totp=role == Role.JUROR)
    client.force_login(user)
    return user


# Files ---------------------------------------------------------------------------------------


def test_visitor_downloads_the_file_of_an_adopted_document(client):
    outcome = make_outcome()
    attach_pdf(outcome, "es")

    response = client.get(_file(outcome, "es"))

    assert (response.status_code, b"".join(response.streaming_content)) == (200, files.PDF)
    assert response["Content-Security-Policy"].startswith("sandbox")


@pytest.mark.parametrize("who", ["visitor", "endorser", "juror", "outsider"])
def test_files_of_a_draft_are_private(client, who):
    outcome = shared_draft()
    attach_pdf(outcome)
    _login(client, who)

    response = client.get(_file(outcome))

    assert response.status_code == 404


def test_member_coordinator_reads_the_file_of_a_shared_draft_not_of_an_unshared_one(client):
    shared, unshared = shared_draft(), make_outcome(status=OutcomeStatus.DRAFT)
    attach_pdf(shared)
    attach_pdf(unshared)
    _login(client, "member")

    statuses = [client.get(_file(shared)).status_code, client.get(_file(unshared)).status_code]

    assert statuses == [200, 404]


def test_file_in_a_missing_language_answers_404(client):
    outcome = make_outcome()
    attach_pdf(outcome, "en")

    assert client.get(_file(outcome, "ru")).status_code == 404


# Endorsing -----------------------------------------------------------------------------------


def test_member_coordinator_endorses_and_withdraws(client):
    user, city = member_coordinator(name="Yeonsu")
    client.force_login(user)
    outcome = make_outcome()

    page = client.get(_page(outcome)).content.decode()
    endorsed = client.post(_endorse(outcome), {"city": city.pk})
    after = list(OutcomeEndorsement.objects.values_list("city__name", flat=True))
    withdrawn = client.post(_withdraw(outcome), {"city": city.pk})

    assert "Endorse on behalf of Yeonsu" in page
    assert (endorsed.status_code, endorsed["Location"]) == (302, _page(outcome))
    assert after == ["Yeonsu"]
    assert (withdrawn.status_code, OutcomeEndorsement.objects.count()) == (302, 0)


def test_double_endorsement_is_refused(client):
    user, city = member_coordinator()
    client.force_login(user)
    outcome = make_outcome()
    client.post(_endorse(outcome), {"city": city.pk})

    response = client.post(_endorse(outcome), {"city": city.pk})

    assert response.status_code == 409
    assert "already endorses" in response.content.decode()
    assert OutcomeEndorsement.objects.count() == 1


@pytest.mark.parametrize("who", ["outsider", "endorser", "juror"])
def test_people_without_a_member_city_cannot_endorse(client, who):
    _member, city = member_coordinator()
    _login(client, who)
    outcome = make_outcome()

    response = client.post(_endorse(outcome), {"city": city.pk})

    assert (response.status_code, OutcomeEndorsement.objects.count()) == (403, 0)


def test_coordinator_cannot_endorse_for_another_city(client):
    user, _own = member_coordinator()
    _other, other_city = member_coordinator()
    client.force_login(user)
    outcome = make_outcome()

    response = client.post(_endorse(outcome), {"city": other_city.pk})

    assert (response.status_code, OutcomeEndorsement.objects.count()) == (400, 0)


def test_visitor_posting_an_endorsement_is_sent_to_log_in(client):
    _member, city = member_coordinator()
    outcome = make_outcome()

    response = client.post(_endorse(outcome), {"city": city.pk})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert OutcomeEndorsement.objects.count() == 0


def test_draft_cannot_be_endorsed_through_the_page(client):
    user, city = member_coordinator()
    client.force_login(user)
    outcome = shared_draft()

    response = client.post(_endorse(outcome), {"city": city.pk})

    assert (response.status_code, OutcomeEndorsement.objects.count()) == (409, 0)


# Commenting ----------------------------------------------------------------------------------


def test_member_coordinator_comments_on_a_shared_draft(client):
    user, city = member_coordinator()
    client.force_login(user)
    outcome = shared_draft()

    page = client.get(_page(outcome))
    response = client.post(_page(outcome), {"city": city.pk, "text": "Mention libraries."})

    assert page.context["comment_form"] is not None
    assert (response.status_code, response["Location"]) == (302, _page(outcome))
    assert list(OutcomeComment.objects.values_list("city", "text")) == [
        (city.pk, "Mention libraries.")
    ]


def test_comment_after_the_last_day_is_refused(client):
    user, city = member_coordinator()
    client.force_login(user)
    outcome = shared_draft(until=dt.date.today() - dt.timedelta(days=2))

    page = client.get(_page(outcome))
    response = client.post(_page(outcome), {"city": city.pk, "text": "Late"})

    assert page.context["comment_form"] is None
    assert (response.status_code, OutcomeComment.objects.count()) == (409, 0)


def test_non_member_coordinator_cannot_comment(client):
    _user, city = member_coordinator()
    _login(client, "outsider")
    outcome = shared_draft()

    response = client.post(_page(outcome), {"city": city.pk, "text": "Hello"})

    assert (response.status_code, OutcomeComment.objects.count()) == (404, 0)


def test_endorser_cannot_comment_on_an_adopted_document(client):
    _login(client, "endorser")
    _user, city = member_coordinator()
    outcome = make_outcome()

    response = client.post(_page(outcome), {"city": city.pk, "text": "Hello"})

    assert (response.status_code, OutcomeComment.objects.count()) == (403, 0)


def test_comments_are_shown_to_the_secretariat_not_to_members(client, staff):
    member, city = member_coordinator(name="Sa Dec")
    outcome = shared_draft()
    OutcomeComment.objects.create(outcome=outcome, city=city, author=member, text="Our view")

    staff_html = client.get(_page(outcome)).content.decode()
    client.force_login(member)
    member_html = client.get(_page(outcome)).content.decode()

    assert "Our view" in staff_html
    assert "Our view" not in member_html


# The secretariat's pages ---------------------------------------------------------------------


def test_secretariat_creates_shares_uploads_and_adopts(client, staff):
    event = past_event(slug="iclc-9")
    create = client.post(
        reverse("events:outcome-create"),
        {"event": "iclc-9", "title": "Test Statement", "summary": "", "language": "en"},
    )
    outcome = OutcomeDocument.objects.get()
    until = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    share = client.post(
        reverse("events:outcome-share", kwargs={"pk": outcome.pk}), {"comments_until": until}
    )
    upload = SimpleUploadedFile("statement.pdf", files.PDF, content_type="application/pdf")
    add = client.post(
        reverse("events:outcome-file-add", kwargs={"pk": outcome.pk}),
        {"file_language": "ar", "file": upload},
    )
    adopt = client.post(
        reverse("events:outcome-adopt", kwargs={"pk": outcome.pk}),
        {"adopted_on": event.ends_on.isoformat()},
    )

    outcome.refresh_from_db()
    edit = reverse("events:outcome-edit", kwargs={"pk": outcome.pk})
    assert [r.status_code for r in (create, share, add, adopt)] == [302] * 4
    assert [create["Location"], adopt["Location"]] == [edit, edit]
    assert (
        outcome.event,
        outcome.status,
        outcome.adopted_on,
        outcome.comments_until.isoformat(),
    ) == (
        event,
        OutcomeStatus.ADOPTED,
        event.ends_on,
        until,
    )
    assert list(outcome.files.values_list("language", flat=True)) == ["ar"]


def test_refused_upload_comes_back_as_the_forms_error(client, staff):
    outcome = make_outcome()
    upload = SimpleUploadedFile("run.pdf", files.ELF)
    response = client.post(
        reverse("events:outcome-file-add", kwargs={"pk": outcome.pk}),
        {"file_language": "en", "file": upload},
    )

    assert response.status_code == 400
    assert response.context["file_form"].errors["file"]


def test_adoption_before_the_event_comes_back_as_an_error(client, staff):
    outcome = make_outcome(status=OutcomeStatus.DRAFT)

    response = client.post(
        reverse("events:outcome-adopt", kwargs={"pk": outcome.pk}), {"adopted_on": "2001-01-01"}
    )

    outcome.refresh_from_db()
    assert (response.status_code, outcome.status) == (400, OutcomeStatus.DRAFT)
    assert response.context["adopt_form"].errors["adopted_on"]


def test_secretariat_edits_the_texts(client, staff):
    outcome = make_outcome(title="Old title")

    response = client.post(
        reverse("events:outcome-edit", kwargs={"pk": outcome.pk}),
        {"title": "New title", "summary": "Short", "language": "en", "source": ""},
    )

    outcome.refresh_from_db()
    assert (response.status_code, outcome.title, outcome.summary) == (302, "New title", "Short")


def test_secretariat_sees_the_unshared_draft_in_the_list(client, staff):
    make_outcome(title="Unshared", status=OutcomeStatus.DRAFT)

    response = client.get(reverse("events:outcomes"))

    assert [o.title for o in response.context["outcomes"]] == ["Unshared"]
    assert reverse("events:outcome-create") in response.content.decode()


@pytest.mark.parametrize("who", ["member", "endorser", "juror"])
def test_management_pages_refuse_everyone_but_the_secretariat(client, who):
    outcome = make_outcome(status=OutcomeStatus.DRAFT)
    outcome_file = attach_pdf(outcome)
    _login(client, who)
    kwargs = {"pk": outcome.pk}

    statuses = [
        client.get(reverse("events:outcome-create")).status_code,
        client.get(reverse("events:outcome-edit", kwargs=kwargs)).status_code,
        client.post(
            reverse("events:outcome-share", kwargs=kwargs), {"comments_until": "2099-01-01"}
        ).status_code,
        client.post(
            reverse("events:outcome-adopt", kwargs=kwargs), {"adopted_on": "2019-10-03"}
        ).status_code,
        client.post(
            reverse("events:outcome-file-remove", kwargs={"pk": outcome_file.pk})
        ).status_code,
    ]

    outcome.refresh_from_db()
    assert statuses == [403] * 5
    assert (outcome.status, outcome.comments_until, outcome.files.count()) == (
        OutcomeStatus.DRAFT,
        None,
        1,
    )


def test_management_pages_send_visitors_to_log_in(client):
    outcome = make_outcome()

    response = client.get(reverse("events:outcome-edit", kwargs={"pk": outcome.pk}))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
