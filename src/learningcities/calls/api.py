"""REST API v1 of calls: a person's own submissions and the transitions they may make.

Session authentication (ninja's ``django_auth``): anonymous callers get 401;
unsafe methods need the CSRF token, as forms do. The rules are the pages':
``submissions_for_user`` says what a person sees (anything else is 404, as if
missing), ``may_transition`` what they may do, and ``transition()`` does it.
"""

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.security import django_auth
from pydantic import WithJsonSchema

from learningcities.accounts.enums import Scope
from learningcities.accounts.interfaces.api_auth import TokenAuth
from learningcities.accounts.rules import is_secretariat
from learningcities.api.errors import (
    BODY_REFUSALS,
    REFUSALS,
    SESSION_REFUSALS,
    NotFoundOut,
    invalid_parameter,
)
from learningcities.api.pagination import (
    DEFAULT_PAGE_SIZE,
    PageCursor,
    PageNumber,
    PageOut,
    PageSize,
    paginate,
)
from learningcities.network.models.countries import localised_country_name

from .domain.completeness import completeness
from .domain.queries.submissions import submissions_for_user
from .domain.transitions import transition
from .enums import Decision, SubmissionState
from .models import AwardWin, Submission
from .rules import may_transition

router = Router(tags=["calls"], auth=django_auth)
# A partner's program may read the applications its organisation may see.
READ_TOKEN = TokenAuth(Scope.APPLICATIONS_READ)

MAX_ID = 2**63 - 1  # the largest key a BigAutoField holds
SubmissionId = Annotated[int, Path(ge=1, le=MAX_ID, description="The submission's id.")]


class CallRef(Schema):
    id: int
    title: str
    kind: str


class CityRef(Schema):
    id: int
    name: str


class SubmissionOut(Schema):
    id: int
    state: str = Field(description="The state's code, such as draft or submitted.")
    state_label: str
    call: CallRef
    city: CityRef
    country: str = Field(description="ISO 3166-1 alpha-2 code of the city's country.")
    submitted_at: dt.datetime | None
    endorsement_due_at: dt.datetime | None
    updated_at: dt.datetime


class SubmissionPage(PageOut):
    results: list[SubmissionOut]


class MissingItemOut(Schema):
    code: str
    anchor: str
    message: str


class CompletenessOut(Schema):
    complete: bool
    missing: list[MissingItemOut]


class SubmissionDetailOut(SubmissionOut):
    completeness: CompletenessOut
    allowed_transitions: list[str] = Field(
        description=(
            "The states this person may move the submission to now (the state machine and "
            "their role); dates, quotas and completeness are checked when they do."
        )
    )


class TransitionIn(Schema):
    # Plain strings, checked by the handler (whose 422 lists the states), with
    # their values listed in the document for clients and generated tests.
    to: str = Field(
        description="The target state, such as submitted or withdrawn.",
        json_schema_extra={"enum": list(SubmissionState.values)},
    )
    comment: str = Field(
        "",
        description=(
            "The reason; required to return or decline, and to finish a review or accept "
            "with fewer reviews than the call asks for."
        ),
    )
    decision: str = Field(
        "",
        description="accepted or rejected, when deciding.",
        json_schema_extra={"enum": ["", Decision.ACCEPTED.value, Decision.REJECTED.value]},
    )


class ErrorOut(Schema):
    detail: str
    code: str


def _item(submission: Submission, *, sees_staged: bool = False) -> dict:
    """The submission as a list item; a staged step reads as in review unless ``sees_staged``."""
    call, city = submission.call, submission.city
    state = submission.state if sees_staged else submission.state_for_city
    return {
        "id": submission.pk,
        "state": state,
        "state_label": str(SubmissionState(state).label),
        "call": {"id": call.pk, "title": call.title, "kind": call.kind},
        "city": {"id": city.pk, "name": city.name},
        "country": submission.country_id,
        "submitted_at": submission.submitted_at,
        "endorsement_due_at": submission.endorsement_due_at,
        "updated_at": submission.updated_at,
    }


def allowed_transitions_for(user, submission: Submission) -> list[str]:
    """Return the states ``user`` may move ``submission`` to now, in the machine's order.

    The same test ``transition()`` makes first (``may_transition``: the table and
    the person's role); its guards on dates, quotas and completeness come when
    the move is made.
    """
    return [state for state in SubmissionState.values if may_transition(user, submission, state)]


def _detail(user, submission: Submission) -> dict:
    missing = completeness(submission)
    return {
        **_item(submission, sees_staged=is_secretariat(user)),
        "completeness": {
            "complete": not missing,
            "missing": [
                {"code": item.code, "anchor": item.anchor, "message": str(item.message)}
                for item in missing
            ],
        },
        "allowed_transitions": allowed_transitions_for(user, submission),
    }


