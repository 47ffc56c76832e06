"""Set-up for the decisions and release tests: calls with submissions in review and staged.

The submissions get to ``in_review`` through the calls factories (the right
person for each transition); finishing the review and staging decisions go
through the domain functions under test.
"""

from learningcities.calls.enums import SubmissionState
from learningcities.calls.models import Call, Submission
from learningcities.network.domain.cities import save_city
from learningcities.reviews.domain.decisions import finish_review, stage_decision
from tests.calls.factories import Cast, make_call, small_framework, submission_in

S = SubmissionState


def casts_in_review(call: Call, countries: list[str]) -> list[tuple[Cast, Submission]]:
    """One city per country code, each with a submission to ``call`` in review."""
    found = []
    for code in countries:
        cast = Cast(call=call, country_code=code)
        found.append((cast, submission_in(cast, S.IN_REVIEW)))
    return found


def rename_city(cast: Cast, name: str, **fields) -> None:
    """Give the cast's city a recognisable name (and local name, ...), through the domain."""
    save_city(country=cast.city.country, name=name, city=cast.city, **fields)
    cast.city.refresh_from_db()


def stage(cast: Cast, submission: Submission, decision: str) -> Submission:
    """Finish the review and stage ``decision`` (with a reason each time: no reviews)."""
    finish_review(submission, actor=cast.secretary, reason="Reviewed on paper.")
    return stage_decision(
        submission, actor=cast.secretary, decision=decision, reason="Reviewed on paper."
    )


def membership_call(**fields) -> Call:
    framework = fields.pop("framework", None) or small_framework()
    return make_call(framework=framework, **fields)


def files_under(root) -> list[str]:
    """Every file stored under the private root (relative paths, sorted)."""
    if not root.exists():
        return []
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())
