"""The accounts in the Django admin, for operators.

Changes to people go through the domain (so the activity log records them);
organisations, affiliations and invitations are read-only here, changed in the
secretariat's workspace. The admin's own login page is replaced by the site's,
which asks for the second factor.
"""

from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .domain.errors import AccountsError
from .domain.invitations import revoke_invitation
from .domain.users import update_account_flags
from .models import Affiliation, Invitation, Organisation, User


def _site_login(request, extra_context=None):
    """Send the admin's login to the site's login, which applies MFA and lockout."""
    if request.user.is_authenticated:
        # Logged in without staff rights: the admin's own page says so.
        return admin.AdminSite.login(admin.site, request, extra_context)
    return redirect_to_login(
        request.GET.get("next") or reverse("admin:index"), reverse("account_login")
    )


admin.site.login = _site_login


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    fields = ["organisation", "role", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "is_active", "is_superuser", "is_demo", "last_login"]
    list_filter = ["is_active", "is_superuser", "is_staff", "is_demo", "affiliations__role"]
    search_fields = ["email", "name"]
    ordering = ["email"]
    fields = [
        "email",
        "name",
        "language",
        "nationality",
        "is_active",
        "is_staff",
        "is_superuser",
        "is_demo",
        "last_login",
        "date_joined",
    ]
    readonly_fields = ["email", "language", "nationality", "is_demo", "last_login", "date_joined"]
    inlines = [AffiliationInline]

    def has_add_permission(self, request):
        return False  # people join through invitations

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: the activity log keeps its actors

    def save_model(self, request, obj, form, change):
        try:
            update_account_flags(
                obj,
                actor=request.user,
                **{field: form.cleaned_data[field] for field in form.changed_data},
            )
        except AccountsError as error:
            self.message_user(request, error.message, messages.ERROR)


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "country", "city", "is_active"]
    list_filter = ["kind", "is_active", "country__region"]
    search_fields = ["name", "city__name", "country__name"]
    list_select_related = ["country", "city"]


@admin.register(Affiliation)
class AffiliationAdmin(ReadOnlyAdmin):
    list_display = ["user", "role", "organisation", "created_at"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__email", "user__name", "organisation__name"]
    list_select_related = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "state"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["email", "organisation__name"]
    list_select_related = ["organisation"]
    exclude = ["token_hash"]
    actions = ["revoke"]

    @admin.display(description=_("state"))
    def state(self, obj: Invitation) -> str:
        if obj.accepted_at:
            return _("accepted")
        if obj.revoked_at:
            return _("withdrawn")
        return _("pending") if obj.is_pending else _("expired")

    @admin.action(description=_("Withdraw the selected invitations"))
    def revoke(self, request, queryset):
        for invitation in queryset:
            try:
                revoke_invitation(invitation, actor=request.user)
            except AccountsError as error:
                self.message_user(request, f"{invitation}: {error.message}", messages.WARNING)

    def has_change_permission(self, request, obj=None):
        # Needed for the action; the form itself shows no editable field.
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Invitation._meta.fields if f.name != "token_hash"]
