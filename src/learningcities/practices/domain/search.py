"""Search of the library: one interface over PostgreSQL full-text search and SQLite FTS5.

The index is one row per published practice in ``practices_search``
(migration 0003), written by ``index_practice`` inside the writer's
transaction, so a search after the commit finds the practice as it stands
and no search finds a practice that is no longer published.

PostgreSQL: each text is indexed twice, with the configuration of its
language (``lc_english``... : unaccent, then the language's stemmer) and with
``lc_simple`` (unaccent, no stemmer, no stop words); a query word matches if
any configuration's reading of it does (an OR of each configuration's
tsquery), so one GIN index serves every language and a word that is a stop
word in one language (French "son") still matches its exact spelling.
SQLite: an FTS5 table whose tokenizer folds case and diacritics; letters it
does not fold (Đ, ø, ß, ё...) are folded here into a column of their own.

Words are only ever passed as quoted terms (FTS5) or to ``plainto_tsquery``,
so no character of a query is syntax. Facet filters and counts are set
operations on the bitmaps of ``facet_index`` (the ``PracticeFacet`` rows of
the published practices, in memory): a search asks the database once for the
practices its words find among those the filters keep (SQLite: a list of ids
FTS5 checks its matches against; PostgreSQL: the facet values are lexemes of
the indexed documents), with their ranks, then once for the page's snippets.
"""

import heapq
import html
import time
import unicodedata
from dataclasses import dataclass

from django.db import connections, router, transaction
from django.utils.translation import gettext as _
from pyroaring import FrozenBitMap

from learningcities.common.languages import language_codes
from learningcities.common.markdown import markdown_to_text
from learningcities.network.models.countries import localised_country_name

from ..enums import FacetKind, PracticeStatus
from ..models import Practice, PracticeFacet
from .errors import PracticeError
from .facet_index import FacetIndex, facet_index

# The longest query read, and the most words of it searched (the rest is ignored).
QUERY_CHARACTERS = 200
QUERY_WORDS = 12
# The most values a filter takes per facet kind, and the longest value.
FILTER_VALUES = 50
FILTER_VALUE_CHARACTERS = 40
MAX_PER_PAGE = 100
# The last word of a query also matches as a prefix from this length on.
PREFIX_CHARACTERS = 3
# The text a snippet is cut from (PostgreSQL reads no further), and its length.
SNIPPET_SOURCE_CHARACTERS = 4000
SNIPPET_WORDS = 24
SUMMARY_SNIPPET_CHARACTERS = 240
# Marks of a match in a snippet before it is escaped: characters of the Private
# Use Area, taken out of every indexed text, so none can come from a practice.
START, STOP = "\ue000", "\ue001"
MARK_FREE = str.maketrans({START: " ", STOP: " ", "\x00": " "})
HEADLINE = (
    f"StartSel={START}, StopSel={STOP}, MaxWords={SNIPPET_WORDS}, MinWords=12,"
    ' MaxFragments=2, FragmentDelimiter=" … "'
)

SIMPLE = "lc_simple"
# PostgreSQL configuration of each language with a stemmer; the others use SIMPLE.
STEMMED = {
    "en": "lc_english",
    "fr": "lc_french",
    "es": "lc_spanish",
    "ru": "lc_russian",
    "ar": "lc_arabic",
}
CONFIGURATIONS = (SIMPLE, *STEMMED.values())
# Field -> weight (PostgreSQL: A is the heaviest; SQLite weighs its columns).
WEIGHTS = {"title": "A", "summary": "B", "body": "C", "results": "C"}
NAMES_WEIGHT = "B"
SLOTS = [(config, weight) for config in CONFIGURATIONS for weight in "ABC"]
# Letters whose accent FTS5's unicode61 keeps (PostgreSQL's unaccent folds them all).
UNFOLDED = str.maketrans(
    {
        "Đ": "D", "đ": "d", "Ø": "O", "ø": "o", "Ł": "L", "ł": "l", "ß": "ss",
        "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Ħ": "H", "ħ": "h",
        # Dotless i; Cyrillic yo to ye.
        "Þ": "Th", "þ": "th", "\u0131": "i", "Ё": "\u0415", "ё": "\u0435",
    }
)  # fmt: skip

