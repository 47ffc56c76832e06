"""A conflicted juror never reaches the submission, by any route, even while assigned.

The submission comes from a city with a name found nowhere else
(``UNIQUE_CITY``), with a commitment letter and evidence. The juror is
assigned to it (rows made directly, as if the tie came after the
assignment) and then tied to it in one of the ways that make a conflict.
Every route a juror could take is tried: the workspace list and its search,
the review page (GET and POST), the jury API (list, detail, save), the
dossier PDF (the jury's and the calls' route), the documents, the ranking.
None answers with the submission or the city's name.

A juror who sits on the National Commission of the city's country, or who
coordinates the city, sees the application in that other role (the calls'
dossier and the documents are theirs to read as endorser or coordinator);
for them the jury's routes are the ones tried. The control test shows that
an unconflicted juror reaches every jury route, so these tests can fail.
"""

import contextlib
import json

import pytest
from django.urls import reverse
from pypdf.errors import PdfReadError

from learningcities.accounts.domain.organisations import add_affiliation
from learningcities.accounts.enums import Role
from learningcities.calls.enums import DocumentKind
from learningcities.calls.models import SubmissionDocument
from learningcities.reviews.enums import TieKind, TieSource
from learningcities.reviews.models import JurorTie, Recusal, Review, Score
from tests.calls.factories import endorser_of
from tests.reviews.factories import assign, make_juror
from tests.reviews.scoring_helpers import (
    UNIQUE_CITY,
    Jury,
    client_for,
    pdf_text,
)

pytestmark = pytest.mark.django_db


def tie_country(juror, kind, jury):
    JurorTie.objects.create(
        juror=juror, kind=kind, country=jury.submission.country, source=TieSource.SECRETARIAT
    )


def nationality(jury):
    juror = make_juror(jury.panel, "IE")
    return juror


def residence(jury):
    juror = make_juror(jury.panel, "FR")
    tie_country(juror, TieKind.RESIDENCE, jury)
    return juror


def work(jury):
    juror = make_juror(jury.panel, "FR")
    tie_country(juror, TieKind.WORK, jury)
    return juror


def declared_country(jury):
    juror = make_juror(jury.panel, "FR")
    tie_country(juror, TieKind.DECLARED, jury)
    return juror


def declared_city(jury):
    juror = make_juror(jury.panel, "FR")
    JurorTie.objects.create(
        juror=juror, kind=TieKind.DECLARED, city=jury.submission.city, source=TieSource.JUROR
    )
    return juror


def national_commission(jury):
    juror = make_juror(jury.panel, "FR")
    commission = endorser_of("IE").affiliations.get().organisation
    add_affiliation(commission, user=juror, role=Role.ENDORSER, actor=None)
    return juror


def city_organisation(jury):
    juror = make_juror(jury.panel, "FR")
    add_affiliation(jury.cast.organisation, user=juror, role=Role.COORDINATOR, actor=None)
    return juror


def recusal(jury):
    juror = make_juror(jury.panel, "FR")
    return juror


CONFLICTS = {
    "nationality": nationality,
    "residence": residence,
    "work": work,
    "declared_country": declared_country,
    "declared_city": declared_city,
    "national_commission": national_commission,
    "city_organisation": city_organisation,
    "recusal": recusal,
}
# Conflicts through a role that sees the application anyway (see the module's docstring).
OTHER_ROLE = {"national_commission", "city_organisation"}


def conflicted_juror(jury: Jury, kind: str):
    """A juror of the panel, assigned to the submission, then tied to it by ``kind``."""
    juror = CONFLICTS[kind](jury)
    assign(jury.panel, jury.submission, juror)
    # A draft with a score: what they had started before the tie was known.
    assignment = jury.panel.assignments.get(juror=juror)
    review = Review.objects.create(assignment=assignment)
    Score.objects.create(review=review, criterion=jury.criteria[0], value=4)
    if kind == "recusal":
        Recusal.objects.create(submission=jury.submission, juror=juror, reason="My sister.")
    return juror


def documents(jury: Jury) -> list:
    return list(
        SubmissionDocument.objects.filter(submission=jury.submission).values_list(
            "document_id", flat=True
        )
    )


