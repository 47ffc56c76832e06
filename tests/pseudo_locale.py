"""A pseudo-locale: every translated string wrapped in markers, and what a page shows outside them.

``build_catalogue`` writes a catalogue in which each message of the project's
catalogues and of the third-party ones the pages show (Django's, django-allauth's,
django-axes'...) is its English source between ``⟦`` and ``⟧``, placeholders and
plural forms intact. A page rendered in that language shows marked text wherever a
string went through gettext; ``unmarked_texts`` returns what it shows outside the
markers, and ``Vocabulary`` tells data (names, titles, addresses from the database
and CLDR) from words that were never marked for translation.
"""

import io
import re
import unicodedata
import zoneinfo
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import django
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.apps import apps
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.db import models
from django.utils.translation import to_locale
from django.utils.translation.template import templatize

from learningcities.common.markdown import render_markdown

OPEN, CLOSE = "⟦", "⟧"
MARKERS = (OPEN, CLOSE)

# The pseudo language borrows the code of British English: Django (LANG_INFO, date
# formats) and Babel (CLDR) both know it, so every locale-aware lookup works, and the
# project does not ship it. A made-up code ("xx") would fail in CLDR lookups.
PSEUDO_LANGUAGE = "en-gb"

# The catalogue whose messages are taken (each catalogue lists every message of its
# package, translated or not; French is complete in the project).
SOURCE_LANGUAGE = "fr"

# Elements whose content a person never sees as text.
HIDDEN_ELEMENTS = {"script", "style", "template"}
# Attributes a person sees (tooltips, placeholders) or hears (screen readers).
SHOWN_ATTRIBUTES = {
    "title",
    "alt",
    "aria-label",
    "aria-description",
    "aria-roledescription",
    "aria-valuetext",
    "aria-placeholder",
    "placeholder",
    "label",
}
# Inputs whose value a person does not see as text (a button's value is its label).
UNSHOWN_INPUTS = {"hidden", "checkbox", "radio", "password", "file", "image", "color", "range"}
# Texts the page's scripts show (autosave status, map labels) travel in these attributes.
SCRIPT_TEXT_PREFIXES = ("data-text-", "data-label-")

# Django's translation functions, as Babel's extractor takes them: the position of each
# argument that is a message, "c" marking the context.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}

SEPARATOR = "\x00"
# Data that is no word: e-mail addresses, web addresses, ISO dates and times.
MACHINE_TEXT = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b(?:https?://|www\.)\S*|\b\d{4}-\d\d-\d\dT\d\d:\d\d\S*"
)
# Pages show a stored text with the keys in it replaced by names ("Evidence: <key>").
KEY = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def wrap(text: str) -> str:
    """Return ``text`` between markers.

    A list of words without spaces ("yes,no,maybe") is what the ``yesno`` filter splits
    at its commas: each word is wrapped, so each piece shown is marked.
    """
    if "," in text and " " not in text:
        return ",".join(wrap(word) for word in text.split(","))
    return f"{OPEN}{text}{CLOSE}" if text else text


def catalogue_sources() -> list[Path]:
    """Return the ``.po`` files whose messages the pseudo catalogue wraps.

    Django's own catalogue, each installed app's (contrib apps, allauth, axes, the
    project's apps) and the project's ``LOCALE_PATHS``.
    """
    roots = [Path(django.__file__).parent / "conf" / "locale"]
    roots += [Path(config.path) / "locale" for config in apps.get_app_configs()]
    roots += [Path(path) for path in settings.LOCALE_PATHS]
    relative = Path(to_locale(SOURCE_LANGUAGE)) / "LC_MESSAGES" / "django.po"
    return [root / relative for root in dict.fromkeys(roots) if (root / relative).exists()]


def catalogue_messages(sources: Iterable[Path]) -> Iterator[tuple]:
    """Yield ``(id, context)`` for every message of the ``.po`` files ``sources``."""
    for source in sources:
        with source.open("rb") as po:
            for message in read_po(po):
                if message.id:  # not the header
                    yield message.id, message.context


