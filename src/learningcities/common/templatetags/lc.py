import rules
from django import template
from django.conf import settings
from django.urls import get_script_prefix, reverse, translate_url
from django.utils.translation import get_language, get_language_info

register = template.Library()


# Memos in each process of what the page frame computes on every page: the
# same path and language always give the same URLs (the URLconf is fixed
# while the process runs). Bounded: cleared when full (paths carry queries).
_MEMO_MAX_ENTRIES = 1024
_language_links: dict[tuple, tuple] = {}
_site_urls: dict[tuple, dict] = {}

# The named URLs of the page frame (base.html and the workspace menu).
SITE_URL_NAMES = {
    "home": "network:home",
    "directory": "network:directory",
    "map": "network:map",
    "countries": "network:countries",
    "cohorts": "network:cohorts",
    "statistics": "network:statistics",
    "join": "calls:join",
    "login": "account_login",
    "logout": "account_logout",
    "profile": "accounts:profile",
    "language": "accounts:language",
    "workspace": "workspace:home",
    "applications": "calls:city-applications",
    "endorsements": "calls:endorsement-queue",
    "organisations": "workspace:organisations",
    "people": "workspace:people",
    "invitations": "workspace:invitations",
    "activity": "workspace:activity",
    "outbox": "common:outbox",
    "mail_templates": "common:mail-templates",
    "jobs": "common:jobs",
    "calls": "calls:secretariat-calls",
}


def _remember(memo: dict, key, value):
    if len(memo) >= _MEMO_MAX_ENTRIES:
        memo.clear()
    memo[key] = value
    return value


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """Return the page's URL in every language, for the language switcher."""
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = get_language()
    key = (path, current, get_script_prefix())
    links = _language_links.get(key)
    if links is None:
        links = _remember(
            _language_links,
            key,
            tuple(
                {
                    "code": code,
                    "name_local": get_language_info(code)["name_local"],
                    "url": translate_url(path, code),
                    "current": code == current,
                }
                for code, _name in settings.LANGUAGES
            ),
        )
    return list(links)


@register.simple_tag
def site_urls() -> dict[str, str]:
    """Return the URLs of the page frame's links by short name (``SITE_URL_NAMES``), in the
    active language; reversed once per language in each process."""
    key = (get_language(), get_script_prefix())
    urls = _site_urls.get(key)
    if urls is None:
        urls = _remember(
            _site_urls, key, {short: reverse(name) for short, name in SITE_URL_NAMES.items()}
        )
    return urls


@register.simple_tag
def permitted(perm: str, user, obj=None) -> bool:
    """Tell whether ``user`` has the django-rules permission ``perm`` (on ``obj``).

    Asks the rules directly rather than ``user.has_perm``, which would also
    load the person's Django model permissions (two queries) for nothing.
    """
    return rules.has_perm(perm, user, obj)
