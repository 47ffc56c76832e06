"""The public library: search with facets, a practice's page and its history.

Visitors get the library and practice pages from the cache, keyed by the
library's revision (``domain.revision``) and the register's (cities and
countries on the page); people logged in get them drawn for them, with the
actions their role allows (a coordinator edits and submits, the secretariat
publishes, returns and unpublishes).
"""

from urllib.parse import quote_plus

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from learningcities.common.access import get_object_for_user_or_404
from learningcities.network.views.caching import cached_page

from ..domain import similar
from ..domain.errors import PracticeError
from ..domain.moderation import allowed_moves, missing_for_submission
from ..domain.queries.practices import history, last_comment, practices_by_ids, practices_for_user
from ..domain.revision import practices_revision
from ..domain.search import search_practices
from ..domain.sections import practice_sections
from ..enums import LICENCE_URLS, SDG_GOALS, FacetKind, PracticeStatus, TargetGroup
from ..interfaces.facets import facet_labels
from ..interfaces.forms import MoveForm
from ..rules import can_edit_practice, is_practice_coordinator

PER_PAGE = 20
MAX_QUERY = 200
# Facets shown open, in this order; the rest fold away.
FACET_ORDER = [
    FacetKind.REGION,
    FacetKind.COUNTRY,
    FacetKind.AREA,
    FacetKind.FEATURE,
    FacetKind.SDG,
    FacetKind.CLUSTER,
    FacetKind.TARGET_GROUP,
    FacetKind.LANGUAGE,
    FacetKind.YEAR,
]
MAX_FACET_VALUES = 30
# What a revision may change, as the history names it.
REVISION_FIELDS = {
    "title": gettext_lazy("title"),
    "summary": gettext_lazy("summary"),
    "body": gettext_lazy("description"),
    "results": gettext_lazy("results"),
    "translations": gettext_lazy("translations"),
    "areas": gettext_lazy("Key Features areas"),
    "features": gettext_lazy("Key Features"),
    "sdgs": gettext_lazy("Sustainable Development Goals"),
    "clusters": gettext_lazy("clusters"),
    "target_groups": gettext_lazy("target groups"),
    "partner_cities": gettext_lazy("partner cities"),
    "started_year": gettext_lazy("started in"),
    "ended_year": gettext_lazy("ended in"),
    "licence": gettext_lazy("licence"),
    "images": gettext_lazy("images"),
    "attachments": gettext_lazy("attachments"),
}
# What a revision recorded before a kind of content was kept (images and attachments).
REVISION_DEFAULTS = {"images": [], "attachments": []}


def _is_visitor(request: HttpRequest) -> bool:
    return not (settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated)


def _filters(params: QueryDict) -> dict[str, list[str]]:
    return {
        kind: [value[:40] for value in params.getlist(kind) if value and value.isprintable()][:10]
        for kind in FacetKind.values
        if params.getlist(kind)
    }


def _link(query: str, filters: dict[str, list[str]]) -> str:
    return _Links(query, filters).replacing()


class _Links:
    """The query strings of a search with one kind's values changed (each part encoded once).

    A page of results links some three hundred facet values, each to the
    search with that value added or removed.
    """

    def __init__(self, query: str, filters: dict[str, list[str]]):
        self.filters = filters
        self.query = [f"q={quote_plus(query)}"] if query else []
        self.encoded = {
            kind: {value: f"{kind}={quote_plus(value)}" for value in values}
            for kind, values in filters.items()
        }

    def _part(self, kind: str, value: str) -> str:
        found = self.encoded.get(kind, {}).get(value)
        return found if found is not None else f"{kind}={quote_plus(value)}"

    def replacing(self, kind: str | None = None, values: list[str] | None = None) -> str:
        """Return the link with ``kind``'s values replaced by ``values`` (none: dropped)."""
        parts = list(self.query)
        for key, chosen in self.filters.items():
            if key != kind:
                parts += [self.encoded[key][value] for value in chosen]
            elif values:
                parts += [self._part(kind, value) for value in values]
        if kind is not None and kind not in self.filters and values:
            parts += [self._part(kind, value) for value in values]
        return "?" + "&".join(parts) if parts else "?"


def _facet_row(link: str, label: str, count: int, selected: bool) -> SafeString:
    """Return a facet value's list item: its link, with a tick when chosen, and its count.

    Drawn here rather than in the template: a page lists some three hundred.
    """
    if selected:
        return format_html(
            '<li><a href="{}" aria-current="true" class="selected">'
            '<span aria-hidden="true">✓ </span>{}</a> <span class="count">({})</span></li>',
            link,
            label,
            number_format(count),
        )
    return format_html(
        '<li><a href="{}">{}</a> <span class="count">({})</span></li>',
        link,
        label,
        number_format(count),
    )


def _facet_groups(result, query: str, filters: dict[str, list[str]]) -> list[dict]:
    links = _Links(query, filters)
    library_url = reverse("practices:library")
    groups = []
    for kind in FACET_ORDER:
        counts = result.facets.get(kind, [])[:MAX_FACET_VALUES]
        chosen = filters.get(kind, [])
        values = [value for value, _count in counts] + [v for v in chosen if v not in dict(counts)]
        labels = facet_labels(kind, values)
        rows = []
        for value, count in counts:
            selected = value in chosen
            others = [v for v in chosen if v != value] if selected else [*chosen, value]
            rows.append(
                _facet_row(
                    library_url + links.replacing(kind, others),
                    labels.get(value, value),
                    count,
                    selected,
                )
            )
        if rows:
            groups.append({"kind": kind, "label": FacetKind(kind).label, "rows": rows})
    return groups


def _without(filters: dict, kind: str) -> dict:
    return {key: values for key, values in filters.items() if key != kind}


