"""Sections other apps add to a city's public page (the library's practices, its peers...).

The register cannot import the apps above it: each registers a section when
it loads, with the template that draws it, a ``build(city)`` giving that
template's context (None: nothing to show), and the revision of the data
it shows, which joins the key of the cached page (``views.register``).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CitySection:
    key: str
    template: str
    build: Callable[[object], dict | None]
    revision: Callable[[], object]
    order: int = 100


_sections: dict[str, CitySection] = {}


def register_city_section(section: CitySection) -> CitySection:
    """Add (or replace: ready() may run twice) a section of the city page."""
    _sections[section.key] = section
    return section


def city_sections() -> list[CitySection]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.key))


def sections_revision() -> str:
    """Return the revisions of the data the sections show, for the page's cache key."""
    read: dict = {}  # sections showing the same data read its revision once
    for section in city_sections():
        if section.revision not in read:
            read[section.revision] = section.revision()
    return "|".join(f"{section.key}={read[section.revision]}" for section in city_sections())


def built_sections(city) -> list[dict]:
    """Return the sections that have something to show for ``city``, with their context."""
    built = []
    for section in city_sections():
        context = section.build(city)
        if context is not None:
            built.append({"key": section.key, "template": section.template, "context": context})
    return built
