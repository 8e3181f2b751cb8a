"""Request id, client address and security headers for every response."""

import time
import uuid

from django.conf import settings
from django.db import connection

from . import context


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or — behind our reverse proxy (``ZHENGSHE_BEHIND_PROXY=1``) — the
    right-most X-Forwarded-For hop, the one the proxy itself appended (the left ones are the client's to forge)."""
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if hops:
            return hops[-1][:64]
    return request.META.get("REMOTE_ADDR", "")


class RequestContextMiddleware:
    """Gives each request an id (echoed in X-Request-ID) and opens its audit context."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = uuid.uuid4().hex
        source = "api" if request.path.startswith("/api/") else "admin" if request.path.startswith("/admin/") else "web"
        token = context.set_current(context.ActorContext(ip=client_ip(request), request_id=request.id, source=source))
        counting = settings.QUERY_COUNT_HEADER
        if counting:
            queries_before = len(connection.queries)
            connection.force_debug_cursor = True
            started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request.id
        if counting:
            response["X-Query-Count"] = str(len(connection.queries) - queries_before)
            response["X-Server-Time"] = f"{(time.perf_counter() - started) * 1000:.2f}"
            connection.force_debug_cursor = False
        return response


class SecurityHeadersMiddleware:
    """CSP on every response; no caching of pages that may show personal data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        if not request.path.startswith(settings.STATIC_URL):
            response.setdefault("Cache-Control", "no-store")
        return response


class ChineseFirstLocaleMiddleware:
    """Chinese first: zh-Hans unless the user chose another language (the language cookie set by /i18n/setlang/).

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an office PC or a phone
    set to English would silently get an English UI; here English is only ever an explicit choice.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        translation.deactivate()
        return response
