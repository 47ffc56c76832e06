"""The person's own profile: name, language, nationality and affiliations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext as _

from ..domain.queries.people import affiliations_for_user, has_totp, is_privileged
from ..domain.users import update_profile
from ..interfaces.forms import ProfileForm


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Show and change the person's profile; list the roles they hold."""
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            update_profile(
                user,
                name=form.cleaned_data["name"],
                language=form.cleaned_data["language"],
                nationality=form.cleaned_data["nationality"],
                actor=user,
            )
            # The page comes back in the language just chosen.
            language = form.cleaned_data["language"]
            with translation.override(language):
                messages.success(request, _("Your profile has been saved."))
            return redirect(translate_url(reverse("accounts:profile"), language))
    else:
        form = ProfileForm(
            initial={
                "name": user.name,
                "language": user.language,
                "nationality": user.nationality_id or "",
            }
        )
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "affiliations": list(affiliations_for_user(user)),
            "second_factor_required": is_privileged(user),
            "has_totp": has_totp(user),
        },
    )