def jury_routes(jury: Jury, client) -> dict:
    """Every response a juror gets on the jury's routes to the submission."""
    pk = jury.submission.pk
    return {
        "workspace": client.get(reverse("reviews:jury-workspace")),
        "search_by_name": client.get(reverse("reviews:jury-workspace"), {"q": "wyxlboro"}),
        "search_by_number": client.get(reverse("reviews:jury-workspace"), {"q": f"#{pk}"}),
        "detail": client.get(reverse("reviews:jury-review", kwargs={"pk": pk})),
        "save": client.post(
            reverse("reviews:jury-review", kwargs={"pk": pk}),
            {f"score-{jury.criteria[0].pk}": "1"},
            HTTP_X_AUTOSAVE="1",
        ),
        "api_list": client.get("/api/v1/jury/submissions"),
        "api_detail": client.get(f"/api/v1/jury/submissions/{pk}"),
        "api_save": client.put(
            f"/api/v1/jury/submissions/{pk}/review",
            data=json.dumps({"comment": "x"}),
            content_type="application/json",
        ),
        "dossier_jury": client.get(reverse("reviews:jury-dossier", kwargs={"pk": pk})),
        "ranking": client.get(reverse("reviews:ranking", kwargs={"call_pk": jury.cast.call.pk})),
    }


def other_routes(jury: Jury, client) -> dict:
    """The calls' dossier and the documents' downloads."""
    pk = jury.submission.pk
    found = {
        "dossier_calls": client.get(reverse("calls:dossier-pdf", kwargs={"pk": pk})),
        "api_calls_list": client.get("/api/v1/submissions"),
        "api_calls_detail": client.get(f"/api/v1/submissions/{pk}"),
    }
    for index, document_id in enumerate(documents(jury)):
        found[f"document_{index}"] = client.get(
            reverse("common:document", kwargs={"document_id": document_id})
        )
    return found


def text_of(response) -> str:
    """The response's text; a PDF's extracted text as well as its bytes."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode(errors="replace")
    if body.startswith(b"%PDF"):
        # The tests' tiny sample PDF has no text layer; its bytes are searched anyway.
        with contextlib.suppress(PdfReadError, ValueError):
            text += pdf_text(body)
    return text


@pytest.mark.parametrize("kind", sorted(CONFLICTS))
def test_conflicted_juror_cannot_reach_the_submission(kind):
    jury = Jury()
    juror = conflicted_juror(jury, kind)
    client = client_for(juror)

    responses = jury_routes(jury, client)
    if kind not in OTHER_ROLE:
        responses.update(other_routes(jury, client))

    statuses = {name: response.status_code for name, response in responses.items()}
    expected = {
        "workspace": 200,
        "search_by_name": 200,
        "search_by_number": 200,
        "detail": 404,
        "save": 404,
        "api_list": 200,
        "api_detail": 404,
        "api_save": 404,
        "dossier_jury": 404,
        "ranking": 403,
    }
    if kind not in OTHER_ROLE:
        expected.update({"dossier_calls": 404, "api_calls_list": 200, "api_calls_detail": 404})
        expected.update({f"document_{i}": 404 for i in range(len(documents(jury)))})
    assert statuses == expected
    for name in ("workspace", "search_by_name", "search_by_number"):
        assert list(responses[name].context["page"]) == [], name
    assert responses["api_list"].json()["count"] == 0
    leaking = [name for name, response in responses.items() if UNIQUE_CITY in text_of(response)]
    assert leaking == []
    assert list(Score.objects.values_list("value", flat=True)) == [4]


def test_unconflicted_juror_reaches_every_jury_route():
    jury = Jury()
    client = client_for(jury.juror)

    responses = jury_routes(jury, client)
    responses.update(other_routes(jury, client))

    statuses = {name: response.status_code for name, response in responses.items()}
    assert statuses == {
        "workspace": 200,
        "search_by_name": 200,
        "search_by_number": 200,
        "detail": 200,
        "save": 204,
        "api_list": 200,
        "api_detail": 200,
        "api_save": 200,
        "dossier_jury": 200,
        "ranking": 403,  # the secretariat's page: no juror ever opens it
        "dossier_calls": 404,  # the calls' route serves cities, endorsers, the secretariat
        "api_calls_list": 200,  # empty: the calls' API lists a juror nothing
        "api_calls_detail": 404,
        "document_0": 200,
        "document_1": 200,
    }
    for name in ("workspace", "search_by_name", "search_by_number"):
        assert [s.pk for s in responses[name].context["page"]] == [jury.submission.pk], name
    reaching = sorted(
        name for name, response in responses.items() if UNIQUE_CITY in text_of(response)
    )
    assert reaching == [
        "api_detail",
        "api_list",
        "api_save",
        "detail",
        "dossier_jury",
        "search_by_name",
        "search_by_number",
        "workspace",
    ]
    assert sorted(
        SubmissionDocument.objects.filter(submission=jury.submission).values_list("kind", flat=True)
    ) == [DocumentKind.COMMITMENT_LETTER, DocumentKind.EVIDENCE]
