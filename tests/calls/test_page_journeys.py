"""Journeys through a call by its pages: every step an HTTP request of the person who takes it.

``test_journeys.py`` walks the same paths through the domain functions and
``test_views_*.py`` checks each page on its own; here the coordinator starts and
fills in the application on its pages, submits it, the National Commission
decides on its page and the secretariat screens on its own, one after another.
"""

import datetime as dt
import html
import re
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from learningcities.accounts.enums import Role
from learningcities.calls.domain.submissions import extend_deadline
from learningcities.calls.enums import Challenge, SubmissionState
from learningcities.calls.models import Call, EndorsementQuota, Submission, Transition
from learningcities.frameworks.enums import AnswerType
from tests.accounts.factories import person_with_role
from tests.calls.factories import PROFILE, city_with_coordinator, endorser_of, make_call
from tests.common.files import PDF

pytestmark = pytest.mark.django_db

S = SubmissionState
PAGE_ANSWERS = {AnswerType.TEXT: "Libraries and schools teach together.", AnswerType.RATING: "2"}
PAGE_ANSWERS[AnswerType.NUMBER] = "42"
PAGE_ANSWERS[AnswerType.YES_NO] = "yes"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_text(response) -> str:
    return response.content.decode()


class City:
    """A city's coordinator working through the application pages."""

    def __init__(self, call: Call, country_code: str = "IE"):
        self.call = call
        self.organisation, self.coordinator = city_with_coordinator(country_code)
        self.client = client_of(self.coordinator)
        self.submission: Submission | None = None

    def url(self, name: str, **kwargs) -> str:
        return reverse(f"calls:{name}", kwargs={"pk": self.submission.pk, **kwargs})

    def start(self) -> Submission:
        response = self.client.post(
            reverse("calls:city-applications"),
            {"call": self.call.pk, "organisation": self.organisation.pk},
        )
        self.submission = Submission.objects.get(
            organisation=self.organisation, call=self.call, state=S.DRAFT
        )
        assert response["Location"] == self.url("city-application")
        return self.submission

    def fill_in(self) -> None:
        """Fill in the profile with the mayor's letter and every section, by their forms."""
        profile = {field: value for field, value in PROFILE.items() if field != "challenges"} | {
            f"challenges-{challenge.value}": "3" for challenge in Challenge
        }
        profile["commitment_letter"] = SimpleUploadedFile(
            "letter.pdf", PDF, content_type="application/pdf"
        )
        response = self.client.post(self.url("city-profile"), profile)
        assert response.status_code == 302, page_text(response)
        criteria = self.call.framework.criteria.select_related("area__section")
        sections: dict[str, dict] = {}
        for criterion in criteria:
            if criterion.answer_type != AnswerType.FILE:
                sections.setdefault(criterion.area.section.code, {})[f"answer-{criterion.code}"] = (
                    PAGE_ANSWERS[criterion.answer_type]
                )
        for code, answers in sections.items():
            response = self.client.post(self.url("city-section", code=code), answers)
            assert response.status_code == 302, page_text(response)

    def change_motivation(self, text: str) -> int:
        return self.client.post(self.url("city-profile"), {"motivation": text}).status_code

    def act(self, action: str):
        data = {"action": action, "confirm": "yes"}  # withdrawing asks for the box
        return self.client.post(self.url("city-application"), data, follow=True)

    def overview(self) -> str:
        return page_text(self.client.get(self.url("city-application")))


