"""Accounts in Django's admin (superusers only). Accounts and grants are never deleted: deactivate instead."""

from django.contrib import admin

from .models import RoleAssignment, User


class NoDeleteAdmin(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(User)
class UserAdmin(NoDeleteAdmin):
    list_display = ("username", "display_name", "home_region", "is_active", "is_superuser", "totp_enabled", "last_login")
    list_filter = ("is_active", "is_superuser", "totp_enabled")
    search_fields = ("username", "display_name")
    fields = ("username", "display_name", "phone", "home_region", "is_active", "must_change_password",
              "totp_enabled", "last_login", "date_joined")
    readonly_fields = ("last_login", "date_joined", "totp_enabled")
    raw_id_fields = ("home_region",)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(NoDeleteAdmin):
    list_display = ("user", "role", "region", "target_kind", "target_id", "department", "active", "granted_by", "created_at")
    list_filter = ("role", "active")
    search_fields = ("user__username", "department", "region__name", "region__code")
    raw_id_fields = ("user", "region", "granted_by")