FACET_TABLE = PracticeFacet._meta.db_table
PRACTICE_TABLE = Practice._meta.db_table


@dataclass(frozen=True)
class Hit:
    """One practice found: its rank (higher is better) and a snippet, safe HTML."""

    practice_id: int
    rank: float
    snippet: str


@dataclass(frozen=True)
class SearchResult:
    """A page of a search, the facet counts of the whole result, and a broader search."""

    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]
    suggestion: dict | None


# Reading texts --------------------------------------------------------------


def split_words(text: str) -> list[str]:
    """Return the words of ``text``: runs of letters and digits with their marks."""
    words, word = [], []
    for char in unicodedata.normalize("NFC", text):
        if char.isalnum() or unicodedata.category(char).startswith("M"):
            word.append(char)
        elif word:
            words.append("".join(word))
            word = []
    if word:
        words.append("".join(word))
    return words


def query_words(query: str) -> list[str]:
    """Return the words of ``query``, the first few only (the rest is ignored)."""
    return split_words(str(query or "")[:QUERY_CHARACTERS])[:QUERY_WORDS]


def _clean(text: str) -> str:
    return " ".join(str(text or "").translate(MARK_FREE).split())


def _plain(field: str, text) -> str:
    if not isinstance(text, str):
        return ""
    if field in ("body", "results"):
        text = markdown_to_text(text)
    return _clean(text)


def _original(practice: Practice, field: str):
    # A practice localised for display keeps its originals aside (common.translated).
    originals = getattr(practice, "_originals", None) or {}
    return originals.get(field, getattr(practice, field))


def practice_texts(practice: Practice) -> list[tuple[str, str, str]]:
    """Return ``(language, field, words)`` of the original's texts and every translation."""
    texts = []
    for field in practice.translated_fields:
        texts.append((practice.language, field, _plain(field, _original(practice, field))))
    for language, fields in (practice.translations or {}).items():
        if language == practice.language or not isinstance(fields, dict):
            continue
        for field in practice.translated_fields:
            entry = fields.get(field)
            if isinstance(entry, dict):
                texts.append((language, field, _plain(field, entry.get("text"))))
    return [(language, field, text) for language, field, text in texts if text]


def _names(practice: Practice) -> str:
    cities = [practice.city, *practice.partner_cities.all()]
    names = []
    for city in cities:
        names += [city.name, city.local_name]
        country = city.country
        names.append(country.name)
        names += [localised_country_name(country.code, code) for code in language_codes()]
    return _clean(" ".join(dict.fromkeys(name for name in names if name)))


# The vendors -----------------------------------------------------------------


def _connection(using: str | None = None):
    return connections[using or router.db_for_write(Practice)]


def _in(values) -> str:
    return ", ".join(["%s"] * len(values))


class _Backend:
    vendor = ""

    def __init__(self, connection):
        self.connection = connection

    def fetch(self, sql: str, params: list) -> list[tuple]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def execute(self, sql: str, params: list | None = None) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)

    def finds_any(self, words: list[str], filters: dict, allowed: FrozenBitMap | None) -> bool:
        """Whether the words find a practice among those the filters keep (``allowed``)."""
        sql, params = self.text_matching(words, filters, allowed)
        return bool(self.fetch(f"SELECT EXISTS ({sql})", params)[0][0])

    def newest(self, allowed: FrozenBitMap | None, offset: int, limit: int) -> list[Hit]:
        """Return a page of the newest published practices (of ``allowed`` if given)."""
        where, params = ("", [])
        if allowed is not None:
            where, params = self.among("id", allowed)
        # The page's ids first (from the index on status and date), then their summaries.
        ids = [
            pk
            for (pk,) in self.fetch(
                f"SELECT id FROM {PRACTICE_TABLE} WHERE status = %s{where}"  # noqa: S608 - table names and placeholders only
                " ORDER BY published_at DESC, id DESC LIMIT %s OFFSET %s",
                [PracticeStatus.PUBLISHED, *params, limit, offset],
            )
        ]
        summaries = dict(Practice.objects.filter(pk__in=ids).values_list("pk", "summary"))
        return [Hit(pk, 0.0, html.escape(_summary_snippet(summaries.get(pk, "")))) for pk in ids]


