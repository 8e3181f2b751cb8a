"""The audit trail in Django's admin: read only (no add, change or delete), superusers only."""

from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("seq", "created_at", "actor_name", "source", "ip", "action", "object_type", "object_repr", "success")
    list_filter = ("source", "success")
    search_fields = ("actor_name", "object_repr", "action", "request_id")
    date_hierarchy = "created_at"
    ordering = ("-seq",)
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
