"""Progress reports as a watched table (common.changes).

On PostgreSQL every write to ``reports_progressreport`` notifies the processes
that serve pages (the trigger of migration 0003), so a page keyed by the
city's reports (its progress page) is keyed from memory until one changes.
The writer's own process forgets at the commit, before its next request.
"""

from learningcities.common.changes import watch


def reports_changed() -> None:
    """Say that the current transaction writes progress reports (call inside it)."""
    watch.forget_on_commit()
