"""Writing and moderating practices: the one gate, its rules, revisions, facets and notices."""

import pytest

from learningcities.common.models import ActivityLogEntry, OutboxMessage
from learningcities.practices.domain.errors import PracticeError
from learningcities.practices.domain.moderation import move_practice
from learningcities.practices.domain.practices import practice_from_answer, update_practice
from learningcities.practices.domain.revision import practices_revision
from learningcities.practices.enums import FacetKind, PracticeStatus
from learningcities.practices.models import PracticeFacet
from tests.practices.factories import coordinator_and_city, make_practice, secretariat_person

pytestmark = pytest.mark.django_db

S = PracticeStatus


def test_a_practice_goes_from_draft_to_published_with_a_revision_facets_and_notices():
    coordinator, organisation = coordinator_and_city()
    secretariat = secretariat_person()
    practice = make_practice(
        coordinator=coordinator, organisation=organisation, sdgs=[4, 11], target_groups=["adults"]
    )
    assert not PracticeFacet.objects.filter(practice=practice).exists()
    before = practices_revision()

    move_practice(practice, S.SUBMITTED, actor=coordinator)
    assert OutboxMessage.objects.filter(template_code="practices.practice.submitted").count() == 1
    move_practice(practice, S.PUBLISHED, actor=secretariat)

    practice.refresh_from_db()
    assert practice.status == S.PUBLISHED
    assert practice.published_at is not None
    assert practice.revisions.count() == 1
    facets = set(practice.facets.values_list("kind", "value"))
    assert {
        (FacetKind.SDG, "4"),
        (FacetKind.SDG, "11"),
        (FacetKind.TARGET_GROUP, "adults"),
    } <= facets
    assert (FacetKind.COUNTRY, practice.city.country_id) in facets
    assert practices_revision() > before
    assert OutboxMessage.objects.filter(template_code="practices.practice.published").count() == 1
    assert ActivityLogEntry.objects.filter(action="practices.practice.published").count() == 1


@pytest.mark.parametrize(
    ("mover", "from_state", "to_state"),
    [
        ("coordinator", S.DRAFT, S.PUBLISHED),
        ("secretariat", S.DRAFT, S.SUBMITTED),
        ("stranger", S.DRAFT, S.SUBMITTED),
        ("coordinator", S.SUBMITTED, S.PUBLISHED),
        ("coordinator", S.SUBMITTED, S.RETURNED),
        ("secretariat", S.DRAFT, S.PUBLISHED),
    ],
)
def test_moves_refused_to_the_wrong_person_or_from_the_wrong_state(mover, from_state, to_state):
    coordinator, organisation = coordinator_and_city()
    people = {
        "coordinator": coordinator,
        "secretariat": secretariat_person(),
        "stranger": coordinator_and_city()[0],
    }
    practice = make_practice(coordinator=coordinator, organisation=organisation)
    if from_state == S.SUBMITTED:
        move_practice(practice, S.SUBMITTED, actor=coordinator)
    with pytest.raises(PracticeError) as refused:
        move_practice(practice, to_state, actor=people[mover])
    assert refused.value.code == "not_permitted"
    practice.refresh_from_db()
    assert practice.status == from_state


def test_returning_and_unpublishing_need_a_comment_the_city_is_told():
    coordinator, organisation = coordinator_and_city()
    secretariat = secretariat_person()
    practice = make_practice(coordinator=coordinator, organisation=organisation)
    move_practice(practice, S.SUBMITTED, actor=coordinator)
    with pytest.raises(PracticeError):
        move_practice(practice, S.RETURNED, actor=secretariat, comment="  ")
    move_practice(practice, S.RETURNED, actor=secretariat, comment="Add the figures of 2024.")
    returned = OutboxMessage.objects.get(template_code="practices.practice.returned")
    assert "Add the figures of 2024." in returned.body
    assert coordinator.email in returned.recipients

    move_practice(practice, S.SUBMITTED, actor=coordinator)
    move_practice(practice, S.PUBLISHED, actor=secretariat)
    with pytest.raises(PracticeError):
        move_practice(practice, S.UNPUBLISHED, actor=secretariat)
    move_practice(practice, S.UNPUBLISHED, actor=secretariat, comment="The project ended in 2020.")
    practice.refresh_from_db()
    assert practice.status == S.UNPUBLISHED
    assert not practice.facets.exists()
    assert "The project ended in 2020." in (
        OutboxMessage.objects.get(template_code="practices.practice.unpublished").body
    )


def test_a_practice_without_consent_cannot_be_submitted():
    coordinator, organisation = coordinator_and_city()
    practice = make_practice(
        coordinator=coordinator, organisation=organisation, publication_consent=False
    )
    with pytest.raises(PracticeError) as refused:
        move_practice(practice, S.SUBMITTED, actor=coordinator)
    assert refused.value.code == "incomplete"
    assert "consent" in refused.value.message


def test_editing_a_published_practice_keeps_it_published_with_a_new_revision():
    coordinator, organisation = coordinator_and_city()
    practice = make_practice(coordinator=coordinator, organisation=organisation, publish=True)
    update_practice(practice, actor=coordinator, data={"title": "Learning festival, all year"})
    practice.refresh_from_db()
    assert practice.status == S.PUBLISHED
    assert list(practice.revisions.values_list("number", flat=True)) == [2, 1]
    first, second = practice.revisions.order_by("number")
    assert first.content["title"] == "Learning festival in the parks"
    assert second.content["title"] == "Learning festival, all year"


def test_another_city_cannot_edit_and_bad_values_are_refused():
    coordinator, organisation = coordinator_and_city()
    practice = make_practice(coordinator=coordinator, organisation=organisation)
    stranger, _org = coordinator_and_city()
    with pytest.raises(PracticeError):
        update_practice(practice, actor=stranger, data={"title": "Mine now"})
    with pytest.raises(PracticeError):
        update_practice(practice, actor=coordinator, data={"sdgs": [18]})
    with pytest.raises(PracticeError):
        update_practice(practice, actor=coordinator, data={"target_groups": ["aliens"]})
    with pytest.raises(PracticeError):
        update_practice(
            practice, actor=coordinator, data={"started_year": 2020, "ended_year": 2019}
        )
    practice.refresh_from_db()
    assert practice.title == "Learning festival in the parks"


def test_a_practice_from_an_answer_copies_the_text_once(submitted_answer):
    answer, coordinator = submitted_answer
    practice = practice_from_answer(answer, actor=coordinator)
    assert practice.body == answer.text_value.strip()
    assert practice.source == "application"
    assert list(practice.features.all()) == [answer.criterion]
    assert practice.summary
    assert len(practice.summary) <= 1000
    assert practice_from_answer(answer, actor=coordinator) == practice
    stranger, _org = coordinator_and_city()
    with pytest.raises(PracticeError):
        practice_from_answer(answer, actor=stranger)
