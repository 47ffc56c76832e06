"""The public "Join the network" pages: how to join, the calls with their rules, the winners."""

import datetime as dt
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from learningcities.calls.domain.calls import add_call_attachment, update_call
from learningcities.calls.domain.eligibility import record_award_win
from learningcities.calls.domain.revision import bump_call_revision
from learningcities.calls.enums import CallKind
from learningcities.calls.models import Call
from tests.calls.factories import make_call
from tests.common.files import PDF
from tests.factories import CityFactory, country

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_join_page_explains_the_steps_to_everyone(client):
    response = client.get(reverse("calls:join"))

    assert response.status_code == 200
    html = text_of(response)
    assert "<h1>Join the network</h1>" in html
    assert "National Commission for UNESCO, which endorses it" in html
    assert "independent jury of experts" in html
    assert "No call is open at the moment." in html
    assert "No award winner is recorded yet." in html


def test_join_page_linked_from_the_site_header_and_footer(client):
    html = text_of(client.get(reverse("network:home")))

    assert html.count(f'href="{reverse("calls:join")}"') == 2


def test_join_page_open_call_shows_timeline_in_the_call_time_zone(client):
    year = timezone.now().year + 1
    make_call(
        title="Membership call of the year",
        opens_at=timezone.now() - dt.timedelta(days=1),
        # 14:59 UTC is 23:59 in Seoul.
        closes_at=dt.datetime(year, 6, 15, 14, 59, tzinfo=dt.UTC),
        time_zone="Asia/Seoul",
        endorsement_days=30,
    )

    html = text_of(client.get(reverse("calls:join")))

    assert "Membership call of the year</a>" in html
    assert f'15 Jun {year}, 23:59</time> <span class="muted">(Asia/Seoul)</span>' in html
    assert "decides on your application within 30 days of receiving it." in html


def test_join_page_open_call_lists_its_eligibility_rules_and_documents(client):
    make_call(population_minimum=100_000, require_not_member=True, quota_per_country=3)

    html = text_of(client.get(reverse("calls:join")))

    assert "<li>A population of at least 100,000 inhabitants.</li>" in html
    assert "<li>Only cities that are not yet members of the network may apply.</li>" in html
    assert "<li>Each National Commission may endorse up to 3 cities in this call.</li>" in html
    assert "<li>Document: Mayor&#x27;s commitment letter</li>" in html
    assert "Why the city wants to join, in at most 200 words." in html


def test_join_page_award_call_lists_award_rules(client):
    make_call(
        title="Award call",
        kind=CallKind.AWARD,
        require_not_member=False,
        member_for_months=12,
        not_winner_within_years=6,
        quota_per_country=2,
    )

    html = text_of(client.get(reverse("calls:join")))

    assert "Only cities that have been members for more than 12 months." in html
    assert "Cities that won the award in the last 6 years may not take part." in html
    assert "Each National Commission may nominate up to 2 cities." in html
    assert "Why the city wants to join" not in html


def test_join_page_upcoming_call_listed_apart_and_closed_call_left_out(client):
    now = timezone.now()
    make_call(
        title="Coming call",
        opens_at=now + dt.timedelta(days=20),
        closes_at=now + dt.timedelta(days=60),
    )
    make_call(
        title="Past call",
        opens_at=now - dt.timedelta(days=60),
        closes_at=now - dt.timedelta(days=20),
    )

    html = text_of(client.get(reverse("calls:join")))

    assert "No call is open at the moment." in html
    assert "<h3>Coming calls</h3>" in html
    assert "Coming call</a>: open from" in html
    assert "Past call" not in html


def test_join_page_lists_award_winners_of_every_edition(client):
    cork = CityFactory(name="Cork", country=country("IE"))
    jubail = CityFactory(name="Jubail", country=country("SA"))
    record_award_win(cork, year=2015, actor=None)
    record_award_win(jubail, year=2021, actor=None)
    record_award_win(cork, year=2024, actor=None)

    html = text_of(client.get(reverse("calls:join")))

    assert html.index("Winners of 2024") < html.index("Winners of 2021")
    assert html.index("Winners of 2021") < html.index("Winners of 2015")
    assert f'<a href="{cork.get_absolute_url()}">Cork</a>, Ireland' in html
    assert html.count(">Cork</a>") == 2


def test_join_page_cached_for_anonymous_visitors(client, django_assert_num_queries):
    make_call(title="Cached call")
    client.get(reverse("calls:join"))

    # The register's revision, the calls' key and the award wins' key.
    with django_assert_num_queries(3):
        response = client.get(reverse("calls:join"))

    assert "Cached call</a>" in text_of(response)


