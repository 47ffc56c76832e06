"""Outcome documents: writing, sharing for comment, adoption, files and endorsements."""

import datetime as dt
import io

import pytest
import rules
from django.contrib.contenttypes.models import ContentType

from learningcities.accounts.enums import Role
from learningcities.accounts.rules import forget_affiliations
from learningcities.common.domain.documents import DocumentError
from learningcities.common.models import ActivityLogEntry, Document
from learningcities.events.domain.errors import EventError
from learningcities.events.domain.outcomes import (
    OUTCOME_FILE_KIND,
    adopt_outcome,
    attach_outcome_file,
    comment_on_outcome,
    create_outcome,
    endorse_outcome,
    remove_outcome_file,
    share_outcome_for_comment,
    update_outcome,
    withdraw_outcome_endorsement,
)
from learningcities.events.domain.queries.outcomes import (
    outcome_list_for_user,
    outcome_page_for_user,
    outcomes_for_user,
)
from learningcities.events.enums import OutcomeStatus
from learningcities.events.models import OutcomeComment, OutcomeEndorsement, OutcomeFile
from tests.accounts.factories import person_with_role
from tests.common import files
from tests.events.factories_outcomes import (
    attach_pdf,
    coordinator_of,
    make_outcome,
    member_coordinator,
    non_member_coordinator,
    past_event,
    shared_draft,
)
from tests.factories import make_member

pytestmark = pytest.mark.django_db
TODAY = dt.date(2019, 10, 3)


@pytest.fixture(autouse=True)
def _private_storage(private_root):
    return private_root


@pytest.fixture
def staff():
    return person_with_role(Role.SECRETARIAT, totp=True)


def _actions(outcome) -> list[str]:
    return list(
        ActivityLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(outcome), object_id=str(outcome.pk)
        )
        .order_by("pk")
        .values_list("action", flat=True)
    )


# Writing ---------------------------------------------------------------------------------


def test_create_outcome_makes_an_unshared_draft_and_records_it(staff):
    event = past_event()

    outcome = create_outcome(event, actor=staff, title="  Bogotá Call  ", summary="Short.")

    assert (outcome.title, outcome.status, outcome.comments_until, outcome.event) == (
        "Bogotá Call",
        OutcomeStatus.DRAFT,
        None,
        event,
    )
    assert _actions(outcome) == ["events.outcome.update"]


@pytest.mark.parametrize(("title", "language"), [("   ", "en"), ("A title", "xx")])
def test_create_outcome_refuses_an_empty_title_or_unknown_language(staff, title, language):
    with pytest.raises(EventError) as refusal:
        create_outcome(past_event(), actor=staff, title=title, language=language)

    assert refusal.value.code == "invalid"


def test_update_outcome_changes_texts_and_records_old_and_new(staff):
    outcome = make_outcome(title="Old", status=OutcomeStatus.DRAFT)

    outcome, changed = update_outcome(outcome, actor=staff, title="New", summary="Said.")

    assert (outcome.title, outcome.summary, changed) == ("New", "Said.", ["title", "summary"])
    entry = ActivityLogEntry.objects.get(action="events.outcome.update")
    assert entry.changes["title"] == ["Old", "New"]


def test_update_outcome_without_change_records_nothing(staff):
    outcome = make_outcome(title="Same")

    _outcome, changed = update_outcome(outcome, actor=staff, title="Same")

    assert (changed, _actions(outcome)) == ([], [])


# Sharing and comments ----------------------------------------------------------------------


def test_share_outcome_for_comment_sets_the_last_day(staff):
    outcome = make_outcome(status=OutcomeStatus.DRAFT)

    outcome = share_outcome_for_comment(
        outcome, actor=staff, until=dt.date(2019, 9, 20), today=dt.date(2019, 9, 1)
    )

    assert outcome.comments_until == dt.date(2019, 9, 20)
    assert _actions(outcome) == ["events.outcome.update"]


def test_share_outcome_refuses_a_past_day(staff):
    outcome = make_outcome(status=OutcomeStatus.DRAFT)

    with pytest.raises(EventError):
        share_outcome_for_comment(
            outcome, actor=staff, until=dt.date(2019, 8, 31), today=dt.date(2019, 9, 1)
        )


