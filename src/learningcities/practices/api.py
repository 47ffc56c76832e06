"""REST API v1 of the library: published good practices and the thematic clusters (public).

Read-only and public: a visitor sees what the library shows, the published
practices, newest publication first; a draft, a practice waiting for
moderation or one withdrawn answers 404 as a missing id does. Filters are
the library's facets (``domain.facets``), so a practice found by a country
includes those of its partner cities there, and a year every year it ran;
words (``q``) go to the library's search (``domain.search``), which ranks
what it finds and serves pages of at most ``MAX_PER_PAGE``.
Texts come in the language of Accept-Language when translated (else in their
original), names of codes always. A contact e-mail is never part of an answer.
"""

from typing import Annotated

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from pydantic import WithJsonSchema

from learningcities.api.errors import REFUSALS, NotFoundOut, query_choice
from learningcities.api.errors import invalid_parameter as invalid
from learningcities.api.pagination import (
    DEFAULT_PAGE_SIZE,
    PageCursor,
    PageNumber,
    PageSize,
    page_link,
    paginate,
)
from learningcities.common.languages import language_codes
from learningcities.common.markdown import render_markdown
from learningcities.common.translated import shown
from learningcities.frameworks.models import Area
from learningcities.network.enums import REGION_API_NAMES, Region
from learningcities.network.interfaces.api_cache import cached_json_response

from .domain.queries.practices import published_practices
from .domain.revision import library_and_register_revision
from .domain.search import MAX_PER_PAGE, search_practices
from .enums import (
    LICENCE_URLS,
    SDG_GOALS,
    ClusterCode,
    ClusterRequestStatus,
    ClusterRole,
    FacetKind,
    PracticeStatus,
    TargetGroup,
)
from .models import Cluster, ClusterMembership, Practice, PracticeFacet
from .schemas import ClusterDetailOut, ClusterListOut, PracticeDetailOut, PracticePage

router = Router(tags=["practices"])

MAX_ID = 2**63 - 1  # the largest key a BigAutoField holds
_PUBLIC = {**REFUSALS}
_PUBLIC_404 = {**REFUSALS, 404: NotFoundOut}
_REGIONS = {
    **{name: region for region, name in REGION_API_NAMES.items()},
    **{region.value: region for region in Region},
}

# The list's parameters that are facets of the library's search, by their facet kind.
FACET_PARAMETERS = {
    "country": FacetKind.COUNTRY,
    "region": FacetKind.REGION,
    "sdg": FacetKind.SDG,
    "cluster": FacetKind.CLUSTER,
    "language": FacetKind.LANGUAGE,
    "year": FacetKind.YEAR,
}
# The facet value of an area code no area has: it keeps no practice (an empty filter keeps all).
NO_AREA = "none"

# A query string has no null: each optional parameter is documented as the
# values the handler accepts, an empty one counting as absent (events/api.py).
ClusterParam = Annotated[
    str | None, WithJsonSchema({"type": "string", "enum": [*ClusterCode.values, ""]})
]
RegionParam = Annotated[
    str | None,
    WithJsonSchema({"type": "string", "enum": [*REGION_API_NAMES.values(), *Region.values, ""]}),
]
CountryParam = Annotated[
    str | None, WithJsonSchema({"type": "string", "pattern": "^([A-Za-z]{2})?$"})
]
TextParam = Annotated[str | None, WithJsonSchema({"type": "string", "maxLength": 200})]
AreaParam = Annotated[str | None, WithJsonSchema({"type": "string", "maxLength": 20})]
LanguageParam = Annotated[
    str | None, WithJsonSchema({"type": "string", "enum": [*language_codes(), ""]})
]
SdgParam = Annotated[int | None, WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 17})]
YearParam = Annotated[
    int | None, WithJsonSchema({"type": "integer", "minimum": 1900, "maximum": 2100})
]
PracticeId = Annotated[
    int, Path(ge=1, le=MAX_ID, description="The practice's id, as in its page's URL.", example=1)
]
ClusterCodePath = Annotated[
    str,
    Path(
        description="The cluster's code: " + ", ".join(ClusterCode.values) + ".",
        max_length=30,
        example="literacy",
    ),
]


# Parameters --------------------------------------------------------------------


