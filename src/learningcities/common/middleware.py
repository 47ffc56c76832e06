from django.utils import translation


class ApiLanguageMiddleware:
    """Let API clients choose the language of names with Accept-Language.

    Pages carry their language in the URL (i18n_patterns), which makes
    LocaleMiddleware use the default language for every unprefixed path; the
    API has no prefix, so it negotiates from the request as HTTP intends.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
