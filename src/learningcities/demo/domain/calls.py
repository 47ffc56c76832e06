"""The demo call: a membership call with sample applications and its jury, for ``make run``.

Built on the demo network (``learningcities load-demo``) and the demo accounts
(``learningcities create-demo-accounts``), so that a newcomer logged in as any
demo account finds something to do: the demo endorser an application waiting
for their endorsement, the demo juror reviews to write, the secretariat
applications to screen, and the demo applicant (made here, a coordinator of a
city that is not a member) a draft to complete.

The applicants are real places that are not members of the network, taken
from the offline gazetteer (the largest places of their country that the demo
member list does not name); every text says it is sample text, the figures
are illustrative, and the one document, the commitment letter, is a generated
PDF that says it is a sample. Everything is written through the domain
functions, as people would through the pages.

It uses the calls and reviews apps (the jury), so it lives in the demo app, the
top layer: no app imports it (docs/architecture.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from learningcities.accounts.domain.organisations import add_affiliation, create_organisation
from learningcities.accounts.domain.users import create_user
from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.accounts.models import Organisation, User
from learningcities.calls.domain.calls import create_call
from learningcities.calls.domain.errors import SubmissionError
from learningcities.calls.domain.submissions import (
    attach_document,
    save_answer,
    save_draft,
    start_submission,
)
from learningcities.calls.domain.transitions import transition
from learningcities.calls.enums import CallKind, Challenge, DocumentKind, SubmissionState
from learningcities.calls.models import Call, Submission
from learningcities.common.languages import language_codes
from learningcities.common.text import fold
from learningcities.common.translated import set_translation
from learningcities.demo.domain.accounts import DEMO_DOMAIN, DemoAccount, ensure_demo_applicant
from learningcities.frameworks.enums import AnswerType
from learningcities.frameworks.interfaces.yaml_files import SHIPPED_DIR, load_framework_file
from learningcities.frameworks.models import Criterion, Framework
from learningcities.network.domain.cities import find_city, save_city
from learningcities.network.domain.queries.directory import current_member_filter
from learningcities.network.gazetteer import largest_places, locate
from learningcities.network.models import City, Country
from learningcities.reviews.domain.assignments import assign_submission
from learningcities.reviews.domain.panels import add_phase, create_panel
from learningcities.reviews.models import Panel, ReviewPhase

S = SubmissionState

# Marked for translation; the call is found again under either spelling.
DEMO_CALL_TITLE = gettext_noop("Demo membership call (sample data)")
FRAMEWORK = ("key-features", "2013-short")
FRAMEWORK_FILE = "key-features-short.yaml"
QUOTA = 3
OPEN_DAYS = 60
# Sample applicants come from the demo endorser's country and from two of these.
OTHER_COUNTRIES = ("IE", "PT", "KE", "CO")
MEMBER_LIST = Path(__file__).resolve().parents[1] / "data" / "gnlc_members.csv"
# (state, country group): group 0 is the demo endorser's country, so that their
# queue has an application waiting and the quota counts one endorsement of
# theirs; the applications further on come from two other countries, each with
# a sample endorser, so no quota fills up.
PLAN: tuple[tuple[str, int], ...] = (
    (S.DRAFT, 0),
    (S.SUBMITTED, 0),
    (S.ENDORSED, 0),
    (S.ELIGIBLE, 1),
    (S.IN_REVIEW, 1),
    (S.IN_REVIEW, 2),
)
# The path from a fresh draft to each planned state (in_review: the juror's assignment).
PATHS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (),
    S.SUBMITTED: (S.SUBMITTED,),
    S.ENDORSED: (S.SUBMITTED, S.ENDORSED),
    S.ELIGIBLE: (S.SUBMITTED, S.ENDORSED, S.ELIGIBLE),
    S.IN_REVIEW: (S.SUBMITTED, S.ENDORSED, S.ELIGIBLE, S.IN_REVIEW),
}


@dataclass(frozen=True)
class SampleApplication:
    """One application of the demo call, as it stands."""

    city: str
    country: str
    state: str
    created: bool


@dataclass(frozen=True)
class DemoCall:
    """What ``ensure_demo_call`` found or made."""

    call: Call
    call_created: bool
    applications: list[SampleApplication]
    applicant: DemoAccount
    juror_assignments: int

    @property
    def changed(self) -> bool:
        return self.call_created or any(a.created for a in self.applications)


@dataclass
class _People:
    endorser: User
    secretariat: User
    juror: User
    panel_organisation: Organisation
    home: Country


def _demo_user(code: str) -> User | None:
    return User.objects.filter(email=f"{code}@{DEMO_DOMAIN}", is_demo=True).first()


def _demo_people() -> _People:
    missing = SubmissionError(
        _(
            "The demo call needs the demo network and the demo accounts: run "
            "learningcities load-demo, then learningcities create-demo-accounts."
        ),
        code="demo_missing",
    )
    endorser, secretariat, juror = (_demo_user(c) for c in ("endorser", "secretariat", "juror"))
    if endorser is None or secretariat is None or juror is None:
        raise missing
    commission = (
        Organisation.objects.filter(
            kind=OrganisationKind.NATIONAL_COMMISSION,
            affiliations__user=endorser,
            affiliations__role=Role.ENDORSER,
        )
        .select_related("country")
        .first()
    )
    panel_organisation = Organisation.objects.filter(
        kind=OrganisationKind.PANEL, affiliations__user=juror, affiliations__role=Role.JUROR
    ).first()
    if commission is None or commission.country is None or panel_organisation is None:
        raise missing
    return _People(endorser, secretariat, juror, panel_organisation, commission.country)


def _framework() -> Framework:
    framework = Framework.objects.filter(code=FRAMEWORK[0], version=FRAMEWORK[1]).first()
    if framework is None:
        framework = load_framework_file(SHIPPED_DIR / FRAMEWORK_FILE).framework
    return framework


def _call(people: _People, framework: Framework, now: dt.datetime) -> tuple[Call, bool]:
    titles = {DEMO_CALL_TITLE, _(DEMO_CALL_TITLE)}
    call = Call.objects.filter(kind=CallKind.MEMBERSHIP, title__in=titles).first()
    if call is not None:
        return call, False
    call = create_call(
        actor=people.secretariat,
        title=DEMO_CALL_TITLE,
        language="en",
        kind=CallKind.MEMBERSHIP,
        framework=framework,
        opens_at=now - dt.timedelta(days=14),
        closes_at=now + dt.timedelta(days=OPEN_DAYS),
        time_zone=settings.TIME_ZONE,
        quota_per_country=QUOTA,
        require_not_member=True,
    )
    # Its title in every language, as the secretariat would translate it.
    for language in language_codes():
        if language != call.language:
            with translation.override(language):
                set_translation(call, language, "title", _(DEMO_CALL_TITLE))
    call.save(update_fields=["translations"])
    return call, True


def _panel(call: Call, people: _People, now: dt.datetime) -> Panel:
    panel = Panel.objects.filter(call=call).first() or create_panel(
        call, organisation=people.panel_organisation, actor=people.secretariat
    )
    if not ReviewPhase.objects.filter(panel=panel).exists():
        add_phase(
            panel,
            actor=people.secretariat,
            name=_("Scoring"),
            starts_at=now - dt.timedelta(days=1),
            ends_at=call.closes_at + dt.timedelta(days=OPEN_DAYS),
            may_review=True,
        )
    return panel


def _listed_names(country_code: str) -> set[str]:
    """Return the folded names of the demo member list in the country, dated or not."""
    with MEMBER_LIST.open(encoding="utf-8", newline="") as handle:
        return {
            fold(row["city"]) for row in csv.DictReader(handle) if row["country"] == country_code
        }


def _sample_cities(country: Country, count: int, today: dt.date) -> list[City]:
    """Return ``count`` real places of the country that are not members, largest first.

    Places the demo member list names are left out even when it gives no
    joining date (they are members in life), and so are places whose name
    holds such a name ("South Dublin"); so are current members. A place
    not in the register yet is added to it from the gazetteer, without a
    membership.
    """
    listed = _listed_names(country.code)
    found: list[City] = []
    for name, _latitude, _longitude, _population in largest_places(country.code, limit=60):
        if len(found) == count:
            break
        folded = fold(name)
        # "South Dublin" is not Dublin, but a newcomer would take it for it.
        if any(re.search(rf"\b{re.escape(listed_name)}\b", folded) for listed_name in listed):
            continue
        city = find_city(country, name)
        if city is not None:
            if City.objects.filter(current_member_filter(today), pk=city.pk).exists():
                continue
            found.append(city)
            continue
        match = locate(name, country.code)
        if match is None or fold(match.name) != fold(name):
            continue
        city, _changed = save_city(
            country=country,
            name=name,
            population=match.population,
            population_year=match.population_year,
            latitude=match.latitude,
            longitude=match.longitude,
            gazetteer_id=match.gazetteer_id,
            location_source=match.source,
        )
        found.append(city)
    if len(found) < count:
        raise SubmissionError(
            _("The gazetteer has too few places in %(country)s that are not members.")
            % {"country": country.name},
            code="demo_places",
        )
    return found


def _city_organisation(city: City) -> Organisation:
    return Organisation.objects.filter(
        kind=OrganisationKind.CITY, city=city
    ).first() or create_organisation(kind=OrganisationKind.CITY, city=city, actor=None)


def _sample_person(local_part: str, name: str) -> User:
    """Return a sample person (``is_demo``, no password: nobody logs in as them)."""
    email = f"{local_part}@{DEMO_DOMAIN}"
    return User.objects.filter(email=email).first() or create_user(
        email, password=None, name=name, is_demo=True
    )


def _sample_coordinator(organisation: Organisation) -> User:
    city = organisation.city
    user = _sample_person(
        f"sample-coordinator-{city.pk}",
        _("Sample coordinator of %(city)s") % {"city": city.name},
    )
    add_affiliation(organisation, user=user, role=Role.COORDINATOR, actor=None)
    return user


def _endorser_of(country: Country, people: _People) -> User:
    if country.pk == people.home.pk:
        return people.endorser
    commission = Organisation.objects.filter(
        kind=OrganisationKind.NATIONAL_COMMISSION, country=country
    ).first() or create_organisation(
        kind=OrganisationKind.NATIONAL_COMMISSION,
        country=country,
        name=_("National Commission of %(country)s for UNESCO") % {"country": country.name},
        actor=None,
    )
    user = _sample_person(
        f"sample-endorser-{country.code.lower()}",
        _("Sample endorser (%(country)s)") % {"country": country.name},
    )
    add_affiliation(commission, user=user, role=Role.ENDORSER, actor=None)
    return user


def sample_letter(city: City) -> bytes:
    """Return a one-page PDF that says it is a sample letter for the demo, not a real one."""
    from weasyprint import HTML  # heavy import, only when the demo call is made

    title = _("Sample letter for the demo")
    body = _(
        "This is not a letter of commitment. It was generated by the platform for its "
        "demo, so that the sample application of %(city)s carries the document the call asks for."
    ) % {"city": city.name}
    html = f"<html><body><h1>{escape(title)}</h1><p>{escape(body)}</p></body></html>"
    return HTML(string=html).write_pdf()


def _profile(city: City, coordinator: User, now: dt.datetime, index: int) -> dict:
    """Return a complete profile: sample texts, the gazetteer's population, figures for show."""
    return {
        "data_year": now.year - 1,
        "population": city.population or 100_000,
        "area_km2": Decimal(120 + 35 * index),
        "gdp_per_capita_city": 20_000 + 4_000 * index,
        "gdp_per_capita_country": 18_000 + 4_000 * index,
        "schooling_years_men": Decimal("11.5"),
        "schooling_years_women": Decimal("12.0"),
        "motivation": _(
            "Sample application for the demo, not written by %(city)s. "
            "This text and the figures of this profile only show what a city writes here."
        )
        % {"city": city.name},
        "implementation": _(
            "Sample application for the demo: a city learning board would meet every "
            "month, with libraries, schools, universities and employers, and report to "
            "the council once a year."
        ),
        "challenges": {challenge.value: 3 for challenge in Challenge},
        "contact_name": coordinator.name,
        "contact_email": coordinator.email,
        "communication_language": "en",
    }


