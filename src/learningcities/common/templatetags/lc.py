import rules
from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """Return the page's URL in every language, for the language switcher."""
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = get_language()
    return [
        {
            "code": code,
            "name_local": get_language_info(code)["name_local"],
            "url": translate_url(path, code),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]


@register.simple_tag
def permitted(perm: str, user, obj=None) -> bool:
    """Tell whether ``user`` has the django-rules permission ``perm`` (on ``obj``).

    Asks the rules directly rather than ``user.has_perm``, which would also
    load the person's Django model permissions (two queries) for nothing.
    """
    return rules.has_perm(perm, user, obj)
