"""Django's admin, open to superusers only (staff flags grant nothing here).

Everything done through it goes through model ``save``/``delete``, so the audit trail records it with
source "admin". Audit entries are registered read-only (see ``zhengshe.audit.admin``).
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class SuperuserAdminSite(admin.AdminSite):
    site_header = _("政社互动信息系统 · 后台管理")
    site_title = _("政社后台管理")
    index_title = _("后台管理（仅限超级管理员）")

    def has_permission(self, request):
        user = request.user
        return bool(user.is_active and user.is_superuser)

    def login(self, request, extra_context=None):
        """Sign-in always goes through the application's own login (lock-out, second factor, audit)."""
        from django.contrib.auth.views import redirect_to_login
        from django.http import HttpResponseForbidden

        if request.user.is_authenticated:
            return HttpResponseForbidden(_("后台管理仅限超级管理员使用。"))
        return redirect_to_login(request.GET.get("next") or request.get_full_path(), "accounts:login")


class ZhengsheAdminConfig(AdminConfig):
    default_site = "zhengshe.core.admin_site.SuperuserAdminSite"
