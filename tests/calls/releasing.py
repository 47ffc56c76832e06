"""A release in one call, for tests: ``start_release`` then ``run_release`` in this process.

The pages start a release and leave the run to the background task
(``calls.tasks.run_release_task``); a test runs both steps at once here.
"""

from learningcities.calls.domain.release import render_certificate, run_release, start_release
from learningcities.calls.enums import CallKind


def release_cohort(
    call,
    *,
    actor,
    name,
    joined_on,
    now=None,
    jury_comments=None,
    renderer=render_certificate,
    site_url="",
):
    """Release membership call ``call`` as the cohort ``name`` (see ``start_release``)."""
    release = start_release(
        call,
        actor=actor,
        name=name,
        joined_on=joined_on,
        jury_comments=jury_comments,
        site_url=site_url,
        now=now,
        kind=CallKind.MEMBERSHIP,
    )
    return run_release(release, renderer=renderer, now=now)


def release_winners(
    call, *, actor, year, now=None, jury_comments=None, renderer=render_certificate, site_url=""
):
    """Release award call ``call``: its accepted nominations win in ``year``."""
    release = start_release(
        call,
        actor=actor,
        year=year,
        jury_comments=jury_comments,
        site_url=site_url,
        now=now,
        kind=CallKind.AWARD,
    )
    return run_release(release, renderer=renderer, now=now)