def _not_found() -> Status:
    return Status(404, {"detail": _("There is no submission with this id.")})


class AwardWinnerOut(Schema):
    year: int
    city_id: int
    city: str
    country: str
    country_name: str


class AwardWinnerPage(PageOut):
    results: list[AwardWinnerOut]


@router.get(
    "/award-winners",
    response={200: AwardWinnerPage, **REFUSALS},
    summary="Learning City Award winners",
    description=(
        "Every city that won the UNESCO Learning City Award, newest year first, in pages; "
        "public. Filters combine (all must hold)."
    ),
    operation_id="list_award_winners",
    auth=None,
)
def list_award_winners(
    request: HttpRequest,
    year: Annotated[
        int | None,
        WithJsonSchema({"type": "integer", "minimum": 1990, "maximum": 2100}),
        Query(None, ge=1990, le=2100, description="The year of the award.", example=2021),
    ] = None,
    country: Annotated[
        str | None,
        WithJsonSchema({"type": "string", "pattern": "^[A-Za-z]{2}$"}),
        Query(
            None,
            pattern="^[A-Za-z]{2}$",
            description="The city's country, ISO 3166-1 alpha-2 code (any case).",
            example="CN",
        ),
    ] = None,
    page: PageNumber = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
    cursor: PageCursor = None,
) -> dict:
    wins = AwardWin.objects.select_related("city").order_by("-year", "city__name", "pk")
    params = {}
    if year:
        wins = wins.filter(year=year)
        params["year"] = str(year)
    if country:
        wins = wins.filter(city__country_id=country.upper())
        params["country"] = country.upper()
    return paginate(
        request,
        wins,
        params=params,
        page=page,
        page_size=page_size,
        cursor=cursor,
        item=_award_winner_item,
    )


def _award_winner_item(win: AwardWin) -> dict:
    return {
        "year": win.year,
        "city_id": win.city_id,
        "city": win.city.name,
        "country": win.city.country_id,
        "country_name": localised_country_name(win.city.country_id),
    }


@router.get(
    "/submissions",
    response={200: SubmissionPage, **SESSION_REFUSALS},
    summary="The submissions you may see",
    auth=[READ_TOKEN, django_auth],
)
def list_submissions(
    request: HttpRequest,
    page: PageNumber = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
    cursor: PageCursor = None,
):
    """Your city's submissions; an endorser's: their country's once submitted; the
    secretariat's: all. Newest first, in pages. A token needs `applications:read`."""
    queryset = submissions_for_user(request.user).order_by("-created_at", "-pk")
    sees_staged = is_secretariat(request.user)
    return paginate(
        request,
        queryset,
        params={},
        page=page,
        page_size=page_size,
        cursor=cursor,
        item=lambda submission: _item(submission, sees_staged=sees_staged),
    )


@router.get(
    "/submissions/{id}",
    response={200: SubmissionDetailOut, **SESSION_REFUSALS, 404: NotFoundOut},
    summary="One submission, with what it lacks and what you may do with it",
    auth=[READ_TOKEN, django_auth],
)
def get_submission(request: HttpRequest, id: SubmissionId):
    """A submission you may see, its completeness and ``allowed_transitions``; 404 otherwise.
    A token needs `applications:read`."""
    submission = submissions_for_user(request.user).filter(pk=id).first()
    if submission is None:
        return _not_found()
    return Status(200, _detail(request.user, submission))


@router.post(
    "/submissions/{id}/transitions",
    response={
        200: SubmissionDetailOut,
        **SESSION_REFUSALS,
        **BODY_REFUSALS,
        404: NotFoundOut,
        409: ErrorOut,
    },
    summary="Move a submission to another state",
)
def transition_submission(request: HttpRequest, id: SubmissionId, body: TransitionIn):
    """Move the submission to ``to`` as the pages would: 404 if you may not see it,
    403 if you may not make this move, 409 if the rules refuse it now (the message
    says why: the deadline, completeness, the quota, the jury's phase, too few
    reviews...): ``transition()`` applies every rule, the jury's included, and
    refuses as the pages do. Answers the submission."""
    if body.to not in SubmissionState.values:
        raise invalid_parameter(
            "body",
            "to",
            _("“%(value)s” is not a state; use one of %(states)s.")
            % {"value": body.to[:50], "states": ", ".join(SubmissionState.values)},
        )
    if body.decision and body.decision not in (Decision.ACCEPTED, Decision.REJECTED):
        raise invalid_parameter(
            "body", "decision", _("The decision is either accepted or rejected.")
        )
    user = request.auth
    submission = submissions_for_user(user).filter(pk=id).first()
    if submission is None:
        return _not_found()
    # A refusal rises to api.errors.rule_error_response: 403 not permitted, 409 refused now.
    transition(submission, body.to, actor=user, comment=body.comment, decision=body.decision)
    return Status(200, _detail(user, submission))
