"""The people and the call of the multi-process test, made in a database of its own.

Run inside ``learningcities shell -c`` (the repository root on PYTHONPATH), so the
installation under test, not pytest, writes them::

    import json; from tests.deploy.cast import prepare; print(json.dumps(prepare()))

It prints what the HTTP client needs: the ids to post, the log-ins, and the form
fields of the profile and of each section.
"""

from learningcities.accounts.domain.users import activate_totp
from learningcities.calls.enums import Challenge
from learningcities.frameworks.enums import AnswerType
from tests.accounts.factories import TOTP_SECRET
from tests.calls.factories import PROFILE, Cast, make_call

ANSWERS = {
    AnswerType.TEXT: "Libraries and schools teach together.",
    AnswerType.RATING: "2",
    AnswerType.NUMBER: "42",
    AnswerType.YES_NO: "yes",
}


def prepare() -> dict:
    """Create an open call, a city with its coordinator, the country's endorser and a secretary.

    The endorser has an authenticator app (not required of the role, chosen by
    them), so the log-in takes two steps whose state lives in the session. The
    secretary is there to receive the notice of the endorsement.
    """
    cast = Cast(make_call())
    activate_totp(cast.endorser, secret=TOTP_SECRET)
    profile = {field: str(value) for field, value in PROFILE.items() if field != "challenges"} | {
        f"challenges-{challenge.value}": "3" for challenge in Challenge
    }
    sections: dict[str, dict[str, str]] = {}
    for criterion in cast.call.framework.criteria.select_related("area__section"):
        if criterion.answer_type != AnswerType.FILE:  # the framework's file is optional
            answers = sections.setdefault(criterion.area.section.code, {})
            answers[f"answer-{criterion.code}"] = ANSWERS[criterion.answer_type]
    return {
        "call": cast.call.pk,
        "call_title": cast.call.title,
        "organisation": cast.organisation.pk,
        "city": cast.city.name,
        "coordinator": cast.coordinator.email,
        "endorser": cast.endorser.email,
        "secretary": cast.secretary.email,
        "profile": profile,
        "sections": sections,
    }
