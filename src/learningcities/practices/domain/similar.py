"""Practices like a given one, and the near-duplicates a city is warned about.

Similar practices: the practice's most distinctive words (frequent in it,
rare in the library) run as one ranked full-text query over the search index
(``search``), restricted to the practices that share a tag with it (a Key
Features area or feature, a goal, a cluster or a target group); the best few
are ranked again by text rank and shared tags together. The library's word
frequencies come from the index itself: FTS5's vocabulary table on SQLite,
the planner's statistics of the ``tsvector`` column on PostgreSQL (words not
among its most common ones are rare). No external service, no scan in Python.

Near-duplicates: a city's own practices are few, so their word sets are
compared in Python (Jaccard similarity of title and description).
"""

import math
import time
import unicodedata

from django.db import router
from django.db.models import Count, Q

from learningcities.common.markdown import markdown_to_text
from learningcities.common.memo import LocalMemo

from ..enums import FacetKind
from ..models import Practice, PracticeFacet
from .facet_index import facet_index
from .facets import facet_values
from .queries.practices import practices_by_ids
from .search import (
    FACET_TABLE,
    SIMPLE,
    STEMMED,
    UNFOLDED,
    _backend,
    _clean,
    _facet_lexeme,
    _in,
    _original,
    _plain,
    _tsquery_literal,
    split_words,
)

# The tags two practices may share.
SHARED_KINDS = (
    FacetKind.AREA,
    FacetKind.FEATURE,
    FacetKind.SDG,
    FacetKind.CLUSTER,
    FacetKind.TARGET_GROUP,
)
# How many distinctive words the query takes, from how much of the practice's text.
DISTINCTIVE_WORDS = 10
TEXT_CHARACTERS = 6000
# Words in more than this share of the library say nothing of a practice (once
# it holds enough practices for shares to mean something).
COMMON_SHARE = 0.2
COMMON_FROM = 200
# Candidates the text query ranks at most (a bound on its work), and reranks.
CANDIDATES = 200
RERANKED = 50
# How much shared tags count against the text rank (both scaled to 0..1).
TAG_WEIGHT = 0.4
# Word-set Jaccard similarity from which a city's practice is a near-duplicate.
DUPLICATE_SIMILARITY = 0.6
SHORTEST_WORD = 3


def _tags(practice: Practice) -> set[tuple[str, str]]:
    if practice.is_published:
        rows = PracticeFacet.objects.filter(practice=practice, kind__in=SHARED_KINDS)
        return set(rows.values_list("kind", "value"))
    return {(kind, value) for kind, value in facet_values(practice) if kind in SHARED_KINDS}


def _tag_filter(tags: set[tuple[str, str]]) -> Q:
    by_kind: dict[str, list[str]] = {}
    for kind, value in tags:
        by_kind.setdefault(kind, []).append(value)
    condition = Q(pk__in=[])
    for kind, values in by_kind.items():
        condition |= Q(kind=kind, value__in=values)
    return condition


def _tags_sql(tags: set[tuple[str, str]]) -> tuple[str, list]:
    by_kind: dict[str, list[str]] = {}
    for kind, value in sorted(tags):
        by_kind.setdefault(kind, []).append(value)
    sql = " OR ".join(
        f"(f.kind = %s AND f.value IN ({_in(values)}))" for values in by_kind.values()
    )
    params = [item for kind, values in by_kind.items() for item in (kind, *values)]
    return sql, params


def _text(practice: Practice) -> str:
    text = " ".join(
        _plain(field, _original(practice, field)) for field in ("title", "summary", "body")
    )
    return text[:TEXT_CHARACTERS]