class _SQLite(_Backend):
    vendor = "sqlite"

    @staticmethod
    def match_expression(words: list[str], *, prefix: bool = True) -> str:
        # Every word a quoted string: FTS5 reads nothing in it as syntax.
        terms = [f'"{word.translate(UNFOLDED)}"' for word in words]
        if prefix and len(words[-1]) >= PREFIX_CHARACTERS:
            terms[-1] += "*"
        return " ".join(terms)

    def text_matching(self, words, filters, allowed):
        where, params = self.among("rowid", allowed) if allowed is not None else ("", [])
        return (
            f"SELECT rowid FROM practices_search WHERE practices_search MATCH %s{where}",  # noqa: S608 - table names and placeholders only
            [self.match_expression(words), *params],
        )

    @staticmethod
    def among(column: str, ids: FrozenBitMap) -> tuple[str, list]:
        # "+" keeps FTS5 from taking the list as rowids to look up one by one
        # (it would run the whole match again for each): a filter on its matches.
        return f" AND +{column} IN (SELECT value FROM json_each(%s))", [_json_ids(ids)]  # noqa: S608 - a column name and a placeholder

    def found(self, words, filters, allowed) -> list[tuple[int, float]]:
        sql, params = self.text_matching(words, filters, allowed)
        sql = sql.replace("SELECT rowid", "SELECT rowid, bm25(practices_search, 10.0, 2.0, 1.0)", 1)
        return [(pk, -score) for pk, score in self.fetch(sql, params)]

    def snippets(self, words, ids: list[int]) -> dict[int, str]:
        return dict(
            self.fetch(
                "SELECT rowid, snippet(practices_search, 1, %s, %s, %s, %s) FROM practices_search"  # noqa: S608 - table names and placeholders only
                # "+": one pass over the matches, not the whole match again for each id.
                f" WHERE practices_search MATCH %s AND +rowid IN ({_in(ids)})",
                [START, STOP, "…", SNIPPET_WORDS, self.match_expression(words), *ids],
            )
        )

    def write(self, entries: list[tuple]) -> None:
        ids = [(entry[0],) for entry in entries]
        with self.connection.cursor() as cursor:
            cursor.executemany("DELETE FROM practices_search WHERE rowid = %s", ids)
            cursor.executemany(
                "INSERT INTO practices_search (rowid, title, content, extra)"
                " VALUES (%s, %s, %s, %s)",
                entries,
            )

    def remove(self, practice_id: int) -> None:
        self.execute("DELETE FROM practices_search WHERE rowid = %s", [practice_id])

    def clear(self) -> None:
        self.execute("DELETE FROM practices_search")

    @staticmethod
    def entry(practice: Practice) -> tuple:
        texts = practice_texts(practice)
        titles = [text for _language, field, text in texts if field == "title"]
        original = [
            text
            for language, field, text in texts
            if field != "title" and language == practice.language
        ]
        others = [
            text
            for language, field, text in texts
            if field != "title" and language != practice.language
        ]
        names = _names(practice)
        everything = " ".join([*titles, *original, *others, names])
        # Spellings FTS5 does not fold (Đà Nẵng -> Dà Nẵng), searchable folded here.
        folded = {word.translate(UNFOLDED) for word in everything.split()} - set(everything.split())
        extra = "\n".join([*others, names, " ".join(sorted(folded))])
        return (practice.pk, "\n".join(titles), "\n".join(original), extra)


def _facet_lexeme(kind: str, value: str) -> str:
    # Words never hold a space: a facet value's lexeme cannot be a word of a text.
    return f"facet {kind} {value}"