class Commission:
    """An endorser of the National Commission on the endorsement pages."""

    def __init__(self, country_code: str = "IE"):
        self.endorser = endorser_of(country_code)
        self.client = client_of(self.endorser)

    def decide(self, submission: Submission, action: str, comment: str = ""):
        return self.client.post(
            reverse("calls:endorsement-detail", kwargs={"pk": submission.pk}),
            {"action": action, f"{action}-comment": comment},
            follow=True,
        )

    def queue_page(self) -> str:
        return self.client.get(reverse("calls:endorsement-queue")).content.decode()

    def queue(self) -> list[Submission]:
        """The applications the queue lists, in its order (read from the page: it may be cached)."""
        prefix = re.escape(reverse("calls:endorsement-queue"))
        pks = [int(pk) for pk in re.findall(rf'<a href="{prefix}(\d+)/">', self.queue_page())]
        found = Submission.objects.in_bulk(pks)
        return [found[pk] for pk in pks]

    def quotas_left(self) -> list[str]:
        """The "left" column of the quota table (read from the page)."""
        table = self.queue_page().split('<table class="quota-table">', 1)[1].split("</table>")[0]
        return re.findall(r"<td>([^<]*)</td></tr>", table)


class Secretariat:
    """A member of the secretariat (with TOTP) on the screening pages."""

    def __init__(self):
        self.person = person_with_role(Role.SECRETARIAT, totp=True)
        self.client = client_of(self.person)

    def screen(self, submission: Submission, action: str, comment: str = ""):
        return self.client.post(
            reverse("calls:secretariat-submission", kwargs={"pk": submission.pk}),
            {"action": action, f"{action}-comment": comment},
            follow=True,
        )


def state_of(submission: Submission) -> str:
    return Submission.objects.get(pk=submission.pk).state


def moves(submission: Submission) -> list[tuple[str, str]]:
    return list(
        Transition.objects.filter(submission=submission).values_list("from_state", "to_state")
    )


def submitted_city(call: Call, country_code: str = "IE") -> City:
    city = City(call, country_code)
    city.start()
    city.fill_in()
    city.act("submit")
    return city


def test_page_journey_draft_submitted_endorsed_eligible():
    call = make_call()
    city, commission, secretariat = City(call), Commission(), Secretariat()

    submission = city.start()
    city.fill_in()
    complete = city.overview()
    submitted = city.act("submit")
    endorsed = commission.decide(submission, "endorse")
    eligible = secretariat.screen(submission, "eligible")

    assert "Your application is complete." in complete
    assert "Your application has been submitted." in page_text(submitted)
    assert "application is now “Endorsed”" in page_text(endorsed)
    assert "submission is now “Eligible”" in page_text(eligible)
    assert state_of(submission) == S.ELIGIBLE
    assert moves(submission) == [
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.ENDORSED),
        (S.ENDORSED, S.ELIGIBLE),
    ]
    assert 'class="application-state">Eligible<' in city.overview()
    assert EndorsementQuota.objects.get(call=call, country_id="IE").used == 1


def test_page_journey_returned_then_resubmitted():
    call = make_call()
    city, commission = submitted_city(call), Commission()

    returned = commission.decide(city.submission, "return", "Add the mayor's signature.")
    told = city.overview()
    changed = city.change_motivation("We learn from peers, and the mayor signed the pledge.")
    resubmitted = city.act("submit")
    endorsed = commission.decide(city.submission, "endorse")

    assert "application is now “Returned to the city”" in page_text(returned)
    assert "Returned by your National Commission" in told
    assert "Add the mayor's signature." in html.unescape(told)
    assert changed == 302
    assert "Your application has been submitted." in page_text(resubmitted)
    assert "application is now “Endorsed”" in page_text(endorsed)
    assert moves(city.submission) == [
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.RETURNED),
        (S.RETURNED, S.SUBMITTED),
        (S.SUBMITTED, S.ENDORSED),
    ]
    assert Submission.objects.get(pk=city.submission.pk).motivation == (
        "We learn from peers, and the mayor signed the pledge."
    )


def test_page_journey_declined_is_final_for_the_city():
    call = make_call()
    city, commission = submitted_city(call), Commission()

    declined = commission.decide(city.submission, "decline", "Another city of ours is readier.")
    change = city.change_motivation("Please reconsider.")
    resubmit = city.act("submit")

    assert "application is now “Declined”" in page_text(declined)
    assert change == 409
    assert resubmit.status_code == 409
    assert state_of(city.submission) == S.DECLINED
    assert "This application can no longer be changed." in city.overview()
    assert "Declined by your National Commission" in city.overview()
    assert "Another city of ours is readier." in city.overview()
    assert commission.queue() == []