def _answer(criterion: Criterion, city: City, index: int):
    if criterion.answer_type == AnswerType.TEXT:
        return _(
            "Sample answer for the demo: here %(city)s would describe what it does for "
            "“%(criterion)s”."
        ) % {"city": city.name, "criterion": criterion.title}
    if criterion.answer_type == AnswerType.NUMBER:
        return 10 + (criterion.order * 7 + index * 3) % 90
    if criterion.answer_type == AnswerType.RATING:
        low = criterion.rating_min if criterion.rating_min is not None else 1
        high = criterion.rating_max if criterion.rating_max is not None else 5
        return low + (criterion.order + index) % (high - low + 1)
    return True  # yes / no


def _fill_in(submission: Submission, coordinator: User, index: int, now: dt.datetime) -> None:
    """Complete the profile, answer every criterion and attach the sample letter."""
    city = submission.city
    save_draft(submission, actor=coordinator, **_profile(city, coordinator, now, index))
    letter = None
    for criterion in submission.call.framework.criteria.order_by("order", "pk"):
        if criterion.answer_type == AnswerType.FILE:
            if criterion.required:
                letter = letter or sample_letter(city)
                attach_document(
                    submission,
                    io.BytesIO(letter),
                    actor=coordinator,
                    kind=DocumentKind.EVIDENCE,
                    criterion=criterion,
                    name="sample-evidence-for-the-demo.pdf",
                )
            continue
        save_answer(submission, criterion, actor=coordinator, value=_answer(criterion, city, index))
    for kind in submission.call.required_documents:
        letter = letter or sample_letter(city)
        attach_document(
            submission,
            io.BytesIO(letter),
            actor=coordinator,
            kind=kind,
            name="sample-letter-for-the-demo.pdf",
        )