def _tsquery_literal(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


class _PostgreSQL(_Backend):
    vendor = "postgresql"

    def __init__(self, connection):
        super().__init__(connection)
        self._memo: dict[tuple, dict[int, set[str]]] = {}

    def tsquery(self, words: list[str], filters: dict, *, prefix: bool = True) -> str:
        """Return a tsquery: every word (as any configuration reads it) and the filters.

        The readings are asked of PostgreSQL once and joined here without
        repeats (each repeat would cost the index scan again). The facet
        values are lexemes of the same documents, so the GIN index applies
        words and filters in one scan. Empty when no word has a reading.
        """
        parts = []
        if words:
            readings = self._readings(tuple(words), prefix)
            if len(readings) < len(words):
                return ""
            parts += [" | ".join(sorted(readings[number])) for number in sorted(readings)]
        for kind, values in filters.items():
            parts.append(" | ".join(_tsquery_literal(_facet_lexeme(kind, v)) for v in values))
        return " & ".join(f"( {part} )" for part in parts)

    def _readings(self, words: tuple[str, ...], prefix: bool) -> dict[int, set[str]]:
        """Return each word's readings by number (one query per search: kept by the backend)."""
        memo = self._memo
        if (words, prefix) not in memo:
            last = words[-1] if prefix and len(words[-1]) >= PREFIX_CHARACTERS else None
            rows = self.fetch(
                "SELECT w.n, plainto_tsquery(c.config::regconfig, w.word)::text"
                " FROM unnest(%s::text[]) WITH ORDINALITY w(word, n), unnest(%s::text[]) c(config)"
                " UNION ALL SELECT 0, to_tsquery(%s, %s)::text WHERE %s",
                # A word of letters, digits and marks only: nothing in it is syntax.
                [list(words), list(CONFIGURATIONS), SIMPLE, f"'{last or 'x'}':*", last is not None],
            )
            readings: dict[int, set[str]] = {}
            for number, reading in rows:
                if reading:
                    readings.setdefault(number or len(words), set()).add(f"( {reading} )")
            memo[(words, prefix)] = readings
        return memo[(words, prefix)]

    def text_matching(self, words, filters, allowed):
        # The filters are lexemes of the documents: ``allowed`` is not needed.
        query = self.tsquery(words, filters)
        if not query:
            return "SELECT practice_id FROM practices_search WHERE FALSE", []
        return "SELECT practice_id FROM practices_search WHERE document @@ %s::tsquery", [query]

    @staticmethod
    def among(column: str, ids: FrozenBitMap) -> tuple[str, list]:
        return f" AND {column} = ANY(%s::bigint[])", [list(ids)]

    def found(self, words, filters, allowed) -> list[tuple[int, float]]:
        # The filters are lexemes of the same documents: the GIN index applies
        # words and filters in one scan; the rank reads the titles' and
        # summaries' words only (a small vector, quick for thousands of practices).
        query, text_query = self.tsquery(words, filters), self.tsquery(words, {})
        if not query:
            return []
        return self.fetch(
            "SELECT practice_id, ts_rank(heading, %s::tsquery)::float8 FROM practices_search"
            " WHERE document @@ %s::tsquery",
            [text_query, query],
        )

    def snippets(self, words, ids: list[int]) -> dict[int, str]:
        text_query = self.tsquery(words, {})
        if not text_query:
            return {}
        return dict(
            self.fetch(
                "SELECT practice_id, ts_headline(config, left(content, %s), %s::tsquery, %s)"
                " FROM practices_search WHERE practice_id = ANY(%s::bigint[])",
                [SNIPPET_SOURCE_CHARACTERS, text_query, HEADLINE, ids],
            )
        )

    def write(self, entries: list[tuple]) -> None:
        slot = "setweight(to_tsvector('{}', %s), '{}')"
        heading = " || ".join(slot.format(c, w) for c, w in SLOTS if w != "C")
        rest = " || ".join(slot.format(c, w) for c, w in SLOTS if w == "C")
        with self.connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO practices_search"  # noqa: S608 - table names and placeholders only
                " (practice_id, config, content, heading, document)"
                " SELECT i, c, t, h, h || array_to_tsvector(l) || r FROM (SELECT"
                " %s AS i, %s::regconfig AS c, %s AS t, %s::text[] AS l,"
                f" {heading} AS h, {rest} AS r) e"
                " ON CONFLICT (practice_id) DO UPDATE SET config = EXCLUDED.config,"
                " content = EXCLUDED.content,"
                " heading = EXCLUDED.heading, document = EXCLUDED.document",
                entries,
            )

    def remove(self, practice_id: int) -> None:
        self.execute("DELETE FROM practices_search WHERE practice_id = %s", [practice_id])

    def clear(self) -> None:
        self.execute("DELETE FROM practices_search")

    @staticmethod
    def entry(practice: Practice) -> tuple:
        slots: dict[tuple[str, str], list[str]] = {slot: [] for slot in SLOTS}
        for language, field, text in practice_texts(practice):
            weight = WEIGHTS[field]
            slots[(SIMPLE, weight)].append(text)
            stemmed = STEMMED.get(language)
            if stemmed:
                slots[(stemmed, weight)].append(text)
        slots[(SIMPLE, NAMES_WEIGHT)].append(_names(practice))
        content = "\n".join(
            _plain(field, _original(practice, field)) for field in ("summary", "body", "results")
        )
        config = STEMMED.get(practice.language, SIMPLE)
        facets = sorted(_facet_rows(practice))
        texts = {slot: "\n".join(slots[slot]) for slot in SLOTS}
        return (
            practice.pk,
            config,
            content,
            [_facet_lexeme(kind, value) for kind, value in facets],
            *(texts[slot] for slot in SLOTS if slot[1] != "C"),
            *(texts[slot] for slot in SLOTS if slot[1] == "C"),
        )


