"""Reads for the public "Join the network" pages: calls, their rules and the award's winners.

Everything here is public: what a call asks and by when, what its rules
are, and which cities won the award in which year. Nothing about
submissions, their states or the people behind them.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import router
from django.db.models import Count, Max, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from learningcities.common.translated import shown
from learningcities.network.enums import Region

from ...enums import CallKind, DocumentKind
from ...models import AwardWin, Call, CallAttachment
from ..calls import CallPhase
from .calls import public_calls


def join_page_key(now: dt.datetime | None = None) -> str:
    """Return a key that changes whenever what the join pages show may change (two queries).

    Each call's id, revision and phase at ``now`` (a call opening or closing
    changes it on the minute, not the next day), and the award wins recorded
    (their number and latest id: a win recorded outside a release counts too).
    """
    now = now or timezone.now()
    using = router.db_for_read(Call)
    calls = ";".join(
        f"{pk}#{revision}:{_phase(opens_at, closes_at, now)}"
        for pk, revision, opens_at, closes_at in Call.objects.using(using)
        .order_by("pk")
        .values_list("pk", "revision", "opens_at", "closes_at")
    )
    return f"{calls}|{award_wins_stamp()}"


def award_wins_stamp() -> str:
    """Return the award wins recorded, as their number and latest id (one query).

    A win moves no revision of its own (one recorded outside a release
    neither): what shows the winners keys its caches by this.
    """
    wins = AwardWin.objects.using(router.db_for_read(AwardWin)).aggregate(
        count=Count("pk"), last=Max("pk")
    )
    return f"{wins['count']}-{wins['last']}"


def _phase(opens_at: dt.datetime, closes_at: dt.datetime, now: dt.datetime) -> str:
    """``call_phase`` from the two moments alone (the key reads no whole call)."""
    if now < opens_at:
        return CallPhase.UPCOMING
    return CallPhase.OPEN if now < closes_at else CallPhase.CLOSED


def calls_for_join_page(now: dt.datetime | None = None) -> list[Call]:
    """Return the calls open or yet to open at ``now``: open ones first, by deadline.

    A call is listed from the moment it is created until it closes; after that
    it stays reachable at its own address (``call_for_public``).

    Two queries (``public_calls``: the calls with their framework, their attachments).
    """
    now = now or timezone.now()
    calls = list(public_calls(now=now))
    calls.sort(key=lambda call: (call.opens_at > now, call.closes_at, call.pk))
    return calls


def call_for_public(pk: int) -> Call | None:
    """Return the call ``pk`` with its framework and attachments, or None (every call is public)."""
    return (
        Call.objects.filter(pk=pk)
        .select_related("framework")
        .prefetch_related(
            Prefetch(
                "attachments",
                queryset=CallAttachment.objects.select_related("document").order_by(
                    "created_at", "pk"
                ),
            )
        )
        .first()
    )


@dataclass
class Edition:
    """The winners of the award in one year, by UNESCO region then city name."""

    year: int
    winners: list = field(default_factory=list)


def award_editions() -> list[Edition]:
    """Return every year the award was won in, newest first, with its winners (one query).

    Each winner is the ``AwardWin`` with its city and country; ``region_label``
    is set on each for display.
    """
    editions: dict[int, Edition] = {}
    wins = AwardWin.objects.select_related("city", "city__country").order_by(
        "-year", "city__country__region", "city__name", "pk"
    )
    labels = dict(Region.choices)
    for win in wins:
        win.region_label = labels.get(win.city.country.region, "")
        editions.setdefault(win.year, Edition(win.year)).winners.append(win)
    return list(editions.values())


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


def who_may_apply(call: Call) -> list[str]:
    """Return the call's eligibility rules as sentences for a city reading the call.

    The same rules the screening checks (``domain.eligibility``), said before
    the fact: one sentence per rule the call sets, in the active language.
    """
    rules = [_who_applies(call)]
    rules += _membership_rules(call)
    if call.population_minimum is not None:
        rules.append(
            _("A population of at least %(minimum)s inhabitants.")
            % {"minimum": _number(call.population_minimum)}
        )
    if call.not_winner_within_years is not None:
        rules.append(
            ngettext(
                "Cities that won the award in the last %(years)s year may not take part.",
                "Cities that won the award in the last %(years)s years may not take part.",
                call.not_winner_within_years,
            )
            % {"years": call.not_winner_within_years}
        )
    if call.quota_per_country is not None and call.needs_endorsement:
        rules.append(_quota_rule(call))
    return rules


def _who_applies(call: Call) -> str:
    if call.kind == CallKind.AWARD:
        return _("Member cities of the network, nominated by their National Commission.")
    if not call.needs_endorsement:
        return _(
            "Cities and other local governments; no endorsement by a National Commission is needed."
        )
    return _("Cities and other local governments, endorsed by their National Commission.")


def _membership_rules(call: Call) -> list[str]:
    """The rules on the city's membership: not a member yet, or a member for N months."""
    rules = []
    if call.require_not_member:
        rules.append(_("Only cities that are not yet members of the network may apply."))
    if call.member_for_months is not None:
        rules.append(
            ngettext(
                "Only cities that have been members for more than %(months)s month.",
                "Only cities that have been members for more than %(months)s months.",
                call.member_for_months,
            )
            % {"months": call.member_for_months}
        )
    return rules


def _quota_rule(call: Call) -> str:
    """How many cities a Commission may nominate (award) or endorse (membership call)."""
    if call.kind == CallKind.AWARD:
        text = ngettext(
            "Each National Commission may nominate up to %(count)s city.",
            "Each National Commission may nominate up to %(count)s cities.",
            call.quota_per_country,
        )
    else:
        text = ngettext(
            "Each National Commission may endorse up to %(count)s city in this call.",
            "Each National Commission may endorse up to %(count)s cities in this call.",
            call.quota_per_country,
        )
    return text % {"count": call.quota_per_country}


def required_documents(call: Call) -> list[str]:
    """Return the names of the documents every submission to ``call`` must carry."""
    return [
        str(DocumentKind(kind).label) if kind in DocumentKind.values else kind
        for kind in call.required_documents or []
    ]


def call_texts(call: Call) -> dict:
    """Return the call's public description, guidelines and attachments (prefetched).

    The texts are in the active language (``Shown``: the original when not
    translated); each attachment comes as ``{"title", "url"}`` (its public
    download address).
    """
    attachments = []
    for attachment in call.attachments.all():
        url = reverse("calls:call-attachment", kwargs={"pk": attachment.pk})
        attachments.append({"title": attachment.title, "url": url})
    return {
        "description": shown(call, "description"),
        "guidelines": shown(call, "guidelines"),
        "attachments": attachments,
    }