def _country(value: str | None) -> str:
    if not value:
        return ""
    code = value
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        raise invalid(
            "query",
            "country",
            _("“%(value)s” is not an ISO 3166-1 alpha-2 code such as VN or DE.")
            % {"value": code[:50]},
        )
    return code.upper()


def _region(value: str | None) -> str:
    if not value:
        return ""
    region = _REGIONS.get(value)
    if region is None:
        raise invalid(
            "query",
            "region",
            _("“%(value)s” is not allowed; use one of %(values)s.")
            % {"value": value[:50], "values": ", ".join(Region.values)},
        )
    return region.value


def _with_facet(practices: QuerySet, kind: str, values: list[str]) -> QuerySet:
    """Keep the practices that carry one of ``values`` of facet ``kind``."""
    return practices.filter(
        pk__in=PracticeFacet.objects.filter(kind=kind, value__in=values).values("practice_id")
    )


# Items -------------------------------------------------------------------------


def _city(city) -> dict:
    return {"id": city.pk, "name": city.name, "country": city.country_id}


def _practice_item(request: HttpRequest, practice: Practice) -> dict:
    country = practice.city.country
    return {
        "id": practice.pk,
        "title": shown(practice, "title"),
        "summary": shown(practice, "summary"),
        "language": practice.language,
        "languages": practice.languages_available(),
        "city": _city(practice.city),
        "country_name": country.display_name,
        "region": country.region,
        "partner_cities": [_city(city) for city in practice.partner_cities.all()],
        "clusters": [
            {"code": cluster.code, "name": str(cluster.name)} for cluster in practice.clusters.all()
        ],
        "areas": [
            {"code": area.code, "title": shown(area, "title")} for area in practice.areas.all()
        ],
        "sdgs": [
            {"number": goal, "name": str(SDG_GOALS[goal])}
            for goal in practice.sdgs
            if goal in SDG_GOALS
        ],
        "target_groups": [
            {"code": group, "name": str(TargetGroup(group).label)}
            for group in practice.target_groups
            if group in TargetGroup.values
        ],
        "started_year": practice.started_year,
        "ended_year": practice.ended_year,
        "licence": practice.licence,
        "licence_url": LICENCE_URLS.get(practice.licence, ""),
        "is_sample": practice.is_sample,
        "published_at": practice.published_at,
        "url": request.build_absolute_uri(practice.get_absolute_url()),
    }


def _with_relations(practices: QuerySet) -> QuerySet:
    """Add what an item shows (cities, clusters, areas) to a page of practices."""
    return practices.select_related("city__country").prefetch_related(
        "partner_cities",
        "clusters",
        Prefetch(
            "areas",
            queryset=Area.objects.select_related("section__framework").order_by(
                "section__order", "order"
            ),
        ),
    )


# Practices ---------------------------------------------------------------------