def test_join_page_shows_a_changed_call_at_once(client):
    call = make_call(title="First title")
    client.get(reverse("calls:join"))

    Call.objects.filter(pk=call.pk).update(title="Second title")
    bump_call_revision(call.pk)

    html = text_of(client.get(reverse("calls:join")))
    assert "Second title</a>" in html
    assert "First title" not in html


def test_join_page_shows_a_call_that_opened_since_it_was_cached(client):
    call = make_call(
        title="Opening call",
        opens_at=timezone.now() + dt.timedelta(days=1),
        closes_at=timezone.now() + dt.timedelta(days=30),
    )
    assert "No call is open at the moment." in text_of(client.get(reverse("calls:join")))

    # The call opens (time passes); its revision does not change.
    Call.objects.filter(pk=call.pk).update(opens_at=timezone.now() - dt.timedelta(minutes=1))

    html = text_of(client.get(reverse("calls:join")))
    assert "No call is open at the moment." not in html
    assert 'Opening call</a> <span class="tag">Membership</span>' in html


def test_join_page_shows_a_new_award_win_at_once(client):
    client.get(reverse("calls:join"))

    record_award_win(CityFactory(name="Yeonsu"), year=2021, actor=None)

    assert ">Yeonsu</a>" in text_of(client.get(reverse("calls:join")))


@pytest.mark.parametrize("n", [1, 3])
def test_join_page_query_count_does_not_grow_with_rows(client, django_assert_num_queries, n):
    for i in range(n):
        make_call(title=f"Call {i}", kind=CallKind.AWARD if i % 2 else CallKind.MEMBERSHIP)
        record_award_win(CityFactory(), year=2015 + i, actor=None)

    # Revision, the two keys, the calls, their attachments, the winners.
    with django_assert_num_queries(6):
        response = client.get(reverse("calls:join"))

    assert text_of(response).count("Winners of ") == n


def test_join_page_in_french(client):
    make_call(title="Appel")

    response = client.get("/fr/join/")

    assert response.status_code == 200
    assert 'lang="fr"' in response.content.decode()


def test_join_call_page_shows_the_whole_call(client):
    call = make_call(title="Detailed call", population_minimum=50_000)

    response = client.get(reverse("calls:join-call", kwargs={"pk": call.pk}))

    html = text_of(response)
    assert response.status_code == 200
    assert "<h1>Detailed call</h1>" in html
    assert "This call is open for applications." in html
    assert "<li>A population of at least 50,000 inhabitants.</li>" in html
    assert f'href="{call.framework.get_absolute_url()}"' in html


def test_join_call_page_of_a_closed_call_says_so(client):
    now = timezone.now()
    call = make_call(opens_at=now - dt.timedelta(days=60), closes_at=now - dt.timedelta(days=1))

    html = text_of(client.get(reverse("calls:join-call", kwargs={"pk": call.pk})))

    assert "This call is closed." in html
    assert "logs in" not in html


def test_join_call_page_of_a_missing_call_is_404(client):
    response = client.get(reverse("calls:join-call", kwargs={"pk": 999_999}))

    assert response.status_code == 404


def test_join_call_page_shows_the_call_texts_and_attachments(client):
    call = make_call(title="Call with texts")
    call, _changed = update_call(
        call,
        actor=None,
        description="Cities of every size are welcome.",
        guidelines="Write plainly.\n\nAttach the letter as a PDF.",
    )
    attachment = add_call_attachment(
        call, io.BytesIO(PDF), actor=None, title="Terms of the call", name="terms.pdf"
    )

    html = text_of(client.get(reverse("calls:join-call", kwargs={"pk": call.pk})))

    assert "<p>Cities of every size are welcome.</p>" in html
    assert "<p>Write plainly.</p> <p>Attach the letter as a PDF.</p>" in html
    url = reverse("calls:call-attachment", kwargs={"pk": attachment.pk})
    assert f'<a href="{url}">Terms of the call</a>' in html


def test_join_page_coming_call_dates_in_the_call_time_zone():
    year = timezone.now().year + 1
    # 20:00 UTC on 31 March is already 1 April in Seoul.
    make_call(
        title="Seoul call",
        opens_at=dt.datetime(year, 3, 31, 20, tzinfo=dt.UTC),
        closes_at=dt.datetime(year, 5, 31, 14, 59, tzinfo=dt.UTC),
        time_zone="Asia/Seoul",
    )

    html = text_of(Client().get(reverse("calls:join")))

    opens = date_format(dt.date(year, 4, 1), "DATE_FORMAT")
    closes = date_format(dt.date(year, 5, 31), "DATE_FORMAT")
    assert f"Seoul call</a>: open from {opens} to {closes} (Asia/Seoul)" in html