def _facet_rows(practice: Practice) -> set[tuple[str, str]]:
    """Return the practice's facet rows (``domain.facets`` wrote them just before)."""
    cached = getattr(practice, "_prefetched_objects_cache", {}).get("facets")
    if cached is not None:
        return {(facet.kind, facet.value) for facet in cached}
    return set(PracticeFacet.objects.filter(practice=practice).values_list("kind", "value"))


def _backend(using: str | None = None) -> _Backend:
    connection = _connection(using)
    if connection.vendor == "postgresql":
        return _PostgreSQL(connection)
    if connection.vendor == "sqlite":
        return _SQLite(connection)
    raise NotImplementedError(f"The library's search has no index on {connection.vendor}.")


def _json_ids(ids) -> str:
    return "[" + ",".join(map(str, ids)) + "]"


def _marked(snippet: str) -> str:
    """Escape a snippet and turn its match marks into ``<mark>`` elements."""
    escaped = html.escape(snippet or "")
    return escaped.replace(START, "<mark>").replace(STOP, "</mark>")


def _summary_snippet(summary: str) -> str:
    summary = _clean(summary)
    if len(summary) <= SUMMARY_SNIPPET_CHARACTERS:
        return summary
    return summary[:SUMMARY_SNIPPET_CHARACTERS].rsplit(" ", 1)[0] + " …"


# Writing the index -------------------------------------------------------------


def index_practice(practice: Practice, *, using: str | None = None) -> None:
    """Write the search entry of ``practice``, or remove it when it is not published.

    Call it inside the writer's transaction: the entry commits (or rolls back)
    with the change, so no search sees a practice's old words after it.
    """
    backend = _backend(using)
    if not practice.is_published:
        backend.remove(practice.pk)
        return
    backend.write([backend.entry(practice)])


def rebuild_index(*, using: str | None = None, batch: int = 500) -> int:
    """Index every published practice afresh (in one transaction); return how many."""
    backend = _backend(using)
    practices = (
        Practice.objects.using(backend.connection.alias)
        .filter(status=PracticeStatus.PUBLISHED)
        .select_related("city__country")
        .prefetch_related("partner_cities__country", "facets")
        .order_by("pk")
    )
    count = 0
    with transaction.atomic(using=backend.connection.alias):
        backend.clear()
        entries = []
        for practice in practices.iterator(chunk_size=batch):
            entries.append(backend.entry(practice))
            if len(entries) >= batch:
                backend.write(entries)
                count += len(entries)
                entries = []
        if entries:
            backend.write(entries)
            count += len(entries)
    return count


# Searching ---------------------------------------------------------------------


def clean_filters(filters: dict | None) -> dict[str, list[str]]:
    """Return the filters by facet kind (values as sorted strings); refuse an unknown kind."""
    cleaned = {}
    for kind, values in (filters or {}).items():
        if kind not in FacetKind.values:
            raise PracticeError(
                _("The library cannot filter by “%(kind)s”.") % {"kind": str(kind)[:40]},
                code="invalid",
            )
        if isinstance(values, str | int):
            values = [values]
        # A value with a control character (a NUL) is no facet value: left out.
        kept = sorted(
            {
                str(value)[:FILTER_VALUE_CHARACTERS]
                for value in values or ()
                if str(value).strip() and str(value).isprintable()
            }
        )[:FILTER_VALUES]
        if kept:
            cleaned[kind] = kept
    return cleaned