def _start_draft(submission: Submission, coordinator: User, now: dt.datetime) -> None:
    """Begin the applicant's draft: a few fields, the rest left for them to fill in."""
    city = submission.city
    save_draft(
        submission,
        actor=coordinator,
        data_year=now.year - 1,
        population=city.population,
        motivation=_(
            "Sample application for the demo, not written by %(city)s. "
            "Log in as the demo applicant to complete and submit this draft."
        )
        % {"city": city.name},
        contact_name=coordinator.name,
        contact_email=coordinator.email,
        communication_language="en",
    )


def _bring_to(
    submission: Submission,
    state: str,
    *,
    people: _People,
    coordinator: User,
    panel: Panel,
    now: dt.datetime,
) -> None:
    endorser = _endorser_of(submission.country, people)
    for step in PATHS[state]:
        if step == S.SUBMITTED:
            transition(submission, step, actor=coordinator, now=now)
        elif step == S.ENDORSED:
            transition(
                submission,
                step,
                actor=endorser,
                comment=_("Sample endorsement for the demo."),
                now=now,
            )
        elif step == S.ELIGIBLE:
            transition(submission, step, actor=people.secretariat, now=now)
        elif step == S.IN_REVIEW:
            assign_submission(panel, submission, people.juror, actor=people.secretariat)


