"""Session policy: idle time-out, forced password change, second factor for those who need it."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

ALWAYS_ALLOWED = ("/static/", "/i18n/", "/accounts/logout/", "/accounts/login/", "/p/", "/healthz")


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "_auth_user_id" in request.session:
            now = int(time.time())
            last = request.session.get("last_activity", now)
            if now - last > settings.SESSION_IDLE_TIMEOUT:
                from zhengshe.audit.services import record_event

                record_event("logout.idle", user, user=user)
                logout(request)
                messages.info(request, _("您已超过 %(m)d 分钟未操作，为安全起见已自动退出，请重新登录。") % {
                    "m": settings.SESSION_IDLE_TIMEOUT // 60})
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            request.session["last_activity"] = now
            redirect_to = self._required_step(request, user)
            if redirect_to and not request.path.startswith(ALWAYS_ALLOWED) and request.path != redirect_to:
                if request.path.startswith("/api/"):
                    from django.http import JsonResponse

                    from zhengshe.core.errors import error_body

                    return JsonResponse(error_body(_("请先在网页上完成首次登录设置（修改密码或绑定动态口令）。"),
                                                   "setup_required"), status=403)
                return redirect(redirect_to)
        return self.get_response(request)

    @staticmethod
    def _required_step(request, user) -> str | None:
        from .services import totp_required

        if user.must_change_password:
            return reverse("accounts:password_change")
        max_age = settings.PASSWORD_MAX_AGE_DAYS
        if max_age and user.password_changed_at and (time.time() - user.password_changed_at.timestamp()) > max_age * 86400:
            return reverse("accounts:password_change")
        if not user.totp_enabled and totp_required(user):
            return reverse("accounts:totp_setup")
        return None