@router.get(
    "/practices",
    response={200: PracticePage, **_PUBLIC},
    summary="Good practices",
    description=(
        "The published good practices of member cities, newest publication first (with `q`: "
        "the most relevant first), in pages. "
        "Filters combine (all must hold) and are those of the library's search: a country "
        "or region also finds practices its cities share as partners, a year every year a "
        "practice ran, a language the practice was written or translated in."
    ),
    operation_id="list_practices",
    url_name="list_practices",
)
def list_practices(
    request: HttpRequest,
    q: Annotated[
        TextParam,
        Query(
            None,
            description=(
                "Words to find, as the library's search finds them: in the title, summary, "
                "description, results, city and country names, case and accents ignored, "
                "every word must match (the last one also as the start of a word). With "
                "words, the most relevant practices come first and a page holds at most "
                f"{MAX_PER_PAGE} (`page_size` says how many), by page number only (no "
                "cursor). Empty: no filter."
            ),
            example="festival",
            max_length=200,
        ),
    ] = None,
    country: Annotated[
        CountryParam,
        Query(
            None,
            description=(
                "ISO 3166-1 alpha-2 code, upper or lower case (empty: no filter); a code no "
                "country has finds nothing."
            ),
            example="VN",
            max_length=10,
        ),
    ] = None,
    region: Annotated[
        RegionParam,
        Query(
            None,
            description="UNESCO region, by its English name or its code.",
            example="asia_pacific",
            max_length=100,
        ),
    ] = None,
    area: Annotated[
        AreaParam,
        Query(
            None,
            description="The code of a Key Features area, such as 1.2.",
            example="1.2",
            max_length=20,
        ),
    ] = None,
    sdg: Annotated[
        SdgParam,
        Query(None, ge=1, le=17, description="A Sustainable Development Goal, 1 to 17.", example=4),
    ] = None,
    cluster: Annotated[
        ClusterParam,
        Query(None, description="The code of a thematic cluster.", example="literacy"),
    ] = None,
    language: Annotated[
        LanguageParam,
        Query(
            None,
            description="A language the practice is written or translated in.",
            example="fr",
            max_length=10,
        ),
    ] = None,
    year: Annotated[
        YearParam,
        Query(None, ge=1900, le=2100, description="A year the practice ran.", example=2024),
    ] = None,
    page: PageNumber = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
    cursor: PageCursor = None,
):
    words = " ".join((q or "").split())[:200]
    filters = {
        "country": _country(country),
        "region": _region(region),
        "area": area or "",
        "sdg": str(sdg) if sdg else "",
        "cluster": query_choice("cluster", cluster, ClusterCode.values),
        "language": query_choice("language", language, language_codes()),
        "year": str(year) if year else "",
    }
    params = {key: value for key, value in {"q": words, **filters}.items() if value}
    facets = {kind: [filters[name]] for name, kind in FACET_PARAMETERS.items() if filters[name]}
    if filters["area"]:
        # Areas are facets by id; a code is unique within a framework's section only.
        # No code holds a NUL, which PostgreSQL refuses in a string: such a code finds nothing.
        code = filters["area"]
        areas = Area.objects.filter(code=code).values_list("pk", flat=True)
        if "\x00" in code:
            areas = []
        facets[FacetKind.AREA] = [str(pk) for pk in areas] or [NO_AREA]

    def build() -> PracticePage:
        if words:
            if cursor is not None:
                raise invalid(
                    "query",
                    "cursor",
                    _("Search results (q) are ranked and go by page number, not by cursor."),
                )
            data = _search_page(request, words, facets, params, page, min(page_size, MAX_PER_PAGE))
            return PracticePage.model_validate(data)
        practices = published_practices()
        for kind, values in facets.items():
            practices = _with_facet(practices, kind, values)
        data = paginate(
            request,
            practices.order_by("-published_at", "-pk"),
            params=params,
            page=page,
            page_size=page_size,
            cursor=cursor,
            prepare=_with_relations,
            item=lambda practice: _practice_item(request, practice),
        )
        return PracticePage.model_validate(data)

    # Drawn once per revision of the library and of the register (city names).
    return cached_json_response(
        request,
        {**params, "page": page, "page_size": page_size, "cursor": cursor},
        build,
        revision=library_and_register_revision,
        namespace="practices",
    )