def _chosen(filters: dict[str, list[str]], query: str) -> list[dict]:
    """Return the filters in force, each with the link that drops it."""
    chosen = []
    for kind, values in filters.items():
        labels = facet_labels(kind, values)
        for value in values:
            rest = [v for v in values if v != value]
            remaining = {**filters, kind: rest} if rest else _without(filters, kind)
            chosen.append(
                {
                    "kind": FacetKind(kind).label,
                    "label": labels.get(value, value),
                    "link": _link(query, remaining),
                }
            )
    return chosen


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 5 and int(raw) > 0 else 1


def _library_page(request: HttpRequest):
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    filters = _filters(request.GET)
    page_number = _page_number(request)
    try:
        result = search_practices(query, filters=filters, page=page_number, per_page=PER_PAGE)
    except PracticeError:
        raise Http404 from None
    practices = practices_by_ids([hit.practice_id for hit in result.hits])
    snippets = {hit.practice_id: hit.snippet for hit in result.hits}
    paginator = Paginator(range(result.total), PER_PAGE)
    page = paginator.get_page(page_number)
    suggestion = None
    if result.suggestion is not None:
        suggestion = {
            "link": _link(result.suggestion["query"], result.suggestion["filters"]),
            "query": result.suggestion["query"],
            "filters": _chosen(result.suggestion["filters"], result.suggestion["query"]),
        }
    base = _link(query, filters)
    return "practices/library.html", {
        "query": query,
        "rows": [(practice, snippets.get(practice.pk, "")) for practice in practices],
        "total": result.total,
        "page": page,
        "page_link": base + ("&" if base != "?" else "") + "page=",
        "facets": _facet_groups(result, query, filters),
        "chosen": _chosen(filters, query),
        "hidden": [(kind, value) for kind, values in filters.items() for value in values],
        "clear_link": _link(query, {}),
        "suggestion": suggestion,
        "searched": bool(query or filters),
    }


@require_safe
def library(request: HttpRequest) -> HttpResponse:
    """The library: the newest practices, or those a search and filters find."""
    if not _is_visitor(request):
        template_name, context = _library_page(request)
        return render(request, template_name, context)
    return cached_page(request, f"library|{practices_revision()}", lambda: _library_page(request))


def _practice_context(user, practice) -> dict:
    published = practice.status == PracticeStatus.PUBLISHED
    return {
        "practice": practice,
        "indicators": list(practice.indicators.all()),
        "partners": list(practice.partner_cities.select_related("country")),
        "areas": list(practice.areas.order_by("section__order", "order")),
        "features": list(practice.features.order_by("area__order", "order")),
        "clusters": list(practice.clusters.all()),
        "goals": [(goal, SDG_GOALS[goal]) for goal in practice.sdgs if goal in SDG_GOALS],
        "groups": [TargetGroup(g).label for g in practice.target_groups if g in TargetGroup.values],
        "licence_url": LICENCE_URLS.get(practice.licence, ""),
        "similar": similar.similar_practices(practice) if published else [],
        "sections": practice_sections(practice) if published else [],
        "revision_count": practice.revisions.count() if published else 0,
        "images": list(practice.images.all()),
        "attachments": list(practice.attachments.select_related("document")),
    }


def _work_context(request, practice, move_form=None) -> dict:
    user = request.user
    moves = allowed_moves(user, practice)
    coordinator = is_practice_coordinator(user, practice)
    return {
        "moves": moves,
        "move_form": move_form or MoveForm(),
        "can_edit": can_edit_practice(user, practice),
        "is_coordinator": coordinator,
        "last_comment": last_comment(practice) if practice.status != PracticeStatus.DRAFT else None,
        "missing": missing_for_submission(practice) if PracticeStatus.SUBMITTED in moves else [],
        "duplicates": (
            similar.near_duplicates(
                practice.organisation_id, practice.title, practice.body, exclude_pk=practice.pk
            )
            if coordinator and practice.status != PracticeStatus.PUBLISHED
            else []
        ),
        "history": list(history(practice)) if moves or coordinator else [],
    }


def practice_page(request: HttpRequest, practice, *, move_form=None, status: int = 200):
    """Draw a practice's page for the person (with the actions they may take)."""
    context = {
        **_practice_context(request.user, practice),
        **_work_context(request, practice, move_form),
    }
    return render(request, "practices/practice.html", context, status=status)


def _visitor_practice(pk: int):
    found = get_object_for_user_or_404(AnonymousUser(), practices_for_user, pk=pk)
    return "practices/practice.html", _practice_context(None, found)


@require_safe
def practice(request: HttpRequest, pk: int) -> HttpResponse:
    """A practice's page: what the city does, its results, tags, licence and similar ones."""
    if _is_visitor(request):
        return cached_page(
            request, f"practice|{pk}|{practices_revision()}", lambda: _visitor_practice(pk)
        )
    found = get_object_for_user_or_404(request.user, practices_for_user, pk=pk)
    return practice_page(request, found)


@require_safe
def revisions(request: HttpRequest, pk: int) -> HttpResponse:
    """The history of a practice: each published revision, what changed, who and when."""
    found = get_object_for_user_or_404(request.user, practices_for_user, pk=pk)
    rows = list(found.revisions.select_related("author").order_by("number"))
    entries = []
    previous: dict = {}
    for revision in rows:
        changed = [
            str(label)
            for key, label in REVISION_FIELDS.items()
            if previous.get(key, REVISION_DEFAULTS.get(key))
            != revision.content.get(key, REVISION_DEFAULTS.get(key))
        ]
        entries.append({"revision": revision, "changed": changed if previous else []})
        previous = revision.content
    entries.reverse()
    return render(request, "practices/revisions.html", {"practice": found, "entries": entries})
