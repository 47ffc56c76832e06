"""Periodic work, in one list: what ``learningcities run-scheduled`` enqueues.

Each app declares its periodic tasks in its own ``tasks.py``, with
``@periodic`` above ``@task``::

    from learningcities.common.scheduling import periodic

    @periodic(label="Endorsement reminders", counted="submissions reminded", order=10)
    @task
    def send_endorsement_reminders() -> int: ...

``periodic_jobs()`` imports every app's ``tasks`` module and returns them by
``order`` (then in the order they were declared). A periodic task takes no
arguments and may run any number of times: it does what is due and nothing twice.
"""

from dataclasses import dataclass

from django.tasks import Task
from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class PeriodicJob:
    task: Task
    label: str  # what the command prints ("Endorsement reminders")
    counted: str  # what the task's return value counts ("submissions reminded")
    order: int

    @property
    def path(self) -> str:
        return self.task.module_path


_registry: dict[str, PeriodicJob] = {}


def periodic(*, label: str, counted: str = "", order: int = 50):
    """Declare the decorated task periodic: ``run-scheduled`` enqueues it on every run."""

    def register(task: Task) -> Task:
        _registry[task.module_path] = PeriodicJob(
            task=task, label=label, counted=counted, order=order
        )
        return task

    return register


def periodic_jobs() -> list[PeriodicJob]:
    """Return every periodic job of the installed apps, in the order they should run."""
    autodiscover_modules("tasks")
    return sorted(_registry.values(), key=lambda job: job.order)


def periodic_job_labels() -> dict[str, str]:
    """Return ``{task path: label}`` of the periodic jobs (for the jobs page)."""
    return {job.path: job.label for job in periodic_jobs()}