def test_share_outcome_refuses_an_adopted_document(staff):
    outcome = make_outcome()

    with pytest.raises(EventError) as refusal:
        share_outcome_for_comment(outcome, actor=staff, until=dt.date.today())

    assert refusal.value.code == "adopted"


def test_member_coordinator_comments_on_a_shared_draft():
    user, city = member_coordinator()
    outcome = shared_draft()

    comment = comment_on_outcome(outcome, city=city, author=user, text="  Add adult learning. ")

    assert list(OutcomeComment.objects.values_list("city", "author", "text")) == [
        (city.pk, user.pk, "Add adult learning.")
    ]
    assert comment.outcome == outcome


def test_coordinator_of_a_non_member_city_cannot_comment():
    user, city = non_member_coordinator()

    with pytest.raises(EventError) as refusal:
        comment_on_outcome(shared_draft(), city=city, author=user, text="Hello")

    assert refusal.value.code == "not_permitted"
    assert OutcomeComment.objects.count() == 0


def test_coordinator_of_a_former_member_cannot_comment():
    membership = make_member(joined="2016", ended=dt.date(2020, 1, 1))
    user = coordinator_of(membership.city)

    with pytest.raises(EventError):
        comment_on_outcome(shared_draft(), city=membership.city, author=user, text="Hello")


def test_coordinator_cannot_comment_for_another_member_city():
    user, _own = member_coordinator()
    _other_user, other_city = member_coordinator()

    with pytest.raises(EventError) as refusal:
        comment_on_outcome(shared_draft(), city=other_city, author=user, text="Hello")

    assert refusal.value.code == "not_permitted"


@pytest.mark.parametrize(
    "outcome_kind", ["closed", "unshared", "adopted"], ids=["after-last-day", "unshared", "adopted"]
)
def test_comment_refused_when_the_document_is_not_open(outcome_kind):
    user, city = member_coordinator()
    outcome = {
        "closed": lambda: shared_draft(until=dt.date.today() - dt.timedelta(days=2)),
        "unshared": lambda: make_outcome(status=OutcomeStatus.DRAFT),
        "adopted": lambda: make_outcome(comments_until=dt.date.today() + dt.timedelta(days=9)),
    }[outcome_kind]()

    with pytest.raises(EventError) as refusal:
        comment_on_outcome(outcome, city=city, author=user, text="Late")

    assert refusal.value.code == "comments_closed"


def test_comment_on_the_last_day_counts_in_the_events_time_zone():
    user, city = member_coordinator()
    outcome = shared_draft(until=dt.date(2019, 9, 20))

    comment_on_outcome(
        outcome, city=city, author=user, text="Just in time", today=dt.date(2019, 9, 20)
    )

    with pytest.raises(EventError):
        comment_on_outcome(outcome, city=city, author=user, text="Late", today=dt.date(2019, 9, 21))
    assert OutcomeComment.objects.count() == 1


def test_empty_comment_is_refused():
    user, city = member_coordinator()

    with pytest.raises(EventError) as refusal:
        comment_on_outcome(shared_draft(), city=city, author=user, text="   ")

    assert refusal.value.code == "invalid"


# Adoption ----------------------------------------------------------------------------------


def test_adopt_outcome_records_the_date_and_closes_comments(staff):
    user, city = member_coordinator()
    outcome = shared_draft()

    outcome = adopt_outcome(outcome, actor=staff, adopted_on=TODAY, today=TODAY)

    assert (outcome.status, outcome.adopted_on) == (OutcomeStatus.ADOPTED, TODAY)
    entry = ActivityLogEntry.objects.get(action="events.outcome.update")
    assert entry.changes["status"] == ["draft", "adopted"]
    with pytest.raises(EventError):
        comment_on_outcome(outcome, city=city, author=user, text="Too late")


@pytest.mark.parametrize(
    "adopted_on", [dt.date(2019, 9, 30), dt.date(2019, 10, 4)], ids=["before-event", "future"]
)
def test_adopt_outcome_refuses_a_day_before_the_event_or_in_the_future(staff, adopted_on):
    outcome = make_outcome(status=OutcomeStatus.DRAFT)

    with pytest.raises(EventError) as refusal:
        adopt_outcome(outcome, actor=staff, adopted_on=adopted_on, today=TODAY)

    assert refusal.value.code == "invalid"


