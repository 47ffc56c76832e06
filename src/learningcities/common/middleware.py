from django.conf import settings
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header


def language_from_accept_language(header: str) -> str:
    """Return the interface language the ``Accept-Language`` header prefers most.

    The default language when it names none of them (or is empty).
    """
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


class ApiLanguageMiddleware:
    """Let API clients choose the language of names and labels with Accept-Language.

    Pages carry their language in the URL (i18n_patterns), which makes
    LocaleMiddleware use the default language for every unprefixed path; the
    API has no prefix, so it negotiates from the request as HTTP intends: from
    the header alone, not the language cookie a browser may carry from the
    pages, so an answer depends on nothing its ``Vary: Accept-Language`` does
    not name.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            language = language_from_accept_language(request.headers.get("Accept-Language", ""))
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
