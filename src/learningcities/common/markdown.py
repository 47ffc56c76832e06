"""Markdown written by people, shown as safe HTML.

markdown-it-py (CommonMark, raw HTML off, tables and strikethrough on) turns
the text into HTML, and nh3 keeps only the tags and attributes listed here:
no scripts, styles, images from elsewhere or event handlers, whatever the
text holds; links get ``rel="nofollow noopener"``. Parsers are made once per
thread (a worker serves several at once); nh3 is thread-safe.
"""

import html as html_entities
import threading

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "strong", "em", "s", "code", "pre", "blockquote", "hr",
        "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "a",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
# The largest text rendered; longer texts are cut (forms limit them well before).
MAX_CHARACTERS = 200_000

_local = threading.local()


def _parser() -> MarkdownIt:
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
        parser.enable(["table", "strikethrough"])
        _local.parser = parser
    return parser


def _demote_headings(html: str) -> str:
    # A page's own title is its h1: the text's headings start at h2.
    for level in range(5, 0, -1):
        html = html.replace(f"<h{level}>", f"<h{level + 1}>").replace(
            f"</h{level}>", f"</h{level + 1}>"
        )
    return html


def render_markdown(text: str) -> SafeString:
    """Return ``text`` (Markdown) as sanitised HTML, safe to put in a page."""
    html = _demote_headings(_parser().render((text or "")[:MAX_CHARACTERS]))
    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )
    return mark_safe(clean)  # noqa: S308 (sanitised by nh3 just above)


def markdown_to_text(text: str) -> str:
    """Return the words of ``text`` (Markdown) without markup (for search and summaries)."""
    html = _parser().render((text or "")[:MAX_CHARACTERS])
    return " ".join(html_entities.unescape(nh3.clean(html, tags=set())).split())
