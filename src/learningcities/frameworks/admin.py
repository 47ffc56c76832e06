from django.contrib import admin

from .models import Framework


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    """Frameworks are read-only here: they are loaded from files and never change."""

    list_display = ["code", "version", "name", "language", "is_official_wording", "loaded_at"]
    list_filter = ["code", "is_official_wording"]
    readonly_fields = [field.name for field in Framework._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