def source_messages(root: Path) -> Iterator[tuple]:
    """Yield ``(id, context)`` for every message the code and templates under ``root`` mark.

    A message marked but not yet in the catalogues is wrapped as well: the test finds
    text nobody marked, and ``make lint`` finds marked text nobody translated.
    """
    for path in sorted(root.rglob("*.py")):
        with path.open("rb") as code:
            yield from _extracted(code)
    for path in sorted(root.glob("**/templates/**/*")):
        if path.suffix in (".html", ".txt"):
            python = templatize(path.read_text(encoding="utf-8"), origin=str(path))
            # Read as Python by Babel, where the template's indentation would be an error.
            python = "\n".join(line.lstrip() for line in python.splitlines())
            yield from _extracted(io.BytesIO(python.encode()))


def _extracted(code) -> Iterator[tuple]:
    for _line, message, _comments, context in extract("python", code, keywords=KEYWORDS):
        yield message, context


def build_catalogue(locale_dir: Path) -> Path:
    """Write the pseudo language's ``django.mo`` under ``locale_dir``; return its path."""
    messages = [*catalogue_messages(catalogue_sources()), *source_messages(settings.BASE_DIR)]
    catalog = Catalog(locale=to_locale(PSEUDO_LANGUAGE), domain="django", fuzzy=False)
    for msgid, context in messages:
        if isinstance(msgid, str):
            catalog.add(msgid, wrap(msgid), context=context)
        else:  # singular and plural
            catalog.add(msgid, tuple(wrap(part) for part in msgid), context=context)
    target = locale_dir / to_locale(PSEUDO_LANGUAGE) / "LC_MESSAGES" / "django.mo"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as mo:
        write_mo(mo, catalog)
    return target


