"""Right to left stays right, and no page downloads a font.

Every stylesheet under ``src/`` (the apps' static CSS and the CSS that templates
include), every ``<style>`` block and ``style`` attribute of a template, and the site's
own JavaScript that sets styles are read for physical directions: a property named
with left or right (``margin-left``, ``border-right-color``, ``left``), a left or right
value (``float: left``, ``text-align: right``, ``background-position: right``), a
horizontal translation, a four-sided shorthand whose right and left differ
(``padding: 0 0 1rem 1.25rem``), an uneven ``border-radius`` and page-margin boxes
named by side. Each must be written with logical properties (``margin-inline-start``,
``text-align: start``, ``inset-inline-end``...), which Arabic mirrors by itself, or be
in ``ALLOWED`` with its reason.

Every stylesheet the site serves (the vendors' included) and every template is read for
fonts to download: no ``@font-face``, no font file or font service in a URL. The pages
use the fonts of the reader's system (``site.css`` gives the stacks).
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

SRC = Path(settings.BASE_DIR)

# (file under src/learningcities, the declaration or rule as written) -> why it stays
# physical. None today: Leaflet 1.9 lays its panes out by transforms and works in a
# right-to-left page, and the dossier chooses its page-margin boxes by direction.
ALLOWED: dict[tuple[str, str], str] = {}

SIDE = r"(?:left|right)"
PHYSICAL_PROPERTY = re.compile(rf"(?:^|-){SIDE}(?:-|$)")
PHYSICAL_VALUE = re.compile(
    rf"\b{SIDE}\b"
    # translateX() and translate()/translate3d() moving sideways: not mirrored in Arabic.
    r"|\btranslatex\s*\("
    r"|\btranslate(?:3d)?\s*\(\s*(?!-?0(?:\.0+)?[a-z%]*\s*[,)])"
)
# Shorthands that list top, right, bottom, left: four values with right != left are sided.
FOUR_SIDED = {
    "margin",
    "padding",
    "inset",
    "border-width",
    "border-style",
    "border-color",
    "scroll-margin",
    "scroll-padding",
}
PAGE_MARGIN_BOX = re.compile(
    rf"@(?:(?:top|bottom)-{SIDE}(?:-corner)?|{SIDE}-(?:top|middle|bottom))\b"
)
TOKEN = re.compile(r"[^\s(]+(?:\([^)]*\))?")
QUOTED_OR_URL = re.compile(r"\"[^\"]*\"|'[^']*'|url\([^)]*\)", re.IGNORECASE)
COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=\s*(\"[^\"]*\"|'[^']*')", re.IGNORECASE)
ALIGN_ATTRIBUTE = re.compile(rf"\salign\s*=\s*[\"']?{SIDE}\b", re.IGNORECASE)
# element.style.marginLeft = ..., style.setProperty("padding-right", ...), style.left = ...
SCRIPT_STYLE = re.compile(
    rf"\.style\.(?:\w*(?:Left|Right)\w*|{SIDE})\b"
    rf"|setProperty\(\s*[\"'][\w-]*-?{SIDE}\b",
)
FONT_DOWNLOAD = re.compile(
    r"@font-face"
    r"|url\([^)]*\.(?:woff2?|ttf|otf|eot)\b"
    r"|fonts\.(?:googleapis|gstatic|bunny)\.|use\.typekit\.net|fonts\.cdnfonts\.com",
    re.IGNORECASE,
)
GENERIC_FAMILIES = {"serif", "sans-serif", "monospace", "system-ui", "cursive", "fantasy"}


def declarations(css: str):
    """Yield ``(property, value)`` for each declaration and ``("@", prelude)`` for each rule."""
    pieces = re.split(r"([{}])", COMMENT.sub("", css))
    for text, closer in zip(pieces[::2], [*pieces[1::2], "}"], strict=True):
        parts = text.split(";")
        if closer == "{":
            yield "@", parts.pop().strip()
        for part in parts:
            name, colon, value = part.partition(":")
            if colon and name.strip():
                yield name.strip().lower(), value.strip()


def is_physical(name: str, value: str) -> bool:
    """Say whether a declaration (or, for ``name == "@"``, a rule) depends on left and right."""
    if name == "@":
        return PAGE_MARGIN_BOX.search(value) is not None
    value = QUOTED_OR_URL.sub("", value.lower().replace("!important", ""))
    if PHYSICAL_PROPERTY.search(name) or PHYSICAL_VALUE.search(value):
        return True
    tokens = TOKEN.findall(value)
    if name in FOUR_SIDED:
        return len(tokens) == 4 and tokens[1] != tokens[3]
    if name == "border-radius":
        return len(set(tokens) - {"/"}) > 1
    return False


def physical_in_css(css: str) -> list[str]:
    """Return the declarations and rules of ``css`` that depend on left and right."""
    found = []
    for name, value in declarations(css):
        if is_physical(name, value):
            found.append(PAGE_MARGIN_BOX.search(value)[0] if name == "@" else f"{name}: {value}")
    return found


def physical_in_template(text: str) -> list[str]:
    """Return what depends on left and right in a template's styles and align attributes."""
    found = [match[0].strip() for match in ALIGN_ATTRIBUTE.finditer(text)]
    for block in STYLE_BLOCK.findall(text):
        found += physical_in_css(block)
    for attribute in STYLE_ATTRIBUTE.findall(text):
        found += physical_in_css("{" + attribute[1:-1] + "}")
    return found


