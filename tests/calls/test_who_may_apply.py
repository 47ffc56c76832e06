"""The eligibility rules of a call as a city reads them, one sentence per rule set."""

import pytest

from learningcities.calls.domain.queries.public import who_may_apply
from learningcities.calls.enums import CallKind

from .factories import make_call

pytestmark = pytest.mark.django_db


def test_who_may_apply_to_a_membership_call_with_every_rule():
    call = make_call(require_not_member=True, population_minimum=50_000, quota_per_country=1)

    assert who_may_apply(call) == [
        "Cities and other local governments, endorsed by their National Commission.",
        "Only cities that are not yet members of the network may apply.",
        "A population of at least 50,000 inhabitants.",
        "Each National Commission may endorse up to 1 city in this call.",
    ]


def test_who_may_apply_to_an_award_call_with_every_rule():
    call = make_call(
        kind=CallKind.AWARD,
        require_not_member=False,
        member_for_months=1,
        not_winner_within_years=6,
        quota_per_country=2,
    )

    assert who_may_apply(call) == [
        "Member cities of the network, nominated by their National Commission.",
        "Only cities that have been members for more than 1 month.",
        "Cities that won the award in the last 6 years may not take part.",
        "Each National Commission may nominate up to 2 cities.",
    ]


def test_who_may_apply_without_rules_says_who_applies_only():
    call = make_call(require_not_member=False, population_minimum=None, quota_per_country=None)

    assert who_may_apply(call) == [
        "Cities and other local governments, endorsed by their National Commission."
    ]
