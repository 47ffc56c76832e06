"""Deadlines as the call announces them: instants shown in the call's time zone."""

import datetime as dt
import zoneinfo


def in_call_zone(moment: dt.datetime, call) -> str:
    """Return ``moment`` as ``YYYY-MM-DD HH:MM Zone/Name`` in the call's time zone."""
    local = moment.astimezone(zoneinfo.ZoneInfo(call.time_zone))
    return f"{local:%Y-%m-%d %H:%M} {call.time_zone}"


def submission_deadline(submission) -> dt.datetime:
    """Return when ``submission`` must be submitted: its city's extension, else the call's close."""
    return submission.deadline_extension or submission.call.closes_at
