"""Read-only views of the register for operators.

Changes go through the domain (import-members, and later the secretariat's
workspace), so the admin only shows what is there.
"""

from django.contrib import admin

from .models import City, Cohort, Country, Membership


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Country)
class CountryAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "region", "unesco_status"]
    list_filter = ["region", "unesco_status"]
    search_fields = ["code", "name"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    can_delete = False
    fields = ["joined_on", "joined_precision", "member_from", "cohort", "status", "ended_on"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(City)
class CityAdmin(ReadOnlyAdmin):
    list_display = ["name", "country", "population", "latitude", "longitude", "is_synthetic"]
    list_filter = ["country__region", "is_synthetic", "location_source"]
    search_fields = ["name", "local_name", "search_text"]
    list_select_related = ["country"]
    inlines = [MembershipInline]


@admin.register(Cohort)
class CohortAdmin(ReadOnlyAdmin):
    list_display = ["name", "announced_on", "is_synthetic"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["city", "joined_on", "joined_precision", "cohort", "status", "ended_on"]
    list_filter = ["status", "cohort"]
    list_select_related = ["city", "cohort"]
    search_fields = ["city__name"]