def _search_page(
    request: HttpRequest, words: str, facets: dict, params: dict, page: int, page_size: int
) -> dict:
    """Return a page of the library's search (most relevant first) in the list's envelope."""
    result = search_practices(words, filters=facets, page=page, per_page=page_size)
    ids = [hit.practice_id for hit in result.hits]
    found = {
        practice.pk: practice
        for practice in _with_relations(published_practices()).filter(pk__in=ids)
    }
    last_page = max(1, -(-result.total // page_size))
    return {
        "count": result.total,
        "page": page,
        "page_size": page_size,
        "next": page_link(request, params, page + 1, page_size) if page < last_page else None,
        "previous": (
            page_link(request, params, min(page - 1, last_page), page_size) if page > 1 else None
        ),
        "next_cursor": None,
        "results": [_practice_item(request, found[pk]) for pk in ids if pk in found],
    }


@router.get(
    "/practices/{id}",
    response={200: PracticeDetailOut, **_PUBLIC_404},
    summary="One good practice",
    description=(
        "A published practice as in the list, with its description and results (Markdown "
        "and sanitised HTML), its results as figures, and its images and documents with "
        "their addresses. Any other id answers 404."
    ),
    operation_id="get_practice",
    url_name="get_practice",
)
def get_practice(request: HttpRequest, id: PracticeId):
    practice = (
        _with_relations(published_practices().filter(pk=id))
        .prefetch_related("indicators", "images", "attachments__document")
        .first()
    )
    if practice is None:
        return Status(
            404,
            {"detail": _("There is no published practice with the id %(id)s.") % {"id": id}},
        )
    body, results = shown(practice, "body"), shown(practice, "results")
    return Status(
        200,
        {
            **_practice_item(request, practice),
            "body": body,
            "body_html": render_markdown(body),
            "results": results,
            "results_html": render_markdown(results) if results else "",
            "indicators": [
                {
                    "name": indicator.name,
                    "value": indicator.value,
                    "unit": indicator.unit,
                    "year": indicator.year,
                }
                for indicator in practice.indicators.all()
            ],
            "source": practice.source,
            "images": [_image_item(request, image) for image in practice.images.all()],
            "attachments": [
                _attachment_item(request, attachment) for attachment in practice.attachments.all()
            ],
        },
    )


def _image_item(request: HttpRequest, image) -> dict:
    return {
        "url": request.build_absolute_uri(image.get_absolute_url()),
        "width": image.width,
        "height": image.height,
        "thumbnail_url": request.build_absolute_uri(image.thumbnail_url),
        "thumbnail_width": image.thumbnail_width,
        "thumbnail_height": image.thumbnail_height,
        "alt_text": shown(image, "alt_text"),
        "caption": shown(image, "caption"),
    }


def _attachment_item(request: HttpRequest, attachment) -> dict:
    document = attachment.document
    return {
        "title": attachment.title,
        "url": request.build_absolute_uri(attachment.get_absolute_url()),
        "file_name": document.original_name,
        "content_type": document.content_type,
        "size": document.size,
    }


# Clusters ----------------------------------------------------------------------

_ACCEPTED = Q(memberships__status=ClusterRequestStatus.ACCEPTED)


def _clusters() -> QuerySet[Cluster]:
    """Return the clusters with their counts and lead cities (accepted members only)."""
    accepted = ClusterMembership.objects.filter(status=ClusterRequestStatus.ACCEPTED)
    # An aggregate drops the model's ordering: the clusters' order is given again.
    return (
        Cluster.objects.order_by("order", "pk")
        .annotate(
            member_count=Count("memberships", filter=_ACCEPTED, distinct=True),
            practice_count=Count(
                "practices",
                filter=Q(practices__status=PracticeStatus.PUBLISHED),
                distinct=True,
            ),
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=accepted.select_related("city").order_by("city__name", "pk"),
                to_attr="accepted_memberships",
            )
        )
    )


def _cluster_item(cluster: Cluster) -> dict:
    return {
        "code": cluster.code,
        "name": str(cluster.name),
        "description": cluster.description,
        "lead_cities": [
            _city(membership.city)
            for membership in cluster.accepted_memberships
            if membership.role == ClusterRole.LEAD
        ],
        "member_count": cluster.member_count,
        "practice_count": cluster.practice_count,
    }


@router.get(
    "/clusters",
    response={200: ClusterListOut, **_PUBLIC},
    summary="Thematic clusters",
    description=(
        "The network's thematic clusters in their usual order, each with its lead cities, "
        "the number of its member cities and of its published practices."
    ),
    operation_id="list_clusters",
    url_name="list_clusters",
)
def list_clusters(request: HttpRequest):
    return {"results": [_cluster_item(cluster) for cluster in _clusters()]}


@router.get(
    "/clusters/{code}",
    response={200: ClusterDetailOut, **_PUBLIC_404},
    summary="One thematic cluster",
    description=(
        "A cluster as in the list, with its member cities by name (lead cities too, with "
        "their role). A city that has asked to join and was not yet accepted is not listed."
    ),
    operation_id="get_cluster",
    url_name="get_cluster",
)
def get_cluster(request: HttpRequest, code: ClusterCodePath):
    cluster = _clusters().filter(code=code).first() if code in ClusterCode.values else None
    if cluster is None:
        return Status(
            404, {"detail": _("There is no cluster with the code %(code)s.") % {"code": code[:30]}}
        )
    return Status(
        200,
        {
            **_cluster_item(cluster),
            "members": [
                {**_city(membership.city), "role": membership.role}
                for membership in cluster.accepted_memberships
            ],
        },
    )
