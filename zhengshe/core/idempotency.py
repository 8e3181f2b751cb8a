"""One record per intent: form submission tokens and the API's ``Idempotency-Key``, in one middleware.

Forms: every form page that creates something renders ``{% submission_token %}`` (``core/form.html`` and the other
shared form templates do), a hidden field with a fresh random token. The first POST carrying it claims the token
(a row in ``IdempotencyKey``, unique per user) and runs; if it ends in a redirect (the record was made), the
redirect is kept. A second POST with the same token — a double click, a reload of the result, twenty at once —
runs nothing: it is sent to the first one's result with the notice 「该表单已提交，未重复创建」. A POST that did
not succeed (the form shown again with its errors) releases the token, so correcting the form and sending it again
works.

API: a POST with an ``Idempotency-Key`` header is run once per (key, user); the same key with the same request
(method, path, query and body) is answered with the stored first response (``Idempotent-Replayed: true``); with a
different request, 422 and a Chinese message. Only a 2xx answer is kept: after an error the key may be used again.

Concurrent duplicates wait (up to ``IDEMPOTENCY_WAIT_SECONDS``) for the first to finish, then get its outcome.
Keys expire after ``IDEMPOTENCY_KEY_HOURS``: an expired key is treated as new, and ``zhengshe idempotency prune``
deletes the old rows.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import error_body
from .models import IdempotencyKey

FORM_FIELD = "_submission_token"
API_HEADER = "HTTP_IDEMPOTENCY_KEY"
MAX_KEY_LENGTH = 255
_POLL_SECONDS = 0.05
STALE_AFTER = timedelta(minutes=10)  # longer than any request may run (gunicorn's timeout is far shorter)
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def new_token() -> str:
    """A fresh submission token for one rendering of a form."""
    return secrets.token_urlsafe(24)


def prune(now=None) -> int:
    """Delete expired keys; returns how many."""
    deleted, _by_model = IdempotencyKey.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


def _ttl() -> timedelta:
    return timedelta(hours=getattr(settings, "IDEMPOTENCY_KEY_HOURS", 24))


def _claim(user, key: str, kind: str, fingerprint: str) -> tuple[IdempotencyKey | None, bool]:
    """Insert the key (→ (row, True)); or the row someone else claimed (→ (row, False)); (None, False) if that
    row vanished meanwhile (its request failed and released it, or it had expired): try again."""
    now = timezone.now()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(user=user, key=key, kind=kind, fingerprint=fingerprint,
                                                 expires_at=now + _ttl()), True
    except IntegrityError:
        pass
    row = IdempotencyKey.objects.filter(user=user, key=key).first()
    if row is not None and row.expires_at <= now:
        IdempotencyKey.objects.filter(pk=row.pk, expires_at__lte=now).delete()
        return None, False
    if row is not None and row.state == IdempotencyKey.State.RUNNING and row.created_at < now - STALE_AFTER:
        # its request died with its worker (killed mid-request): release the key rather than block it for a day
        IdempotencyKey.objects.filter(pk=row.pk, state=IdempotencyKey.State.RUNNING).delete()
        return None, False
    return row, False


def _run_once(request, get_response, *, user, key, kind, fingerprint, keep, replay, busy):
    """Claim ``key`` and run the request, or wait for whoever claimed it and ``replay`` their outcome."""
    deadline = time.monotonic() + getattr(settings, "IDEMPOTENCY_WAIT_SECONDS", 10)
    while True:
        row, mine = _claim(user, key, kind, fingerprint)
        if mine:
            break
        if row is not None and row.state == IdempotencyKey.State.DONE:
            return replay(row)
        if row is not None and row.fingerprint != fingerprint:
            return replay(row)  # a different request under a running key: refused at once, no need to wait
        if time.monotonic() > deadline:
            return busy()
        time.sleep(_POLL_SECONDS)
    try:
        response = get_response(request)
    except BaseException:
        IdempotencyKey.objects.filter(pk=row.pk).delete()
        raise
    kept = keep(response)
    if kept is None:
        IdempotencyKey.objects.filter(pk=row.pk).delete()  # nothing was made: the key may be used again
    else:
        IdempotencyKey.objects.filter(pk=row.pk).update(state=IdempotencyKey.State.DONE, **kept)
    return response


def _fingerprint(request, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.META.get("QUERY_STRING", ""),
                 request.content_type or ""):
        digest.update(part.encode() + b"\0")
    digest.update(body)
    return digest.hexdigest()


# ---- forms ----------------------------------------------------------------------------------------------------

def _form(request, get_response, token: str):
    def keep(response):
        if response.status_code in (301, 302, 303) and response.get("Location"):
            return {"status_code": response.status_code, "location": response["Location"]}
        return None

    def replay(row):
        messages.info(request, _("该表单已提交，未重复创建"))
        return HttpResponseRedirect(row.location)

    def busy():
        return HttpResponse(_("该表单正在提交，请稍候刷新页面查看结果，不要重复提交。"), status=409,
                            content_type="text/plain; charset=utf-8")

    return _run_once(request, get_response, user=request.user, key=token, kind=IdempotencyKey.Kind.FORM,
                     fingerprint="form", keep=keep, replay=replay, busy=busy)


# ---- API ------------------------------------------------------------------------------------------------------

def _api_user(request):
    """Who is calling: the session's user, or the API token's (DRF authenticates only later, in the view)."""
    if request.user.is_authenticated:
        return request.user
    from rest_framework.exceptions import APIException

    from .authentication import AuditedTokenAuthentication

    try:
        result = AuditedTokenAuthentication().authenticate(request)
    except APIException:
        return None  # the view answers 401 itself
    return result[0] if result else None


def _request_body(request) -> bytes:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if limit is not None and length > limit:  # a large upload: its length stands for it (reading it would fail)
        return f"length:{length}".encode()
    return request.body


def _api(request, get_response, key: str):
    if len(key) > MAX_KEY_LENGTH:
        return JsonResponse(error_body(_("Idempotency-Key 过长：最多 %(n)d 个字符。") % {"n": MAX_KEY_LENGTH},
                                       "invalid"), status=400)
    user = _api_user(request)
    if user is None:
        return get_response(request)
    fingerprint = _fingerprint(request, _request_body(request))

    def keep(response):
        if 200 <= response.status_code < 300:
            return {"status_code": response.status_code, "content_type": response.get("Content-Type", ""),
                    "body": response.content}
        return None

    def replay(row):
        if row.fingerprint != fingerprint:
            return JsonResponse(error_body(
                _("该 Idempotency-Key 已用于另一个请求（内容不同），未执行本次请求。请为新的请求使用新的键。"),
                "idempotency_key_reused"), status=422)
        response = HttpResponse(bytes(row.body), status=row.status_code, content_type=row.content_type or None)
        response["Idempotent-Replayed"] = "true"
        return response

    def busy():
        return JsonResponse(error_body(_("使用该 Idempotency-Key 的请求仍在处理中，请稍后重试。"), "conflict"),
                            status=409)

    return _run_once(request, get_response, user=user, key=key, kind=IdempotencyKey.Kind.API,
                     fingerprint=fingerprint, keep=keep, replay=replay, busy=busy)


class IdempotencyMiddleware:
    """Runs each form submission token and each API ``Idempotency-Key`` once (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST":
            return self.get_response(request)
        if request.path.startswith("/api/"):
            key = request.META.get(API_HEADER, "").strip()
            return _api(request, self.get_response, key) if key else self.get_response(request)
        if request.user.is_authenticated and request.content_type in _FORM_TYPES:
            token = request.POST.get(FORM_FIELD, "").strip()
            if token and len(token) <= MAX_KEY_LENGTH:
                return _form(request, self.get_response, token)
        return self.get_response(request)