def test_adopt_outcome_twice_is_refused(staff):
    outcome = make_outcome()

    with pytest.raises(EventError) as refusal:
        adopt_outcome(outcome, actor=staff, adopted_on=TODAY, today=TODAY)

    assert refusal.value.code == "adopted"


# Files -------------------------------------------------------------------------------------


def test_attach_outcome_file_stores_a_secretariat_document(staff):
    outcome = make_outcome()

    outcome_file = attach_outcome_file(
        outcome, io.BytesIO(files.PDF), actor=staff, language="fr", name="Déclaration.pdf"
    )

    document = outcome_file.document
    assert (document.owner, document.kind, document.original_name, outcome_file.language) == (
        None,
        OUTCOME_FILE_KIND,
        "Déclaration.pdf",
        "fr",
    )
    assert _actions(outcome) == ["events.outcome.update"]


def test_attach_outcome_file_replaces_the_file_in_that_language(staff):
    outcome = make_outcome()
    first = attach_outcome_file(
        outcome, io.BytesIO(files.PDF), actor=staff, language="en", name="a.pdf"
    )

    second = attach_outcome_file(
        outcome, io.BytesIO(files.PDF), actor=staff, language="en", name="b.pdf"
    )

    assert list(OutcomeFile.objects.values_list("pk", flat=True)) == [second.pk]
    assert not Document.objects.filter(pk=first.document_id).exists()


def test_attach_outcome_file_refuses_a_program(staff):
    outcome = make_outcome()

    with pytest.raises(DocumentError):
        attach_outcome_file(
            outcome, io.BytesIO(files.ELF), actor=staff, language="en", name="x.pdf"
        )

    assert OutcomeFile.objects.count() == 0


def test_remove_outcome_file_deletes_the_document(staff):
    outcome_file = attach_pdf(make_outcome())

    remove_outcome_file(outcome_file, actor=staff)

    assert (OutcomeFile.objects.count(), Document.objects.count()) == (0, 0)


# Endorsements ------------------------------------------------------------------------------


def test_member_coordinator_endorses_an_adopted_document():
    user, city = member_coordinator()
    outcome = make_outcome()

    endorsement = endorse_outcome(outcome, city=city, actor=user, today=TODAY)

    assert (endorsement.city, endorsement.endorsed_by, endorsement.endorsed_on) == (
        city,
        user,
        TODAY,
    )
    assert _actions(outcome) == ["events.outcome.endorse"]


def test_second_endorsement_by_the_same_city_is_refused():
    user, city = member_coordinator()
    outcome = make_outcome()
    endorse_outcome(outcome, city=city, actor=user)

    with pytest.raises(EventError) as refusal:
        endorse_outcome(outcome, city=city, actor=user)

    assert refusal.value.code == "already_endorsed"
    assert OutcomeEndorsement.objects.count() == 1


def test_draft_cannot_be_endorsed():
    user, city = member_coordinator()

    with pytest.raises(EventError) as refusal:
        endorse_outcome(shared_draft(), city=city, actor=user)

    assert refusal.value.code == "not_adopted"


def test_non_member_city_cannot_endorse():
    user, city = non_member_coordinator()

    with pytest.raises(EventError) as refusal:
        endorse_outcome(make_outcome(), city=city, actor=user)

    assert refusal.value.code == "not_permitted"


@pytest.mark.parametrize("role", [Role.ENDORSER, Role.JUROR, Role.SECRETARIAT])
def test_people_who_coordinate_no_member_city_cannot_endorse(role):
    _user, city = member_coordinator()
    person = person_with_role(role, totp=role != Role.ENDORSER)

    with pytest.raises(EventError):
        endorse_outcome(make_outcome(), city=city, actor=person)

    assert OutcomeEndorsement.objects.count() == 0


def test_withdraw_endorsement_removes_it_and_records_it():
    user, city = member_coordinator()
    outcome = make_outcome()
    endorse_outcome(outcome, city=city, actor=user)

    withdraw_outcome_endorsement(outcome, city=city, actor=user)

    assert OutcomeEndorsement.objects.count() == 0
    assert _actions(outcome) == ["events.outcome.endorse", "events.outcome.endorse"]


