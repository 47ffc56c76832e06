"""The language switcher of a logged-in person: the choice is kept on their profile.

Anonymous visitors switch with plain links to the same page in another
language (``lc.language_links``): public pages are cached and carry their
language in the URL, so they read no cookie. A logged-in person's pages are
not cached; their switcher posts here, and the language is saved on their
profile, so the next login opens in it (``AccountAdapter.get_login_redirect_url``)
and mail reaches them in it.
"""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from learningcities.common.languages import language_codes

from ..domain.users import update_profile


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """Show the page ``next`` in the chosen language and remember the choice.

    Django's ``set_language`` sets the language cookie and answers the
    redirection to the same page in that language; for a logged-in person the
    language is also saved on their profile. A language not offered is refused (400).
    """
    language = request.POST.get("language", "")
    if language not in language_codes():
        # Django's view would take any language it has a catalogue of ("de").
        return HttpResponseBadRequest(_("This language is not offered."))
    user = request.user
    if user.is_authenticated:
        update_profile(
            user,
            name=user.name,
            language=language,
            nationality=user.nationality,
            actor=user,
        )
    return set_language(request)
