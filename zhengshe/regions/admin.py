from django.contrib import admin

from .models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """Regions in Django's admin (superusers only); the path is recomputed on save, deletion is refused."""

    list_display = ("code", "name", "level", "parent", "urban_rural_code", "population", "households", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    readonly_fields = ("path", "depth")

    def has_delete_permission(self, request, obj=None):
        return False
