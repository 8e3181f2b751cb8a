"""Lock-out after repeated failures, per account and per source address (STANDARDS §4.3)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import LoginAttempt


def _window_start():
    return timezone.now() - timedelta(minutes=settings.LOCKOUT_MINUTES)


def _failures(**lookup) -> int:
    since = _window_start()
    last_success = (
        LoginAttempt.objects.filter(success=True, created_at__gte=since, **lookup)
        .order_by("-created_at").values_list("created_at", flat=True).first()
    )
    qs = LoginAttempt.objects.filter(success=False, created_at__gte=last_success or since, **lookup)
    return qs.count()


def is_locked(username: str, ip: str) -> bool:
    threshold = settings.LOCKOUT_THRESHOLD
    if username and _failures(username=username.lower()) >= threshold:
        return True
    return bool(ip) and _failures(ip=ip) >= getattr(settings, "LOCKOUT_IP_THRESHOLD", threshold)


def note_attempt(username: str, ip: str, success: bool) -> None:
    LoginAttempt.objects.create(username=(username or "").lower()[:150], ip=ip or "", success=success)
