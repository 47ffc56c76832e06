"""Similar practices on a practice's page, and the near-duplicate warning of a city."""

import pytest

from learningcities.practices.domain.similar import near_duplicates, similar_practices
from tests.practices.factories import coordinator_and_city, make_practice, secretariat_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_similar_practices_share_words_and_tags():
    secretariat = secretariat_person()

    def practice(title, body, **data):
        return make_practice(
            publish=True, secretariat=secretariat, title=title, summary=title, body=body, **data
        )

    bees = practice(
        "Urban beekeeping with schools",
        "Pupils keep beehives on school roofs and sell the honey at the market.",
        sdgs=[15],
        target_groups=["children"],
    )
    closest = practice(
        "Beekeeping in school gardens",
        "Beehives in the school garden: children harvest honey every summer.",
        sdgs=[15],
        target_groups=["children"],
    )
    weaker = practice(
        "Honey market",
        "A weekly market of local honey and beeswax.",
        sdgs=[15],
    )
    tags_only = practice("Chess club", "Games on Sundays.", target_groups=["children"])
    no_shared_tag = practice(
        "Beekeeping for retired people", "Beehives and honey for older people.", sdgs=[3]
    )
    draft = make_practice(
        title="Beekeeping with schools", body="Beehives, honey, school roofs.", sdgs=[15]
    )
    unrelated = practice("Reading circles", "Books.", sdgs=[4])

    similar = similar_practices(bees, limit=5)
    assert similar[:2] == [closest, weaker]
    assert tags_only in similar  # fills the list: it shares a target group
    for absent in (bees, no_shared_tag, draft, unrelated):
        assert absent not in similar
    assert similar_practices(bees, limit=1) == [closest]


def test_similar_practices_without_tags_use_words():
    secretariat = secretariat_person()

    def practice(title, body):
        return make_practice(
            publish=True, secretariat=secretariat, title=title, summary=title, body=body
        )

    source = practice("Repair café", "Volunteers repair toasters.")
    other = practice("Toasters and lamps", "A repair workshop for toasters.")
    practice("Chess", "Games.")
    assert similar_practices(source) == [other]


def test_near_duplicates_are_the_same_citys_close_practices():
    coordinator, organisation = coordinator_and_city()
    body = "Libraries, schools and clubs run workshops for all ages in the city's parks."
    practice = make_practice(
        coordinator=coordinator, organisation=organisation, title="Learning festival", body=body
    )
    published = make_practice(
        coordinator=coordinator,
        organisation=organisation,
        publish=True,
        title="Seniors online",
        body="Tablets lent to older people, with weekly lessons in the library.",
    )
    other_coordinator, other_city = coordinator_and_city()
    make_practice(
        coordinator=other_coordinator, organisation=other_city, title="Learning festival", body=body
    )
    edited = body.replace("all ages", "all the ages of life")
    assert near_duplicates(organisation.pk, "Learning Festival", edited) == [practice]
    assert (
        near_duplicates(organisation.pk, "Learning festival", edited, exclude_pk=practice.pk) == []
    )
    assert near_duplicates(organisation.pk, "Seniors online!", published.body) == [published]
    assert near_duplicates(organisation.pk, "Bicycle repair", "Volunteers fix bicycles.") == []
    assert near_duplicates(organisation.pk, "", "") == []