def _facets(rows: list[tuple[str, str, int]]) -> dict[str, list[tuple[str, int]]]:
    facets: dict[str, list[tuple[str, int]]] = {kind: [] for kind in FacetKind.values}
    for kind, value, count in rows:
        if kind in facets:
            facets[kind].append((value, count))
    for values in facets.values():
        values.sort(key=lambda pair: (-pair[1], pair[0]))
    return facets


def _suggestion(
    backend: _Backend, index: FacetIndex, words: list[str], filters: dict
) -> dict | None:
    """Return a broader search that finds something: fewer filters first, then fewer words."""
    candidates = [
        (words, {k: v for k, v in filters.items() if k != kind}) for kind in reversed(filters)
    ]
    if filters:
        candidates.append((words, {}))
    if len(words) > 1:
        candidates += [(words[:i] + words[i + 1 :], {}) for i in reversed(range(len(words)))]
        candidates += [([word], {}) for word in words]
    if words:
        candidates.append(([], {}))
    seen = set()
    for candidate_words, candidate_filters in candidates:
        key = (
            tuple(candidate_words),
            tuple(sorted((k, tuple(v)) for k, v in candidate_filters.items())),
        )
        if key in seen:
            continue
        seen.add(key)
        allowed = index.matching(candidate_filters)
        if allowed is not None and not allowed:
            continue
        if (
            backend.finds_any(candidate_words, candidate_filters, allowed)
            if candidate_words
            else (allowed is not None or index.size > 0)
        ):
            return {"query": " ".join(candidate_words), "filters": candidate_filters}
    return None


def _number(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return default


def search_practices(
    query: str = "",
    *,
    filters: dict[str, list[str]] | None = None,
    page: int = 1,
    per_page: int = 20,
) -> SearchResult:
    """Find published practices by words and facet values; return a page and the counts.

    Words match whatever their case and accents, stemmed on PostgreSQL in
    each language the library's texts are in; every word must match, the
    last one also as the start of a word. Filters keep a practice with any
    of the values of a kind (OR) and a value of every kind given (AND).
    Without words the newest practices come first. An unknown facet kind
    raises ``PracticeError``.
    """
    filters = clean_filters(filters)
    words = query_words(query)
    page = max(1, _number(page, 1))
    per_page = min(max(1, _number(per_page, 20)), MAX_PER_PAGE)
    offset = (page - 1) * per_page
    backend = _backend(router.db_for_read(Practice))
    index = facet_index(backend.connection.alias)
    allowed = index.matching(filters)
    if words and (allowed is None or allowed):
        found = backend.found(words, filters, allowed)
        total = len(found)
        counts = index.counts(FrozenBitMap(pk for pk, _rank in found)) if total else []
        # Best first; of equal ranks, the newer (higher id) first.
        page = heapq.nsmallest(offset + per_page, found, key=lambda row: (-row[1], -row[0]))
        page = page[offset:]
        snippets = backend.snippets(words, [pk for pk, _rank in page]) if page else {}
        hits = [Hit(pk, rank, _marked(snippets.get(pk, ""))) for pk, rank in page]
    elif words:
        total, counts, hits = 0, [], []
    else:
        # Every published practice has facet values (its country, its language).
        total = len(allowed) if allowed is not None else index.size
        counts = index.counts(allowed) if total else []
        hits = backend.newest(allowed, offset, per_page) if total > offset else []
    if not total:
        return SearchResult(0, [], _facets([]), _suggestion(backend, index, words, filters))
    return SearchResult(total, hits, _facets(counts), None)


def timed_rebuild(*, using: str | None = None) -> tuple[int, float]:
    """Rebuild the index; return how many practices it holds and the seconds it took."""
    started = time.monotonic()
    count = rebuild_index(using=using)
    return count, time.monotonic() - started