def project_files(*suffixes: str) -> list[Path]:
    return sorted(
        path
        for path in SRC.rglob("*")
        if path.suffix in suffixes and "vendor" not in path.relative_to(SRC).parts
    )


def served_stylesheets() -> list[tuple[str, str]]:
    """Return ``(path, text)`` of every stylesheet the static files finders serve."""
    sheets = []
    for finder in finders.get_finders():
        for path, storage in finder.list(["*.map", "*.json", "*.js", "*.png", "*.svg"]):
            if path.endswith(".css"):
                with storage.open(path) as sheet:
                    sheets.append((path, sheet.read().decode("utf-8")))
    return sheets


def unexplained(path: Path, found: list[str]) -> list[str]:
    relative = str(path.relative_to(SRC))
    return [f"{relative}: {item}" for item in found if (relative, item) not in ALLOWED]


@pytest.mark.parametrize(
    ("css", "expected"),
    [
        (".a { margin-left: 1rem; }", ["margin-left: 1rem"]),
        (".a { float: right }", ["float: right"]),
        (".a { text-align: left; color: red }", ["text-align: left"]),
        (".a { padding: 0 0 1rem 1.25rem; }", ["padding: 0 0 1rem 1.25rem"]),
        (".a { border-right-color: red; }", ["border-right-color: red"]),
        (".a { right: 0; }", ["right: 0"]),
        (".a { transform: translateX(4px); }", ["transform: translateX(4px)"]),
        (".a { transform: translate(-50%, 0); }", ["transform: translate(-50%, 0)"]),
        (
            ".a { background: url(x.png) no-repeat right top; }",
            ["background: url(x.png) no-repeat right top"],
        ),
        (".a { border-radius: 0 .5rem .5rem 0; }", ["border-radius: 0 .5rem .5rem 0"]),
        ("@page { size: A4; @bottom-right { content: 'x' } }", ["@bottom-right"]),
        (
            ".a { margin-inline-start: 1rem; text-align: start; inset-inline-end: 0;"
            " float: inline-start; padding: 0 1rem; margin: 1rem 2rem 3rem;"
            " padding: 1rem 2rem 1rem 2rem;"
            " border-radius: .5rem; transform: translate(0, -50%) scaleX(-1); content: 'left'; }",
            [],
        ),
        ("a:hover, .leaflet-left { color: red }", []),
    ],
)
def test_physical_in_css_finds_sided_declarations(css, expected):
    assert physical_in_css(css) == expected


def test_physical_in_template_reads_style_blocks_and_attributes():
    template = (
        '<style>.x { margin-right: 1px }</style><p style="text-align: left; color: red">'
        '<td align="right"><p style="margin-inline-end: 1px">'
    )

    assert physical_in_template(template) == [
        'align="right',
        "margin-right: 1px",
        "text-align: left",
    ]


def test_stylesheets_use_logical_directions():
    found = []
    for path in project_files(".css"):
        found += unexplained(path, physical_in_css(path.read_text(encoding="utf-8")))

    assert found == []


def test_templates_use_logical_directions():
    found = []
    for path in project_files(".html", ".svg"):
        found += unexplained(path, physical_in_template(path.read_text(encoding="utf-8")))

    assert found == []


def test_scripts_set_no_sided_styles():
    found = []
    for path in project_files(".js"):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(SRC)}: {match[0]}" for match in SCRIPT_STYLE.finditer(text)]

    assert found == []


def test_no_stylesheet_or_template_downloads_a_font():
    sources = served_stylesheets()
    sources += [
        (str(path), path.read_text(encoding="utf-8")) for path in project_files(".css", ".html")
    ]

    found = [
        f"{path}: {match[0]}" for path, text in sources for match in FONT_DOWNLOAD.finditer(text)
    ]

    assert len(sources) > 50
    assert found == []


def test_font_download_check_finds_faces_and_font_services():
    css = (
        "@font-face { font-family: X; src: url(/static/x.woff2) format('woff2'); }"
        '<link href="https://fonts.googleapis.com/css2?family=Noto+Sans+Arabic">'
    )

    assert [match[0] for match in FONT_DOWNLOAD.finditer(css)] == [
        "@font-face",
        "url(/static/x.woff2",
        "fonts.googleapis.",
    ]


def test_font_stacks_end_with_a_generic_family():
    stacks = [
        (path.name, value)
        for path in project_files(".css")
        for name, value in declarations(path.read_text(encoding="utf-8"))
        if name == "font-family"
    ]

    assert stacks
    assert [
        (name, value)
        for name, value in stacks
        if value.split(",")[-1].strip() not in GENERIC_FAMILIES
    ] == []


def test_site_font_stack_covers_arabic_and_chinese_on_every_system():
    css = (SRC / "common" / "static" / "lc" / "css" / "site.css").read_text(encoding="utf-8")
    root = next(value for name, value in declarations(css) if name == "font-family")
    families = [family.strip().strip('"') for family in root.split(",")]

    # Android and Linux (Noto), macOS and iOS (Geeza Pro, PingFang), Windows (Segoe UI,
    # Tahoma for Arabic; Microsoft YaHei for Chinese).
    assert {"Noto Sans Arabic", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei"} <= set(
        families
    )
    assert {"Geeza Pro", "Segoe UI", "Tahoma"} <= set(families)