def _fold(word: str) -> str:
    """Fold a word as FTS5's unicode61 tokenizer does (near enough: case and accents)."""
    decomposed = unicodedata.normalize("NFKD", word.translate(UNFOLDED).casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _pick(candidates: dict[str, tuple[int, float | None]], rare: float, size: float) -> list[str]:
    """Return the most distinctive words: ``{word: (times in the practice, share)}``.

    ``rare`` is the share assumed of a word the statistics do not know;
    ``size`` the number of practices in the index.
    """
    scored = []
    for word, (times, share) in candidates.items():
        if len(word) < SHORTEST_WORD or word.isdigit():
            continue
        share = min(rare if share is None else share, 0.99)
        if share <= 0 or (size >= COMMON_FROM and share > COMMON_SHARE):
            continue
        scored.append((times * -math.log(share), word))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [word for _score, word in scored[:DISTINCTIVE_WORDS]]


# How many practices hold a word (FTS5 counts them by reading the word's
# whole list: long for common words), kept by the process for a while.
DOCUMENT_COUNT_SECONDS = 3600
LOOKED_UP_WORDS = 60
_document_count_memo = LocalMemo(max_entries=50_000)


def _document_counts(backend, terms: list[str]) -> dict[str, int]:
    now = time.monotonic()
    alias = backend.connection.alias
    counts = {}
    for term in terms:
        kept = _document_count_memo.get(f"{alias}:{term}")
        if kept and now - kept[1] < DOCUMENT_COUNT_SECONDS:
            counts[term] = kept[0]
    missing = [term for term in terms if term not in counts]
    if missing:
        found = dict(
            backend.fetch(
                f"SELECT term, doc FROM practices_search_vocab WHERE term IN ({_in(missing)})",  # noqa: S608 - table names and placeholders only
                missing,
            )
        )
        for term in missing:
            # A word the index does not hold is kept too (as 0): asked once.
            _document_count_memo.set(f"{alias}:{term}", (found.get(term, 0), now))
            counts[term] = found.get(term, 0)
    return {term: count for term, count in counts.items() if count}


def _sqlite_ranked(backend, practice, tags) -> list[tuple[int, float]]:
    times: dict[str, int] = {}
    for word in split_words(_text(practice)):
        folded = _fold(word)
        times[folded] = times.get(folded, 0) + 1
    if not times:
        return []
    published = facet_index(backend.connection.alias).size or 1
    # The practice's most frequent words, longest first among equals.
    terms = sorted(
        (word for word in times if len(word) >= SHORTEST_WORD and not word.isdigit()),
        key=lambda word: (-times[word], -len(word), word),
    )[:LOOKED_UP_WORDS]
    documents = _document_counts(backend, terms)
    # A word the index does not hold is spelt otherwise there: left out.
    candidates = {
        word: (times[word], documents[word] / published)
        for word in terms
        if word in documents and documents[word] > (1 if practice.is_published else 0)
    }
    words = _pick(candidates, rare=1 / published, size=published)
    if not words:
        return []
    match = " OR ".join(f'"{word}"' for word in words)
    where, params = "", []
    if tags:
        tags_sql, params = _tags_sql(tags)
        # Looked up per match: a list of ids would make FTS5 run the query once per id.
        where = (
            f" AND EXISTS (SELECT 1 FROM {FACET_TABLE} f"  # noqa: S608 - table names and placeholders only
            f" WHERE f.practice_id = practices_search.rowid AND ({tags_sql}))"
        )
    # The first matches found (at most CANDIDATES) are ranked: bm25 of every
    # match of common words would cost far more. "+rowid" keeps the list of
    # ids out of FTS5 (which would run the query once per id).
    rows = backend.fetch(
        "SELECT rowid, bm25(practices_search, 10.0, 2.0, 1.0) FROM practices_search"  # noqa: S608 - table names and placeholders only
        " WHERE practices_search MATCH %s AND +rowid IN (SELECT rowid FROM practices_search"
        f" WHERE practices_search MATCH %s AND rowid <> %s{where}"
        " LIMIT %s) ORDER BY 2, rowid DESC LIMIT %s",
        [match, match, practice.pk, *params, CANDIDATES, RERANKED],
    )
    return [(pk, -score) for pk, score in rows]


_PG_WORDS = """
WITH words AS (
    SELECT lexeme, coalesce(array_length(positions, 1), 1) AS times
    FROM unnest(to_tsvector(%s::regconfig, %s))
), stats AS (
    SELECT e.lexeme, e.share
    FROM pg_stats p,
        unnest(
            p.most_common_elems::text::text[],
            p.most_common_elem_freqs[1:array_length(p.most_common_elems, 1)]
        ) AS e(lexeme, share)
    WHERE p.schemaname = current_schema() AND p.tablename = 'practices_search'
        AND p.attname = 'document'
), least AS (
    SELECT min(share) AS share FROM stats
)
SELECT w.lexeme, w.times, s.share, least.share,
    (SELECT reltuples FROM pg_class WHERE oid = 'practices_search'::regclass)
FROM words w LEFT JOIN stats s ON s.lexeme = w.lexeme, least
"""


def _postgresql_ranked(backend, practice, tags) -> list[tuple[int, float]]:
    config = STEMMED.get(practice.language, SIMPLE)
    rows = backend.fetch(_PG_WORDS, [config, _text(practice)])
    if not rows:
        return []
    least, size = rows[0][3], rows[0][4]
    # Without statistics (a new or small library) every word counts as rare.
    rare = least / 2 if least else 0.001
    candidates = {lexeme: (times, share) for lexeme, times, share, _least, _size in rows}
    words = _pick(candidates, rare, size=size if least else 0)
    if not words:
        return []
    query = " | ".join(_tsquery_literal(word) for word in words)
    if tags:
        # The tags are lexemes of the documents too: one GIN scan applies both.
        shared = " | ".join(_tsquery_literal(_facet_lexeme(kind, value)) for kind, value in tags)
        query = f"({query}) & ({shared})"
    rows = backend.fetch(
        "SELECT c.practice_id, ts_rank_cd(c.document, %s::tsquery) AS rank FROM ("
        " SELECT s.practice_id, s.document FROM practices_search s"
        " WHERE s.document @@ %s::tsquery AND s.practice_id <> %s LIMIT %s"
        ") c ORDER BY rank DESC, c.practice_id DESC LIMIT %s",
        [query, query, practice.pk, CANDIDATES, RERANKED],
    )
    return [(pk, float(rank)) for pk, rank in rows]


def similar_practices(practice: Practice, limit: int = 5) -> list[Practice]:
    """Return up to ``limit`` published practices most like ``practice`` (never itself).

    Ranked by their text's likeness (the practice's distinctive words) and
    the tags they share with it; when words find too few, practices sharing
    the most tags fill the list.
    """
    tags = _tags(practice)
    backend = _backend(router.db_for_read(Practice))
    if backend.vendor == "postgresql":
        ranked = _postgresql_ranked(backend, practice, tags)
    else:
        ranked = _sqlite_ranked(backend, practice, tags)
    shared: dict[int, int] = {}
    if tags and ranked:
        # How many of the tags each candidate holds, from the facets' bitmaps.
        bitmaps = facet_index(backend.connection.alias).values
        holders = [bitmaps[tag] for tag in tags if tag in bitmaps]
        shared = {pk: sum(pk in bitmap for bitmap in holders) for pk, _rank in ranked}
    best = max((rank for _pk, rank in ranked), default=0) or 1
    scored = sorted(
        (
            (1 - TAG_WEIGHT) * rank / best + TAG_WEIGHT * shared.get(pk, 0) / max(len(tags), 1),
            pk,
        )
        for pk, rank in ranked
    )
    ids = [pk for _score, pk in sorted(scored, key=lambda pair: (-pair[0], -pair[1]))][:limit]
    if len(ids) < limit and tags:
        ids += list(
            PracticeFacet.objects.filter(_tag_filter(tags))
            .exclude(practice_id__in=[practice.pk, *ids])
            .values_list("practice_id")
            .annotate(n=Count("pk"))
            .order_by("-n", "-practice_id")
            .values_list("practice_id", flat=True)[: limit - len(ids)]
        )
    return practices_by_ids(ids)


def word_set(title: str, body: str) -> set[str]:
    """Return the folded words of a title and its Markdown description (3 letters or more)."""
    text = f"{_clean(title)} {markdown_to_text(body or '')}"
    return {_fold(word) for word in split_words(text) if len(word) >= SHORTEST_WORD}


def near_duplicates(
    organisation_id: int, title: str, body: str, *, exclude_pk: int | None = None
) -> list[Practice]:
    """Return the city's practices (any state) whose words are nearly those given, closest first.

    Near: the Jaccard similarity of the word sets of title and description
    is at least ``DUPLICATE_SIMILARITY``.
    """
    words = word_set(title, body)
    if not words:
        return []
    practices = Practice.objects.filter(organisation_id=organisation_id).only(
        "pk", "title", "body", "status", "organisation_id", "city_id", "language"
    )
    if exclude_pk is not None:
        practices = practices.exclude(pk=exclude_pk)
    close = []
    for practice in practices:
        other = word_set(practice.title, practice.body)
        similarity = len(words & other) / len(words | other) if other else 0.0
        if similarity >= DUPLICATE_SIMILARITY:
            close.append((similarity, practice))
    close.sort(key=lambda pair: (-pair[0], -pair[1].pk))
    return [practice for _similarity, practice in close]
