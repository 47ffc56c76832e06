"""The checks of a call message before anything is sent: filters, key, subject and text."""

import pytest

from learningcities.calls.domain.errors import SubmissionError
from learningcities.calls.domain.messages import clean_filters, send_call_message
from learningcities.calls.enums import SubmissionState
from learningcities.calls.models import CallMessage
from tests.calls.factories import make_call

S = SubmissionState


def test_clean_filters_of_nothing_are_empty():
    assert clean_filters(None) == {"state": "", "region": "", "country": ""}


def test_clean_filters_strips_and_capitalises_the_country():
    filters = {"state": f" {S.SUBMITTED} ", "region": None, "country": " ie"}

    assert clean_filters(filters) == {"state": S.SUBMITTED, "region": "", "country": "IE"}


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"mayor": "x", "city": "y"}, "Unknown filters: city, mayor."),
        ({"state": "lost"}, "Unknown state: lost."),
        ({"region": "atlantis"}, "Unknown region: atlantis."),
        ({"country": "IRL"}, "A country is given by its two letters, such as IE."),
        ({"country": "I1"}, "A country is given by its two letters, such as IE."),
        # The first bad filter is named, in the order state, region, country.
        ({"state": "lost", "region": "atlantis"}, "Unknown state: lost."),
        ({"region": "atlantis", "country": "IRL"}, "Unknown region: atlantis."),
    ],
)
def test_clean_filters_refuses_an_unknown_filter_or_value(filters, message):
    with pytest.raises(SubmissionError) as refused:
        clean_filters(filters)

    assert (refused.value.code, str(refused.value)) == ("filters", message)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"send_key": ""}, "key"),
        ({"send_key": "  "}, "key"),
        ({"send_key": "k" * 65}, "key"),
        ({"subject": " "}, "empty"),
        ({"body": ""}, "empty"),
        ({"subject": "s" * 201}, "too_long"),
        ({"body": "b" * 10_001}, "too_long"),
        ({"filters": {"state": "lost"}}, "filters"),
        ({"audience": "mayors"}, "audience"),
    ],
)
def test_send_call_message_refuses_before_sending(fields, code):
    call = make_call()
    arguments = {
        "actor": None,
        "audience": "applicants",
        "filters": {},
        "subject": "Hello",
        "body": "Text.",
        "send_key": "key",
        **fields,
    }

    with pytest.raises(SubmissionError) as refused:
        send_call_message(call, **arguments)

    assert refused.value.code == code
    assert not CallMessage.objects.exists()