class _ShownText(HTMLParser):
    """Collect a page's text nodes (one stream) and the attributes a person sees or hears."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden_depth = 0
        self.nodes: list[str] = []
        self.attributes: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN_ELEMENTS:
            self.hidden_depth += 1
        if self.hidden_depth:
            return
        shown = dict(attrs)
        for name, value in shown.items():
            if value and (name in SHOWN_ATTRIBUTES or name.startswith(SCRIPT_TEXT_PREFIXES)):
                self.attributes.append(value)
        if tag == "input" and shown.get("type") not in UNSHOWN_INPUTS and shown.get("value"):
            self.attributes.append(shown["value"])

    def handle_startendtag(self, tag, attrs):
        if tag not in HIDDEN_ELEMENTS:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in HIDDEN_ELEMENTS and self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data):
        if not self.hidden_depth:
            self.nodes.append(data)


def outside_markers(text: str) -> str:
    """Return ``text`` without its marked segments (nested ones included).

    Only a marker that closes marks anything: a message cut short (``truncatechars``)
    leaves its opening marker alone, and the text after it is still read.
    """
    opens, marked = [], bytearray(len(text))
    for index, char in enumerate(text):
        if char == OPEN:
            opens.append(index)
        elif char == CLOSE and opens:
            start = opens.pop()
            marked[start : index + 1] = b"\x01" * (index + 1 - start)
    return "".join(
        char
        for char, hidden in zip(text, marked, strict=True)
        if not hidden and char not in MARKERS
    )


def unmarked_texts(html: str) -> list[str]:
    """Return the texts ``html`` shows outside the markers, whitespace collapsed.

    The text nodes are read as one stream, so a message with markup inside
    (``⟦Read <a>the guide</a> first⟧``) counts as marked as a whole.
    """
    parser = _ShownText()
    parser.feed(html)
    parser.close()
    chunks = outside_markers(SEPARATOR.join(parser.nodes)).split(SEPARATOR)
    chunks += [outside_markers(value) for value in parser.attributes]
    texts = (" ".join(chunk.split()) for chunk in chunks)
    return list(dict.fromkeys(text for text in texts if text))


def has_words(text: str) -> bool:
    """Tell whether ``text`` has a letter (digits, punctuation and symbols are not words)."""
    return any(unicodedata.category(char).startswith("L") for char in text)


def _json_strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _text_fields(model) -> list[str]:
    return [
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.JSONField)
        and not field.choices
    ]


def _stored_texts(value) -> Iterator[str]:
    """Yield the texts of one stored value (a JSON field's strings), split at the keys.

    Texts people write in Markdown (a practice's description) are shown rendered:
    the text nodes of the rendering are data too, each a piece of a stored text.
    """
    for text in _json_strings(value):
        yield from KEY.split(text)
        if MARKDOWN_HINT.search(text):
            parser = _ShownText()
            parser.feed(render_markdown(text))
            parser.close()
            yield from parser.nodes


# A stored text that Markdown would render with markup (emphasis, links, lists, headings).
MARKDOWN_HINT = re.compile(r"[*_`\[#]|^\s*[-+] ", re.MULTILINE)


def database_texts() -> set[str]:
    """Return every text the database holds: its char and text fields, and JSON strings.

    Fields with choices are left out: they hold codes ("draft"), whose labels are
    translated, so a code shown as such is an unmarked string, not data.
    """
    texts: set[str] = set()
    for model in apps.get_models():
        if fields := _text_fields(model):
            for row in model._base_manager.values_list(*fields).iterator():
                for value in row:
                    texts.update(_stored_texts(value))
    return texts


def reference_names() -> set[str]:
    """Return the names pages take from reference data rather than from catalogues.

    Country and language names in English and in the pseudo language (CLDR, through
    Babel), each interface language's name in that language (the language switcher),
    time zones (the tz database), and the open data's column names and coded values
    (the names in the files themselves, shown as code on the open data page).
    """
    from learningcities.accounts.enums import Scope
    from learningcities.api.views import SIGNATURE_CHECK
    from learningcities.opendata.domain.datasets import DATASETS
    from learningcities.opendata.enums import WebhookEvent

    names: set[str] = set()
    for locale in (Locale("en"), Locale.parse(to_locale(PSEUDO_LANGUAGE))):
        names |= set(locale.territories.values()) | set(locale.languages.values())
    for code in [*dict(settings.LANGUAGES), PSEUDO_LANGUAGE]:
        names.add(LANG_INFO.get(code, {}).get("name_local", code))
        names.add(Locale.parse(to_locale(code)).display_name)
    names |= zoneinfo.available_timezones()
    for dataset in DATASETS.values():
        for field in dataset.fields:
            names |= {field.name, *field.enum}
    # The API's scopes and webhook events, and the signature check: codes the
    # reference page shows as they are.
    names |= {*Scope.values, *WebhookEvent.values, " ".join(SIGNATURE_CHECK.split())}
    return names | api_reference_texts()


def api_reference_texts() -> set[str]:
    """The REST API reference's own texts: drawn from the OpenAPI schema, in English.

    The page's frame and headings are translated; what it shows of the schema
    (paths, names, types, descriptions) is the API's, which speaks English.
    """
    from learningcities.api.reference import api_reference
    from learningcities.common.markdown import render_markdown

    reference = api_reference()
    texts: set[str] = set()

    def shown(markdown: str) -> None:
        parser = _ShownText()
        parser.feed(str(render_markdown(markdown)))
        parser.close()
        texts.update(node.strip() for node in parser.nodes if node.strip())

    shown(reference.description)
    for tag, operations in reference.tags:
        texts.add(tag)
        for op in operations:
            texts |= {f"{op.method} {op.path}", op.summary, op.body}
            shown(op.description)
            for parameter in op.parameters:
                texts |= {parameter.name, parameter.where, parameter.type, parameter.description}
            for response in op.responses:
                texts |= {response.description, response.schema}
    for schema in reference.schemas:
        texts |= {schema.name, schema.description}
        for item in schema.properties:
            texts |= {item.name, item.type, item.description}
    return {text for text in texts if text}


class Vocabulary:
    """Texts that are data, not interface: a page may show them outside the markers."""

    def __init__(self, texts: Iterable[str]):
        self.texts = {" ".join(text.split()) for text in texts if has_words(text)}
        alternatives = sorted(self.texts, key=len, reverse=True)
        self.pattern = re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(text) for text in alternatives) + r")(?!\w)"
        )

    def is_data(self, text: str) -> bool:
        """Tell whether ``text`` is made of data only (with digits, punctuation, symbols)."""
        if not has_words(text) or text in self.texts:
            return True
        # Machine text first: a stored word inside an address would cut it in two.
        return not has_words(self.pattern.sub(" ", MACHINE_TEXT.sub(" ", text)))