def test_withdraw_without_endorsement_is_refused():
    user, city = member_coordinator()

    with pytest.raises(EventError) as refusal:
        withdraw_outcome_endorsement(make_outcome(), city=city, actor=user)

    assert refusal.value.code == "not_endorsed"


def test_secretariat_may_withdraw_a_citys_endorsement(staff):
    user, city = member_coordinator()
    outcome = make_outcome()
    endorse_outcome(outcome, city=city, actor=user)

    withdraw_outcome_endorsement(outcome, city=city, actor=staff)

    assert OutcomeEndorsement.objects.count() == 0


# Who reads what ----------------------------------------------------------------------------


def test_outcomes_for_user_hides_drafts_from_all_but_members_and_secretariat(staff):
    adopted = make_outcome(title="Adopted")
    shared = shared_draft(title="Shared")
    unshared = make_outcome(title="Unshared", status=OutcomeStatus.DRAFT)
    member, _city = member_coordinator()
    outsider, _other = non_member_coordinator()
    endorser = person_with_role(Role.ENDORSER)

    def seen(user):
        return sorted(outcomes_for_user(user).values_list("title", flat=True))

    assert {
        "secretariat": seen(staff),
        "member": seen(member),
        "outsider": seen(outsider),
        "endorser": seen(endorser),
    } == {
        "secretariat": sorted([adopted.title, shared.title, unshared.title]),
        "member": ["Adopted", "Shared"],
        "outsider": ["Adopted"],
        "endorser": ["Adopted"],
    }


def test_files_of_a_draft_are_private_those_of_an_adopted_document_open(staff):
    adopted_file = attach_pdf(make_outcome())
    draft_file = attach_pdf(shared_draft())
    unshared_file = attach_pdf(make_outcome(status=OutcomeStatus.DRAFT))
    member, _city = member_coordinator()
    endorser = person_with_role(Role.ENDORSER)

    def opens(user):
        return [
            rules.has_perm("common.view_document", user, f.document)
            for f in (adopted_file, draft_file, unshared_file)
        ]

    assert (opens(endorser), opens(member), opens(staff)) == (
        [True, False, False],
        [True, True, False],
        [True, True, True],
    )


def test_outcome_list_puts_adopted_first_newest_adoption_first_and_counts_endorsers(staff):
    older = make_outcome(
        past_event(starts_on=dt.date(2015, 9, 28), ends_on=dt.date(2015, 9, 30)), title="Older"
    )
    newer = make_outcome(title="Newer")
    draft = shared_draft(title="Draft")
    for _ in range(2):
        user, city = member_coordinator()
        endorse_outcome(newer, city=city, actor=user)

    rows = [(o.title, o.n_endorsements) for o in outcome_list_for_user(staff)]

    assert rows == [("Newer", 2), ("Older", 0), (draft.title, 0)]
    assert older.pk != newer.pk


@pytest.mark.parametrize("count", [1, 3])
def test_outcome_list_query_count_does_not_grow(django_assert_num_queries, count):
    for index in range(count):
        outcome = make_outcome(title=f"Declaration {index}")
        attach_pdf(outcome, "en")
        attach_pdf(outcome, "fr")
    visitor = person_with_role(Role.ENDORSER)
    visitor.affiliations.all().delete()
    forget_affiliations(visitor)
    outcomes_for_user(visitor)  # the person's affiliations are read once and kept

    with django_assert_num_queries(2):  # outcomes with counts, their files
        rows = list(outcome_list_for_user(visitor))

    assert [len(row.files.all()) for row in rows] == [2] * count


def test_outcome_page_shows_comments_to_the_secretariat_only(staff):
    member, city = member_coordinator()
    outcome = shared_draft()
    comment_on_outcome(outcome, city=city, author=member, text="Add a line")

    staff_page = outcome_page_for_user(staff, outcome)
    member_page = outcome_page_for_user(member, outcome)

    assert [c.text for c in staff_page.comments] == ["Add a line"]
    assert (member_page.comments, member_page.my_cities, member_page.open_for_comment) == (
        None,
        [city],
        True,
    )
