"""Submission rows of the calls lists, ready to show.

A list page shows dozens of rows; formatting their labels, dates and links
here, once per row, costs a fraction of the same work done by template
filters and tags, which resolve and look up their arguments on every use.
"""

import datetime as dt
import hashlib
from collections.abc import Callable

import rules
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from learningcities.common.memo import LocalMemo
from learningcities.common.views.shared_pages import CSRF_PLACEHOLDER, with_csrf_token
from learningcities.network.models.countries import localised_country_name

from ..enums import SubmissionState
from ..rules import answers_editable_in

# The format of the templates' ``date:"Y-m-d H:i"``, which is the same in every language.
MOMENT_FORMAT = "%Y-%m-%d %H:%M"
# How long a drawn fragment may stay in the cache (its key changes with any
# write it shows, so this only bounds the memory of old keys).
FRAGMENT_TIMEOUT = 3600
# A pk no URL prefix contains: each page reverses a row's URL once, then swaps the pk in.
_SENTINEL_PK = 987_654_321_987


def moment(value) -> str:
    """Return an aware datetime as ``YYYY-MM-DD HH:MM`` in the current time zone ("" for None)."""
    return timezone.localtime(value).strftime(MOMENT_FORMAT) if value else ""


def url_for_pk(url_name: str):
    """Return a function giving ``url_name``'s URL for a pk, reversing it once.

    ``url_name`` takes one ``pk`` argument (an ``int`` converter).
    """
    pattern = reverse(url_name, kwargs={"pk": _SENTINEL_PK})
    sentinel = str(_SENTINEL_PK)
    return lambda pk: pattern.replace(sentinel, str(int(pk)))


def rows_for_display(rows, url_name: str) -> list[dict]:
    """Return submission ``rows`` (dicts from ``domain.queries.dashboard``) ready to show.

    Adds ``url`` (``url_name`` with the row's pk), ``state_label``, ``extendable``
    (the city's deadline may be extended: ``rules.answers_editable_in``) and
    ``country_name`` in the active language, and ``submitted`` and ``due``
    (the submission and endorsement-deadline moments, "" when unset).
    """
    labels = {value: str(label) for value, label in SubmissionState.choices}
    url = url_for_pk(url_name)
    shown = []
    for row in rows:
        row["url"] = url(row["pk"])
        row["state_label"] = labels.get(row["state"], row["state"])
        row["extendable"] = answers_editable_in(row["state"])
        row["country_name"] = localised_country_name(row["country_id"])
        row["submitted"] = moment(row["submitted_at"])
        row["due"] = moment(row["endorsement_due_at"])
        shown.append(row)
    return shown


# What a fragment's build returns: its HTML and the moment it goes stale by
# itself (an endorsement deadline passing turns a row overdue), None if never.
Fragment = tuple[str, dt.datetime | None]


def cached_fragment(name: str, key: tuple, build: Callable[[dt.datetime], Fragment]) -> SafeString:
    """Return the HTML ``build(now)`` draws, from the cache while its key and moment hold.

    ``key`` must name everything the fragment shows that may change: the
    revisions read in this request (so a write is seen at once, in every
    process) and whose data it is (the countries of a queue, a call); the
    language and the time zone are added here. Never put per-person content
    (a CSRF token, a message, a name) in a fragment: it is shared by everyone
    with the same key. Read-only requests only.
    """
    raw = repr((name, key, get_language() or "", timezone.get_current_timezone_name()))
    cache_key = f"lc:calls:{name}:" + hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()
    now = timezone.now()
    entry = _local.get(cache_key) or cache.get(cache_key)
    if entry is not None and (entry[1] is None or now < entry[1]):
        _local.set(cache_key, entry)
        return mark_safe(entry[0])  # noqa: S308 - HTML drawn by our own templates
    html, stale_at = build(now)
    entry = (str(html), stale_at)
    cache.set(cache_key, entry, FRAGMENT_TIMEOUT)
    _local.set(cache_key, entry)
    return mark_safe(html)  # noqa: S308 - HTML drawn by our own templates


# The key names the revisions: a process may keep the entries it used (common.memo).
_local = LocalMemo()


def page_number(raw: str | None) -> int:
    """Return the page asked for as a number (1 unless ``raw`` is a plain number).

    Give the paginator this number, not ``raw``, and key a cached page on it:
    both then agree, and odd input does not multiply the keys.
    """
    if raw and raw.isascii() and raw.isdigit() and len(raw) < 7:
        return int(raw)
    return 1


# A stand-in for the person's name in the page frame, put in on the way out
# (the CSRF token likewise, see common.views.shared_pages).
USER_NAME_PLACEHOLDER = "lc-user-name-placeholder"
# What the frame (base.html, the workspace menu) shows or hides by permission.
FRAME_PERMISSIONS = (
    "accounts.view_workspace",
    "calls.view_city_applications",
    "calls.view_endorsement_queue",
    "reviews.view_jury_workspace",  # the header's Jury link (a rule reviews registers)
)


def cached_workspace_page(
    request: HttpRequest,
    template_name: str,
    name: str,
    key: tuple,
    build: Callable[[dt.datetime], Fragment],
    context: dict,
) -> HttpResponse:
    """Answer with ``template_name`` around the body ``build`` draws, the whole page cached.

    The page is shared by everyone with the same ``key``, permissions of the
    frame, address and language (``cached_fragment``): the person's name and
    CSRF token are put in on the way out. With a message waiting, the page is
    drawn afresh (the message shows once, to its person); so it is when the
    body is cached and the frame is not.
    """
    user = request.user
    flags = tuple(rules.has_perm(perm, user) for perm in FRAME_PERMISSIONS)
    if len(get_messages(request)):
        body = cached_fragment(name, key, build)
        return HttpResponse(render_to_string(template_name, {**context, "body": body}, request))

    def build_page(now: dt.datetime) -> Fragment:
        body, stale_at = build(now)
        page_context = {
            **context,
            "body": mark_safe(body),  # noqa: S308 - HTML drawn by our own templates
            "user_name": USER_NAME_PLACEHOLDER,
            "csrf_token": CSRF_PLACEHOLDER,
        }
        return render_to_string(template_name, page_context, request), stale_at

    html = cached_fragment(f"{name}-page", (key, flags, request.get_full_path()), build_page)
    html = html.replace(USER_NAME_PLACEHOLDER, escape(str(user)), 1)
    return HttpResponse(with_csrf_token(request, html))
