"""Session policy: idle time-out, absolute lifetime, forced password change, second factor for those who need it."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

ALWAYS_ALLOWED = ("/static/", "/i18n/", "/accounts/logout/", "/accounts/login/", "/p/", "/healthz")
# Write the activity time at most once a minute, so a busy page does not write its session on every request.
ACTIVITY_GRANULARITY = 60


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "_auth_user_id" in request.session:
            now = int(time.time())
            session = request.session
            last = session.get("last_activity", now)
            started = session.get("login_at")
            if started is None:
                session["login_at"] = started = now
            if now - last > settings.SESSION_IDLE_TIMEOUT:
                return self._sign_out(request, user, "logout.idle", _(
                    "您已超过 %(m)d 分钟未操作，为安全起见已自动退出，请重新登录。") % {
                    "m": settings.SESSION_IDLE_TIMEOUT // 60})
            if now - started > settings.SESSION_ABSOLUTE_LIFETIME:
                return self._sign_out(request, user, "logout.expired", _(
                    "登录已超过 %(h)d 小时，为安全起见请重新登录。") % {"h": settings.SESSION_ABSOLUTE_LIFETIME // 3600})
            if now - last >= ACTIVITY_GRANULARITY or "last_activity" not in session:
                session["last_activity"] = now
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
    def _sign_out(request, user, event, message):
        from zhengshe.audit.services import record_event

        record_event(event, user, user=user)
        logout(request)  # flushes: the session row is deleted
        messages.info(request, message)
        if request.path.startswith("/api/"):
            from django.http import JsonResponse

            from zhengshe.core.errors import error_body

            return JsonResponse(error_body(message, "session_expired"), status=401)
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}")

    @staticmethod
    def _required_step(request, user) -> str | None:
        from .services import password_expired, totp_required

        if user.must_change_password or password_expired(user):
            return reverse("accounts:password_change")
        if not user.totp_enabled and totp_required(user):
            return reverse("accounts:totp_setup")
        return None
