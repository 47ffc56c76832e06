"""The search box in the header: one query, answered by every app that has something to find.

Common never imports the apps above it: each registers a section
(``register_search_section``) when it loads, with a function that returns
how many things match and the first few, and the page of its own that lists
them all. The practices answer from the library's full-text index; cities,
events and outcome documents from their own searches.
"""

from collections.abc import Callable
from dataclasses import dataclass

# The most results a section shows on the search page (its own page lists the rest).
SECTION_LIMIT = 5
MAX_QUERY = 200


@dataclass(frozen=True)
class Found:
    """One thing found: its title, address, a line about it, and a snippet (safe HTML)."""

    title: str
    url: str
    detail: str = ""
    snippet: str = ""
    language: str = ""


@dataclass(frozen=True)
class SearchSection:
    key: str
    title: object
    # search(query, limit) -> (number found, the first ``limit``)
    search: Callable[[str, int], tuple[int, list[Found]]]
    # The address of the section's own page listing everything the query finds.
    more_url: Callable[[str], str] | None = None
    order: int = 100


_sections: dict[str, SearchSection] = {}


def register_search_section(section: SearchSection) -> SearchSection:
    """Add (or replace: ready() may run twice) a section of the site's search."""
    _sections[section.key] = section
    return section


def search_sections() -> list[SearchSection]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.key))
