"""Set-up shared by the scoring tests: a submission in review, its panel, jurors, clients."""

import datetime as dt
import io

from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from learningcities.accounts.domain.users import activate_totp
from learningcities.calls.enums import SubmissionState
from learningcities.frameworks.models import Criterion
from learningcities.reviews.enums import OtherReviews
from learningcities.reviews.models import ReviewPhase
from tests.accounts.factories import TOTP_SECRET
from tests.calls.factories import Cast, secretary, submission_in
from tests.reviews.factories import assign, make_juror, make_panel

# A city name found nowhere else: if it shows in a response, the response leaks.
UNIQUE_CITY = "Qwyxlborough"
CONTACT = "Aoife Byrne"  # the contact person of tests.calls.factories.PROFILE


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def secretary_with_totp():
    """A member of the secretariat with the second factor the secretariat must have."""
    user = secretary()
    activate_totp(user, secret=TOTP_SECRET)
    return user


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


class Jury:
    """A submission in review from a city named ``UNIQUE_CITY`` (Ireland), its panel and a juror."""

    def __init__(self, *, city_name: str = UNIQUE_CITY, country_code: str = "IE", **panel):
        self.cast = Cast(country_code=country_code)
        self.cast.city.name = city_name
        self.cast.city.save(update_fields=["name"])
        self.submission = submission_in(self.cast, SubmissionState.IN_REVIEW)
        self.panel = make_panel(self.cast.call, **panel)
        self.phase = self.panel.phases.get()
        self.juror = make_juror(self.panel, "FR")
        self.assignment = assign(self.panel, self.submission, self.juror)
        self.criteria = list(
            Criterion.objects.filter(framework=self.cast.call.framework).order_by("order")
        )

    def set_phase(self, **fields) -> ReviewPhase:
        ReviewPhase.objects.filter(pk=self.phase.pk).update(**fields)
        self.phase.refresh_from_db()
        return self.phase

    def close_phases(self) -> None:
        """Move every phase into the past: no phase in force."""
        past = timezone.now() - dt.timedelta(days=30)
        self.panel.phases.update(starts_at=past, ends_at=past + dt.timedelta(days=1))

    def another_juror(self, nationality: str = "DE"):
        juror = make_juror(self.panel, nationality)
        return juror, assign(self.panel, self.submission, juror)

    def scores(self, value: int = 3) -> dict:
        return dict.fromkeys(self.criteria, value)


__all__ = [
    "CONTACT",
    "UNIQUE_CITY",
    "Jury",
    "OtherReviews",
    "client_for",
    "pdf_text",
    "secretary_with_totp",
]
