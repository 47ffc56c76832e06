"""Sections other apps add to a practice's page (the presentations of it at events...).

The library cannot import the apps above it: each registers a section when it
loads, with the template that draws it and a ``build(practice)`` giving that
template's context (None: nothing to show for that practice). The page of a
practice is cached for visitors under the library's revision, so a writer of
what a section shows moves that revision on (``revision.bump_practices_revision``).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass(frozen=True)
class PracticeSection:
    """A part of a practice's page drawn by another app's ``template`` (context: ``section``)."""

    key: str
    title: str | Promise
    template: str
    build: Callable[[object], dict | None] = field(compare=False)
    order: int = 100


_sections: dict[str, PracticeSection] = {}


def register_practice_section(section: PracticeSection) -> PracticeSection:
    """Add (or replace: ready() may run twice) a section of every practice's page.

    ``build`` must run a fixed number of queries and show only what a visitor
    may read: the page is the same for everyone who reads the practice.
    """
    _sections[section.key] = section
    return section


def practice_sections(practice) -> list[tuple[PracticeSection, dict]]:
    """Return the registered sections that apply to ``practice``, each with its context."""
    found = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.key)):
        context = section.build(practice)
        if context is not None:
            found.append((section, context))
    return found
