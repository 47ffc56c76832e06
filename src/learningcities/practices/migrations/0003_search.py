"""The library's search index, one table named ``practices_search`` on either database.

PostgreSQL: the ``unaccent`` extension, a text search configuration per
language that folds diacritics before its stemmer (``lc_english`` ...;
``lc_simple`` for languages without a stemmer, and for the exact words of
every text), and a table with one ``tsvector`` per published practice under a
GIN index (its words and its facet values, so one index scan applies words
and filters together), and the titles' and summaries' words apart (a small
vector to rank by). The rows keep that vector and move the rest out of line
(``toast_tuple_target``): a search reads the ranks of thousands of practices
from few pages.

SQLite: an FTS5 table whose tokenizer folds case and diacritics, and an
``fts5vocab`` table over it (how many practices hold a word, for similar
practices).

The table is not a model: the search module writes it in the writer's
transaction. Triggers on the practices' table keep it from outliving a
practice (deleted, or all emptied by a flush), so no foreign key stands in
the way of Django's flush on PostgreSQL.
"""

from django.db import migrations

# Configuration name -> the snowball stemmer after unaccent (None: simple).
PG_CONFIGURATIONS = {
    "lc_simple": ("simple", None),
    "lc_english": ("english", "english_stem"),
    "lc_french": ("french", "french_stem"),
    "lc_spanish": ("spanish", "spanish_stem"),
    "lc_russian": ("russian", "russian_stem"),
    "lc_arabic": ("arabic", "arabic_stem"),
}

PG_TABLE = """
CREATE TABLE IF NOT EXISTS practices_search (
    practice_id bigint PRIMARY KEY,
    heading tsvector NOT NULL,
    config regconfig NOT NULL,
    document tsvector NOT NULL,
    content text NOT NULL
) WITH (toast_tuple_target = 256);
ALTER TABLE practices_search ALTER COLUMN heading SET STORAGE MAIN;
CREATE INDEX IF NOT EXISTS practices_search_document ON practices_search USING gin (document);
CREATE OR REPLACE FUNCTION practices_search_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE practices_search;
    ELSE
        DELETE FROM practices_search WHERE practice_id = OLD.id;
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS practices_search_forget_row ON practices_practice;
CREATE TRIGGER practices_search_forget_row AFTER DELETE ON practices_practice
    FOR EACH ROW EXECUTE FUNCTION practices_search_forget();
DROP TRIGGER IF EXISTS practices_search_forget_all ON practices_practice;
CREATE TRIGGER practices_search_forget_all AFTER TRUNCATE ON practices_practice
    FOR EACH STATEMENT EXECUTE FUNCTION practices_search_forget();
"""

PG_DROP = """
DROP TRIGGER IF EXISTS practices_search_forget_row ON practices_practice;
DROP TRIGGER IF EXISTS practices_search_forget_all ON practices_practice;
DROP FUNCTION IF EXISTS practices_search_forget();
DROP TABLE IF EXISTS practices_search;
"""

# Columns: every title (weighted most), the original's summary, description and
# results (the snippet's column), then the rest: translations, the cities' and
# countries' names, and folded spellings the tokenizer leaves alone (Đ, ø, ß...).
SQLITE_TABLE = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS practices_search USING fts5(
        title, content, extra, tokenize = "unicode61 remove_diacritics 2"
    )""",
    "CREATE VIRTUAL TABLE IF NOT EXISTS practices_search_vocab "
    "USING fts5vocab(practices_search, row)",
    """CREATE TRIGGER IF NOT EXISTS practices_search_forget_row
        AFTER DELETE ON practices_practice
    BEGIN
        DELETE FROM practices_search WHERE rowid = OLD.id;
    END""",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS practices_search_forget_row",
    "DROP TABLE IF EXISTS practices_search_vocab",
    "DROP TABLE IF EXISTS practices_search",
]


def _run(schema_editor, statements) -> None:
    with schema_editor.connection.cursor() as cursor:
        for statement in [statements] if isinstance(statements, str) else statements:
            cursor.execute(statement)


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_TABLE)
        return
    if vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        for name, (template, stemmer) in PG_CONFIGURATIONS.items():
            cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [name])
            if cursor.fetchone():
                continue
            cursor.execute(
                f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = pg_catalog.{template})"
            )
            cursor.execute(
                f"ALTER TEXT SEARCH CONFIGURATION {name} "
                f"ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {stemmer or 'simple'}"
            )
    _run(schema_editor, PG_TABLE)


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_DROP)
    elif vendor == "postgresql":
        _run(schema_editor, PG_DROP)
        with schema_editor.connection.cursor() as cursor:
            for name in PG_CONFIGURATIONS:
                cursor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")


class Migration(migrations.Migration):
    """The search index of the library (full-text on PostgreSQL, FTS5 on SQLite)."""

    dependencies = [("practices", "0002_clusters_and_revision")]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
