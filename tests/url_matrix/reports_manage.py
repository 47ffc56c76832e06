"""The secretariat's pages of progress reports (reports/views/manage.py, review.py) in the matrix.

Only the secretariat (and operators) open them; adding the cities now due
takes a POST only. A cycle or report that does not exist answers 404 to the
secretariat and 403 to everyone else (the permission is asked first).
"""

from tests.url_matrix.roles import LOGIN, MFA, POST_ONLY, SECRETARIAT, row

NOT_THERE = row(LOGIN, 403, 403, 403, 404, 404, MFA)

ENTRIES = {
    "reports:cycles": SECRETARIAT,
    "reports:cycle-create": SECRETARIAT,
    "reports:cycle": SECRETARIAT,
    "reports:cycle-edit": SECRETARIAT,
    "reports:cycle-due": POST_ONLY,
    "reports:lapses": SECRETARIAT,
    # The report of the coordinator's own city: its coordinator reads it elsewhere, never reviews.
    "reports:review": SECRETARIAT,
}

HIDDEN = {
    "reports:cycle": NOT_THERE,
    "reports:cycle-edit": NOT_THERE,
    "reports:lapses": NOT_THERE,
    "reports:review": NOT_THERE,
}


def build(context) -> tuple[dict, dict]:
    """A cycle with the report of the coordinator's city (a member since 2020)."""
    import datetime as dt

    from django.utils import timezone

    from learningcities.reports.domain.cycles import CycleData, create_cycle
    from tests.reports.factories import report_framework

    now = timezone.now()
    cycle = create_cycle(
        CycleData(
            code="matrix-manage-cycle",
            name="Matrix reporting cycle",
            framework=report_framework(),
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2026, 12, 31),
            opens_at=now - dt.timedelta(days=30),
            due_at=now + dt.timedelta(days=30),
            time_zone="Europe/Paris",
            admitted_before=dt.date(2025, 1, 1),
        ),
        actor=None,
    )
    report = cycle.reports.get(city=context["city_org"].city)
    code = {"code": cycle.code}
    kwargs = {
        "reports:cycle": code,
        "reports:cycle-edit": code,
        "reports:cycle-due": code,
        "reports:lapses": code,
        "reports:review": {"pk": report.pk},
    }
    missing = {"code": "no-such-cycle"}
    hidden = {
        "reports:cycle": missing,
        "reports:cycle-edit": missing,
        "reports:lapses": missing,
        "reports:review": {"pk": 999_999_999},
    }
    return kwargs, hidden