def _cities_by_group(people: _People) -> dict[int, list[City]]:
    """Return the sample places of each ``PLAN`` group: the demo endorser's country, two others."""
    others = [
        country
        for code in OTHER_COUNTRIES
        if code != people.home.code
        for country in Country.objects.filter(code=code)
    ][:2]
    groups = [people.home, *others]
    wanted = [sum(1 for _state, group in PLAN if group == g) for g in range(len(groups))]
    today = timezone.localdate()
    return {g: _sample_cities(country, wanted[g], today) for g, country in enumerate(groups)}


def _sample_application(
    submission: Submission,
    state: str,
    index: int,
    *,
    people: _People,
    coordinator: User,
    panel: Panel,
    now: dt.datetime,
) -> None:
    """Fill in the started ``submission`` (``PLAN`` entry ``index``) and bring it to ``state``."""
    if state == S.DRAFT:
        _start_draft(submission, coordinator, now)
        return
    _fill_in(submission, coordinator, index, now)
    _bring_to(submission, state, people=people, coordinator=coordinator, panel=panel, now=now)


@transaction.atomic
def ensure_demo_call(*, now: dt.datetime | None = None) -> DemoCall:
    """Make the demo call, its sample applications and its jury where missing; change nothing else.

    Needs the demo network and the demo accounts (SubmissionError, code
    ``demo_missing``, otherwise); refused in production (code ``production``).
    Effects, in one transaction, each only when missing: the key-features
    framework (from its shipped file); the open membership call titled
    ``DEMO_CALL_TITLE`` (closing in ``OPEN_DAYS`` days, quota 3, only cities
    not yet members); its panel on the demo juror's panel organisation with a
    scoring phase open now; real non-member places of the gazetteer added to
    the register (no membership), their city organisations and sample
    coordinators (``is_demo``, no password); the demo applicant (see
    ``ensure_demo_applicant``) for the first place of the demo endorser's
    country; sample endorsers of two other countries' National Commissions;
    one application per ``PLAN`` entry, started, filled in and moved by the
    people whose job it is, so each step leaves its transition, activity
    entries and notices; the demo juror assigned to those in review. An
    application that exists already (in whatever state) is left alone.
    """
    if getattr(settings, "PRODUCTION", False):
        raise SubmissionError(
            _("The demo call is never made in production (LC_PRODUCTION is set)."),
            code="production",
        )
    now = now or timezone.now()
    people = _demo_people()
    call, call_created = _call(people, _framework(), now)
    panel = _panel(call, people, now)

    cities = _cities_by_group(people)

    # The applicant coordinates the first place of the demo endorser's country:
    # the draft of PLAN's first entry, which reaches the endorser once submitted.
    applicant = ensure_demo_applicant(_city_organisation(cities[0][0]))
    applications: list[SampleApplication] = []
    taken = dict.fromkeys(cities, 0)
    for index, (state, group) in enumerate(PLAN):
        city = cities[group][taken[group]]
        taken[group] += 1
        organisation = _city_organisation(city)
        if index == 0:
            coordinator = User.objects.get(email=applicant.email)
        else:
            coordinator = _sample_coordinator(organisation)
        existing = Submission.objects.filter(call=call, city=city).first()
        if existing is not None:
            applications.append(
                SampleApplication(city.name, city.country_id, existing.state, created=False)
            )
            continue
        submission = start_submission(call, city=city, actor=coordinator, now=now)
        _sample_application(
            submission, state, index, people=people, coordinator=coordinator, panel=panel, now=now
        )
        applications.append(SampleApplication(city.name, city.country_id, state, created=True))
    return DemoCall(
        call=call,
        call_created=call_created,
        applications=applications,
        applicant=applicant,
        juror_assignments=panel.assignments.filter(juror=people.juror).count(),
    )