def test_page_journey_ineligible_with_a_reason():
    call = make_call()
    city, commission, secretariat = submitted_city(call), Commission(), Secretariat()
    commission.decide(city.submission, "endorse")

    refused = secretariat.screen(city.submission, "ineligible")
    ineligible = secretariat.screen(city.submission, "ineligible", "Below the population minimum.")

    assert refused.status_code == 400
    assert "submission is now “Ineligible”" in page_text(ineligible)
    assert state_of(city.submission) == S.INELIGIBLE
    assert Transition.objects.get(to_state=S.INELIGIBLE).comment == "Below the population minimum."


def test_page_journey_needs_changes_then_resubmitted():
    call = make_call()
    city, commission, secretariat = submitted_city(call), Commission(), Secretariat()
    commission.decide(city.submission, "endorse")

    secretariat.screen(city.submission, "needs_changes", "The GDP figures are for 2010.")
    quota_while_changing = EndorsementQuota.objects.get(call=call).used
    changed = city.client.post(city.url("city-profile"), {"gdp_per_capita_city": "61000"})
    city.act("submit")
    commission.decide(city.submission, "endorse")
    eligible = secretariat.screen(city.submission, "eligible")

    assert (quota_while_changing, changed.status_code) == (0, 302)
    assert "submission is now “Eligible”" in page_text(eligible)
    assert moves(city.submission)[2:] == [
        (S.ENDORSED, S.NEEDS_CHANGES),
        (S.NEEDS_CHANGES, S.SUBMITTED),
        (S.SUBMITTED, S.ENDORSED),
        (S.ENDORSED, S.ELIGIBLE),
    ]
    assert EndorsementQuota.objects.get(call=call).used == 1


def test_page_journey_withdrawn_leaves_the_queue_and_frees_the_city():
    call = make_call()
    city, commission = submitted_city(call), Commission()
    queued = commission.queue()

    withdrawn = city.act("withdraw")
    again = City.start(city)

    assert queued == [Submission.objects.get(state=S.WITHDRAWN)]
    assert "Your application has been withdrawn." in page_text(withdrawn)
    assert commission.queue() == []
    assert again.state == S.DRAFT
    assert again.pk != queued[0].pk


def test_page_submit_after_the_deadline_refused_naming_it_unless_extended():
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    call = make_call()
    late, extended = City(call), City(call)
    for city in (late, extended):
        city.start()
        city.fill_in()
    closes = dt.datetime.now(paris).replace(second=0, microsecond=0) - dt.timedelta(hours=1)
    Call.objects.filter(pk=call.pk).update(closes_at=closes)
    extend_deadline(
        extended.submission,
        actor=Secretariat().person,
        until=closes + dt.timedelta(days=2),
    )

    refused = late.act("submit")
    accepted = extended.act("submit")

    assert refused.status_code == 409
    assert (
        f"The deadline for submissions was {closes:%Y-%m-%d %H:%M} Europe/Paris; it has passed."
        in page_text(refused)
    )
    assert "Your application has been submitted." in page_text(accepted)
    assert (state_of(late.submission), state_of(extended.submission)) == (S.DRAFT, S.SUBMITTED)


def test_page_fourth_endorsement_in_a_country_with_quota_three_refused():
    call = make_call(quota_per_country=3)
    cities = [submitted_city(call) for _ in range(4)]
    commission = Commission()

    for city in cities[:3]:
        commission.decide(city.submission, "endorse")
    refused = commission.decide(cities[3].submission, "endorse")

    assert refused.status_code == 409
    assert "used all 3 endorsements" in page_text(refused)
    assert [state_of(city.submission) for city in cities] == [S.ENDORSED] * 3 + [S.SUBMITTED]
    assert EndorsementQuota.objects.get(call=call, country_id="IE").used == 3
    assert commission.quotas_left() == ["0"]
