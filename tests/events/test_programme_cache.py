"""The public schedule served from the cache: every change it shows is seen on the next visit."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from learningcities.accounts.domain.users import update_profile
from learningcities.common.domain.translations import save_translations
from learningcities.events.domain.events import update_event, update_room
from learningcities.events.domain.programme import (
    create_presentation,
    delete_session,
    sign_up,
    update_session,
)
from learningcities.events.domain.revision import bump_programme_revision
from learningcities.events.enums import SessionKind
from tests.accounts.factories import make_user
from tests.events.factories_programme import (
    EventFactory,
    RoomFactory,
    VenueFactory,
    make_participant,
    make_session,
)

pytestmark = pytest.mark.django_db

# A visit served from the cache: the event with its revision and the register's.
CACHED_QUERIES = 1


def programme_url(event, language: str = "en") -> str:
    with translation.override(language):
        return reverse("events:programme", kwargs={"slug": event.slug})


def visit(event, language: str = "en") -> str:
    response = Client().get(programme_url(event, language))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def event():
    return EventFactory(title="Sixth conference", time_zone="Asia/Riyadh")


@pytest.fixture
def plenary(event):
    return make_session(event, kind=SessionKind.PLENARY, title="Morning plenary", hour=9)


def test_programme_served_from_cache_to_the_second_visitor(
    event, plenary, django_assert_num_queries
):
    first = visit(event)

    with django_assert_num_queries(CACHED_QUERIES):
        second = visit(event)

    assert "Morning plenary" in first
    assert second.count('class="card session"') == first.count('class="card session"') == 1


def test_programme_session_change_shows_on_next_anonymous_request(event, plenary):
    before = visit(event)

    update_session(plenary, actor=None, title="Closing plenary")

    after = visit(event)
    assert "Morning plenary" in before
    assert "Closing plenary" in after
    assert "Morning plenary" not in after


def test_programme_new_and_deleted_sessions_show(event, plenary):
    visit(event)

    forum = make_session(event, kind=SessionKind.THEMATIC_FORUM, title="Forum on libraries")
    with_forum = visit(event)
    delete_session(forum, actor=None)
    without_forum = visit(event)

    assert "Forum on libraries" in with_forum
    assert "Forum on libraries" not in without_forum


def test_programme_languages_do_not_share_a_cached_page(event, plenary):
    english = visit(event, "en")
    french = visit(event, "fr")
    english_again = visit(event, "en")

    assert '<html lang="en"' in english
    assert '<html lang="fr"' in french
    assert '<html lang="en"' in english_again


def test_programme_translation_shows_in_its_language(event, plenary):
    visit(event, "fr")

    save_translations(plenary, "fr", {"title": "Plénière du matin"})

    assert "Plénière du matin" in visit(event, "fr")
    assert "Plénière du matin" not in visit(event, "en")


def test_programme_presentation_and_speaker_rename_show(event, plenary):
    speaker = make_user(name="Speaker One")
    visit(event)

    create_presentation(plenary, actor=None, title="Learning in Jubail", speakers=[speaker])
    with_talk = visit(event)
    update_profile(speaker, name="Speaker Renamed", language="en", nationality=None, actor=speaker)
    renamed = visit(event)

    assert "Learning in Jubail" in with_talk
    assert "Speaker One" in with_talk
    assert "Speaker Renamed" in renamed


def test_programme_room_rename_and_event_change_show(event):
    room = RoomFactory(venue=VenueFactory(event=event), name="Hall A")
    make_session(event, title="Parallel session", room=room)
    visit(event)

    update_room(room, actor=None, name="Hall B")
    renamed = visit(event)
    update_event(event, actor=None, time_zone="Europe/Paris")
    moved = visit(event)

    assert "Hall B" in renamed
    assert "Europe/Paris" in moved


def test_programme_places_left_follow_sign_ups(event):
    site_visit = make_session(
        event, kind=SessionKind.SITE_VISIT, title="School visit", capacity=1, hour=14
    )
    free = visit(event)

    sign_up(site_visit, make_participant(event), actor=None)

    full = visit(event)
    assert "1 place left" in free
    assert "Full: a waiting list is open." in full


def test_programme_logged_in_participant_gets_own_page_not_cached_one(event):
    make_session(event, kind=SessionKind.SITE_VISIT, title="School visit", capacity=5, hour=14)
    participant = make_participant(event)
    anonymous = visit(event)
    client = Client()
    client.force_login(participant.user)

    own = client.get(programme_url(event)).content.decode()

    assert "Sign up" not in anonymous
    assert "Sign up" in own
    assert "My agenda" in own


def test_programme_revision_moves_on_at_each_bump_even_within_one_moment(event):
    event.refresh_from_db()
    before = event.updated_at

    bump_programme_revision(event.pk)
    event.refresh_from_db()
    first = event.updated_at
    bump_programme_revision(event.pk)
    event.refresh_from_db()

    assert before < first < event.updated_at


def rename_then_fail(session):
    with transaction.atomic():
        update_session(session, actor=None, title="Closing plenary")
        raise RuntimeError


def test_programme_change_rolled_back_leaves_the_revision(event, plenary):
    event.refresh_from_db()
    before = event.updated_at

    with pytest.raises(RuntimeError):
        rename_then_fail(plenary)

    event.refresh_from_db()
    assert event.updated_at == before
    assert "Morning plenary" in visit(event)


def test_programme_of_another_event_stays_cached(event, plenary, django_assert_num_queries):
    other = EventFactory(title="Members' meeting")
    make_session(other, title="Other plenary")
    visit(event)
    visit(other)

    update_session(plenary, actor=None, title="Closing plenary")

    with django_assert_num_queries(CACHED_QUERIES):
        assert "Other plenary" in visit(other)
