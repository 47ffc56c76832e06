"""Journeys through a call, the deadline, the quota, permissions, notices and atomicity."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from learningcities.accounts.models import User
from learningcities.calls.domain.errors import SubmissionError, TransitionNotPermitted
from learningcities.calls.domain.queries.dashboard import endorsement_queue_rows_for_user
from learningcities.calls.domain.queries.submissions import submissions_for_user
from learningcities.calls.domain.submissions import extend_deadline, start_submission
from learningcities.calls.domain.transitions import apply_endorsement_deadline, transition
from learningcities.calls.enums import Decision, SubmissionState, open_states
from learningcities.calls.models import EndorsementQuota, Submission, Transition
from learningcities.common.domain.outbox import OutboxError
from learningcities.common.models import ActivityLogEntry, MessageTemplate, OutboxMessage

from .factories import Cast, city_with_coordinator, endorser_of, fill_in, make_call, submission_in

pytestmark = pytest.mark.django_db

S = SubmissionState
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def states_of(submission) -> list[tuple[str, str]]:
    return list(
        Transition.objects.filter(submission=submission).values_list("from_state", "to_state")
    )


def test_journey_draft_submitted_endorsed_eligible():
    cast = Cast()
    submission = cast.draft()

    cast.move(submission, S.SUBMITTED)
    cast.move(submission, S.ENDORSED)
    cast.move(submission, S.ELIGIBLE)

    stored = Submission.objects.get(pk=submission.pk)
    assert stored.state == S.ELIGIBLE
    assert states_of(submission) == [
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.ENDORSED),
        (S.ENDORSED, S.ELIGIBLE),
    ]
    assert stored.endorsement_due_at == stored.submitted_at + dt.timedelta(days=30)
    assert EndorsementQuota.objects.get(call=cast.call, country_id="IE").used == 1


def test_journey_returned_then_resubmitted():
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)

    cast.move(submission, S.RETURNED, comment="Add the mayor's signature.")
    cast.move(submission, S.SUBMITTED)
    cast.move(submission, S.ENDORSED)

    assert Submission.objects.get(pk=submission.pk).state == S.ENDORSED
    assert [row.comment for row in Transition.objects.filter(to_state=S.RETURNED)] == [
        "Add the mayor's signature."
    ]


def test_journey_declined_is_final():
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)

    cast.move(submission, S.DECLINED, comment="Another city of ours is readier.")

    assert Submission.objects.get(pk=submission.pk).state == S.DECLINED
    assert EndorsementQuota.objects.filter(call=cast.call, used__gt=0).count() == 0


def test_journey_ineligible_with_reason():
    cast = Cast()
    submission = submission_in(cast, S.ENDORSED)

    cast.move(submission, S.INELIGIBLE, comment="Below the population minimum.")

    assert Transition.objects.latest("pk").comment == "Below the population minimum."
    assert Submission.objects.get(pk=submission.pk).state == S.INELIGIBLE


def test_journey_needs_changes_then_resubmitted_gives_back_the_quota_slot():
    cast = Cast()
    submission = submission_in(cast, S.ENDORSED)

    cast.move(submission, S.NEEDS_CHANGES, comment="The GDP figures are for 2010.")
    used_after_changes = EndorsementQuota.objects.get(call=cast.call).used
    cast.move(submission, S.SUBMITTED)
    cast.move(submission, S.ENDORSED)

    assert used_after_changes == 0
    assert EndorsementQuota.objects.get(call=cast.call).used == 1
    assert Submission.objects.get(pk=submission.pk).state == S.ENDORSED


@pytest.mark.parametrize("state", sorted(open_states))
def test_withdraw_from_each_open_state(state):
    cast = Cast()
    submission = submission_in(cast, state)

    cast.move(submission, S.WITHDRAWN, comment="")

    assert Submission.objects.get(pk=submission.pk).state == S.WITHDRAWN
    assert EndorsementQuota.objects.filter(call=cast.call, used__gt=0).count() == 0


def test_withdrawn_city_may_start_again():
    cast = Cast()
    submission = submission_in(cast, S.WITHDRAWN)

    again = start_submission(cast.call, city=cast.city, actor=cast.coordinator)

    assert again.pk != submission.pk
    assert again.state == S.DRAFT


def test_start_submission_twice_refused():
    cast = Cast()
    cast.draft(complete=False)

    with pytest.raises(SubmissionError, match="has a submission to this call already"):
        start_submission(cast.call, city=cast.city, actor=cast.coordinator)

    assert Submission.objects.count() == 1


def test_start_submission_refused_before_the_call_opens():
    cast = Cast(call=make_call(opens_at=timezone.now() + dt.timedelta(days=1)))

    with pytest.raises(SubmissionError, match="The call opens on"):
        start_submission(cast.call, city=cast.city, actor=cast.coordinator)

    assert Submission.objects.count() == 0


def deadline_call():
    return make_call(
        opens_at=dt.datetime(2025, 1, 1, tzinfo=PARIS),
        closes_at=dt.datetime(2025, 6, 15, 23, 59, tzinfo=PARIS),
    )


def test_submit_after_deadline_refused_naming_it_in_the_call_time_zone():
    cast = Cast(call=deadline_call())
    submission = start_submission(
        cast.call, city=cast.city, actor=cast.coordinator, now=dt.datetime(2025, 6, 1, tzinfo=PARIS)
    )
    fill_in(submission, cast.coordinator)

    with pytest.raises(SubmissionError) as excinfo:
        transition(
            submission,
            S.SUBMITTED,
            actor=cast.coordinator,
            now=dt.datetime(2025, 6, 15, 22, 0, tzinfo=dt.UTC),  # 00:00 in Paris
        )

    assert excinfo.value.code == "deadline_passed"
    assert "2025-06-15 23:59 Europe/Paris" in str(excinfo.value)
    assert Submission.objects.get(pk=submission.pk).state == S.DRAFT
    assert Transition.objects.count() == 0


def test_submit_just_before_deadline_accepted():
    cast = Cast(call=deadline_call())
    submission = start_submission(
        cast.call, city=cast.city, actor=cast.coordinator, now=dt.datetime(2025, 6, 1, tzinfo=PARIS)
    )
    fill_in(submission, cast.coordinator)

    transition(
        submission,
        S.SUBMITTED,
        actor=cast.coordinator,
        now=dt.datetime(2025, 6, 15, 21, 58, tzinfo=dt.UTC),  # 23:58 in Paris
    )

    assert Submission.objects.get(pk=submission.pk).state == S.SUBMITTED


def test_extension_lets_one_city_submit_late():
    call = deadline_call()
    late = Cast(call=call)
    other_org, other_coordinator = city_with_coordinator("IE")
    early = dt.datetime(2025, 6, 1, tzinfo=PARIS)
    extended = start_submission(call, city=late.city, actor=late.coordinator, now=early)
    not_extended = start_submission(call, city=other_org.city, actor=other_coordinator, now=early)
    fill_in(extended, late.coordinator)
    fill_in(not_extended, other_coordinator)
    extend_deadline(
        extended, actor=late.secretary, until=dt.datetime(2025, 6, 22, 23, 59, tzinfo=PARIS)
    )
    after_close = dt.datetime(2025, 6, 18, 12, 0, tzinfo=PARIS)

    transition(extended, S.SUBMITTED, actor=late.coordinator, now=after_close)
    with pytest.raises(SubmissionError, match="2025-06-15 23:59 Europe/Paris"):
        transition(not_extended, S.SUBMITTED, actor=other_coordinator, now=after_close)

    assert Submission.objects.get(pk=extended.pk).state == S.SUBMITTED
    assert Submission.objects.get(pk=not_extended.pk).state == S.DRAFT


def test_extend_deadline_refused_to_a_coordinator():
    cast = Cast()
    submission = cast.draft(complete=False)

    with pytest.raises(TransitionNotPermitted):
        extend_deadline(
            submission, actor=cast.coordinator, until=cast.call.closes_at + dt.timedelta(days=3)
        )

    assert Submission.objects.get(pk=submission.pk).deadline_extension is None


def test_submit_incomplete_refused_listing_what_is_missing():
    cast = Cast()
    submission = cast.draft(complete=False)

    with pytest.raises(SubmissionError) as excinfo:
        cast.move(submission, S.SUBMITTED)

    assert excinfo.value.code == "incomplete"
    assert "Population is missing." in str(excinfo.value)
    assert "1.1.1 A text question: answer missing." in str(excinfo.value)
    assert Submission.objects.get(pk=submission.pk).state == S.DRAFT


def test_endorse_after_the_endorsement_deadline_refused():
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)
    late = submission.endorsement_due_at + dt.timedelta(minutes=1)

    with pytest.raises(SubmissionError) as excinfo:
        transition(submission, S.ENDORSED, actor=cast.endorser, now=late)

    assert excinfo.value.code == "endorsement_deadline_passed"
    assert Submission.objects.get(pk=submission.pk).state == S.SUBMITTED


def test_fourth_endorsement_in_a_country_with_quota_three_refused():
    call = make_call(quota_per_country=3)
    casts = [Cast(call=call) for _ in range(4)]
    submissions = [submission_in(cast, S.SUBMITTED) for cast in casts]
    for cast, submission in zip(casts[:3], submissions[:3], strict=True):
        cast.move(submission, S.ENDORSED)

    with pytest.raises(SubmissionError) as excinfo:
        casts[3].move(submissions[3], S.ENDORSED)

    assert excinfo.value.code == "quota_exhausted"
    assert Submission.objects.filter(state=S.ENDORSED).count() == 3
    assert Submission.objects.get(pk=submissions[3].pk).state == S.SUBMITTED
    assert EndorsementQuota.objects.get(call=call, country_id="IE").used == 3


def test_quota_of_one_country_leaves_another_alone():
    call = make_call(quota_per_country=1)
    irish, german = Cast(call=call, country_code="IE"), Cast(call=call, country_code="DE")
    irish.move(submission_in(irish, S.SUBMITTED), S.ENDORSED)

    german.move(submission_in(german, S.SUBMITTED), S.ENDORSED)

    assert dict(EndorsementQuota.objects.values_list("country_id", "used")) == {"IE": 1, "DE": 1}


def test_coordinator_of_another_city_cannot_transition():
    cast = Cast()
    submission = cast.draft()
    _org, stranger = city_with_coordinator("IE")

    with pytest.raises(TransitionNotPermitted):
        transition(submission, S.SUBMITTED, actor=stranger)

    assert Submission.objects.get(pk=submission.pk).state == S.DRAFT
    assert Transition.objects.count() == 0


def test_endorser_of_another_country_cannot_transition():
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)
    foreign = endorser_of("DE")

    with pytest.raises(TransitionNotPermitted):
        transition(submission, S.ENDORSED, actor=foreign)

    assert Submission.objects.get(pk=submission.pk).state == S.SUBMITTED


@pytest.mark.parametrize("who", ["coordinator", "endorser"])
def test_screening_refused_to_city_and_commission(who):
    cast = Cast()
    submission = submission_in(cast, S.ENDORSED)

    with pytest.raises(TransitionNotPermitted):
        transition(submission, S.ELIGIBLE, actor=getattr(cast, who))

    assert Submission.objects.get(pk=submission.pk).state == S.ENDORSED


def test_secretariat_cannot_endorse_in_the_commission_place_before_escalation():
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)

    with pytest.raises(TransitionNotPermitted):
        transition(submission, S.ENDORSED, actor=cast.secretary)

    assert Submission.objects.get(pk=submission.pk).state == S.SUBMITTED


@pytest.mark.parametrize("to_state", [S.RETURNED, S.DECLINED])
def test_return_and_decline_need_a_reason(to_state):
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)

    with pytest.raises(SubmissionError, match="needs a reason"):
        cast.move(submission, to_state, comment="  ")

    assert Submission.objects.get(pk=submission.pk).state == S.SUBMITTED


def test_release_refused_outside_a_cohort_release():
    cast = Cast()
    submission = submission_in(cast, S.DECIDED)

    with pytest.raises(SubmissionError) as excinfo:
        cast.move(submission, S.RELEASED, release=False)

    assert excinfo.value.code == "release_only"
    assert Submission.objects.get(pk=submission.pk).state == S.DECIDED


def test_decision_pending_for_the_city_until_released():
    cast = Cast()
    submission = submission_in(cast, S.REVIEWED)

    cast.move(submission, S.DECIDED, decision=Decision.REJECTED)
    pending = Submission.objects.get(pk=submission.pk).decision_for_city
    cast.move(submission, S.RELEASED)

    assert pending == Decision.PENDING
    assert Submission.objects.get(pk=submission.pk).decision_for_city == Decision.REJECTED


def test_notifications_queued_in_the_call_language():
    cast = Cast(call=make_call(language="fr"))
    User.objects.update(language="fr")  # mails follow their recipient's language
    submission = cast.draft()

    cast.move(submission, S.SUBMITTED)

    messages = OutboxMessage.objects.filter(template_code="calls.submission.submitted")
    assert sorted((m.language, tuple(m.recipients)) for m in messages) == sorted(
        [("fr", (cast.coordinator.email,)), ("fr", (cast.endorser.email,))]
    )
    to_endorser = messages.get(recipients=[cast.endorser.email])
    assert to_endorser.subject == f"Candidature de {cast.city} soumise"
    assert "En tant que Commission nationale" in to_endorser.body


def test_notifications_of_a_return_carry_the_comment_to_the_city_only():
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)

    cast.move(submission, S.RETURNED, comment="Sign the letter, please.")

    message = OutboxMessage.objects.get(template_code="calls.submission.returned")
    assert message.recipients == [cast.coordinator.email]
    assert message.language == "en"
    assert "Sign the letter, please." in message.body


def test_transition_records_activity():
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)

    cast.move(submission, S.RETURNED, comment="Too short.")

    entry = ActivityLogEntry.objects.get(action="calls.submission.returned")
    assert entry.actor == cast.endorser
    assert entry.organisation == cast.organisation
    assert entry.changes["state"] == ["submitted", "returned"]
    assert entry.changes["comment"] == [None, "Too short."]


def test_failure_in_the_middle_leaves_nothing():
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)
    # Without the state's own template the move tells people with the generic one;
    # without that either, it fails, and leaves nothing.
    MessageTemplate.objects.filter(
        code__in=["calls.submission.endorsed", "calls.submission.changed"]
    ).delete()
    before = (
        Transition.objects.count(),
        ActivityLogEntry.objects.count(),
        OutboxMessage.objects.count(),
    )

    with pytest.raises(OutboxError, match=r"No mail template calls\.submission\.changed"):
        cast.move(submission, S.ENDORSED)

    assert Submission.objects.get(pk=submission.pk).state == S.SUBMITTED
    assert (
        Transition.objects.count(),
        ActivityLogEntry.objects.count(),
        OutboxMessage.objects.count(),
    ) == before
    assert not EndorsementQuota.objects.filter(call=cast.call, used__gt=0).exists()


def test_a_state_without_a_notice_of_its_own_is_told_with_the_generic_one():
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)
    MessageTemplate.objects.filter(code="calls.submission.endorsed").delete()

    cast.move(submission, S.ENDORSED, comment="Endorsed by the Commission.")

    notice = OutboxMessage.objects.filter(object_id=str(submission.pk)).latest("pk")
    assert notice.template_code == "calls.submission.changed"
    assert "is now: Endorsed (it was: Submitted)" in notice.body
    assert "Endorsed by the Commission." in notice.body


def test_deadline_action_decline_declines_an_overdue_submission():
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)
    late = submission.endorsement_due_at + dt.timedelta(hours=1)

    done = apply_endorsement_deadline(submission, now=late)

    assert done is True
    row = Transition.objects.latest("pk")
    assert (row.to_state, row.actor) == (S.DECLINED, None)
    assert Submission.objects.get(pk=submission.pk).state == S.DECLINED


def test_deadline_action_escalate_lets_the_secretariat_endorse():
    cast = Cast(call=make_call(deadline_action="escalate"))
    submission = submission_in(cast, S.SUBMITTED)
    Submission.objects.filter(pk=submission.pk).update(
        endorsement_due_at=timezone.now() - dt.timedelta(days=1)
    )
    submission.refresh_from_db()

    apply_endorsement_deadline(submission)
    transition(submission, S.ENDORSED, actor=cast.secretary)

    assert Submission.objects.get(pk=submission.pk).state == S.ENDORSED
    assert OutboxMessage.objects.filter(template_code="calls.submission.escalated").count() == 2


def test_submissions_for_user_by_role():
    cast = Cast()
    submitted = submission_in(cast, S.SUBMITTED)
    other = Cast(call=cast.call)
    draft = other.draft(complete=False)
    foreign = Cast(call=cast.call, country_code="DE")
    foreign_submitted = submission_in(foreign, S.SUBMITTED)

    assert list(submissions_for_user(cast.coordinator)) == [submitted]
    assert list(submissions_for_user(other.coordinator)) == [draft]
    assert list(submissions_for_user(cast.endorser)) == [submitted]
    assert set(submissions_for_user(cast.secretary)) == {submitted, draft, foreign_submitted}
    assert list(endorsement_queue_rows_for_user(foreign.endorser)) == [foreign_submitted]
    assert list(endorsement_queue_rows_for_user(cast.coordinator)) == []


def test_endorsement_queue_query_count_is_constant(django_assert_num_queries):
    cast = Cast()
    submission_in(cast, S.SUBMITTED)
    endorser = cast.endorser

    with django_assert_num_queries(3):
        one = [
            (s.city.name, s.country_id, s.call.title)
            for s in endorsement_queue_rows_for_user(endorser)
        ]
    for _ in range(2):
        submission_in(Cast(call=cast.call), S.SUBMITTED)
    endorser.refresh_from_db()
    for attribute in ("_lc_affiliation_pairs", "_lc_endorsed_country_ids"):
        endorser.__dict__.pop(attribute, None)
    with django_assert_num_queries(3):
        three = [
            (s.city.name, s.country_id, s.call.title)
            for s in endorsement_queue_rows_for_user(endorser)
        ]

    assert (len(one), len(three)) == (1, 3)
