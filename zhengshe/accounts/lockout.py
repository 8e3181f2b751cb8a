"""Lock-out after repeated failures, per account and per source address (STANDARDS §4.3).

An account is locked once it has ``LOCKOUT_THRESHOLD`` (5) failed attempts (password or second factor)
within the last ``LOCKOUT_MINUTES`` (30) since its last success. An address — often a whole township office
behind one NAT — is locked only by ``LOCKOUT_IP_THRESHOLD`` (50) failures within ``LOCKOUT_IP_MINUTES`` (15),
whatever the accounts tried (a success does not clear an address, or one valid account would let an attacker
keep guessing others), so one person mistyping five times locks their own account, not their colleagues.
While locked, attempts are refused without being checked or counted, so the lock lifts by itself when the
window has passed. A security administrator can release an account (``release``) or an address
(``release_address``) early.

Attempt rows are needed only inside the window; ``prune`` removes those older than
``LOGIN_ATTEMPT_RETENTION_DAYS`` (30) and never any inside the window. Every failure is also in the
audit log (``login.failed``, ``login.totp_failed``, ``login.locked``), which keeps it ≥ 180 days.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import LoginAttempt

RELEASE_IP = "release"  # marks a success row written by an administrator's release of an account
RELEASE_USER = "#release"  # marks a success row written by an administrator's release of an address (no username
#                            can hold "#")


def _window_start():
    return timezone.now() - timedelta(minutes=settings.LOCKOUT_MINUTES)


def _address_window_start():
    return timezone.now() - timedelta(minutes=settings.LOCKOUT_IP_MINUTES)


def account_failures(username: str) -> int:
    since = _window_start()
    username = (username or "").lower()
    last_success = (
        LoginAttempt.objects.filter(username=username, success=True, created_at__gte=since)
        .order_by("-created_at").values_list("created_at", flat=True).first()
    )
    return LoginAttempt.objects.filter(username=username, success=False, created_at__gte=last_success or since).count()


def ip_failures(ip: str) -> int:
    """Failures from one address inside its window, counted from its last release by an administrator."""
    if not ip:
        return 0
    since = _address_window_start()
    released = (LoginAttempt.objects.filter(ip=ip, username=RELEASE_USER, success=True, created_at__gte=since)
                .order_by("-created_at").values_list("created_at", flat=True).first())
    return LoginAttempt.objects.filter(ip=ip, success=False, created_at__gte=released or since).count()


def is_account_locked(username: str) -> bool:
    return bool(username) and account_failures(username) >= settings.LOCKOUT_THRESHOLD


def is_ip_locked(ip: str) -> bool:
    return bool(ip) and ip_failures(ip) >= settings.LOCKOUT_IP_THRESHOLD


def is_locked(username: str, ip: str) -> bool:
    return is_account_locked(username) or is_ip_locked(ip)


def note_attempt(username: str, ip: str, success: bool) -> None:
    LoginAttempt.objects.create(username=(username or "").lower()[:150], ip=ip or "", success=success)


def release(username: str) -> None:
    """Lift an account's lock now (the caller audits it)."""
    note_attempt(username, RELEASE_IP, True)


def release_address(ip: str) -> None:
    """Lift an address's lock now (the caller audits it)."""
    LoginAttempt.objects.create(username=RELEASE_USER, ip=ip[:64], success=True)


def locked_addresses() -> list[dict]:
    """The addresses locked now, with their failures in the window and the accounts tried (one query)."""
    from django.db.models import Count, Max

    since = _address_window_start()
    rows = (LoginAttempt.objects.filter(success=False, created_at__gte=since).exclude(ip="")
            .values("ip").annotate(failures=Count("id"), accounts=Count("username", distinct=True),
                                   last=Max("created_at")).order_by("-failures"))
    candidates = [r for r in rows if r["failures"] >= settings.LOCKOUT_IP_THRESHOLD]
    return [r for r in candidates if is_ip_locked(r["ip"])]


def prune(*, older_than_days: int | None = None, batch: int = 5000) -> int:
    """Delete attempts older than the retention (never one inside the lock-out window); the number deleted.

    In batches, so a large backlog never holds the database (SQLite: one writer) for long.
    """
    days = settings.LOGIN_ATTEMPT_RETENTION_DAYS if older_than_days is None else older_than_days
    keep = max(timedelta(days=max(days, 0)), timedelta(minutes=settings.LOCKOUT_MINUTES))
    old = LoginAttempt.objects.filter(created_at__lt=timezone.now() - keep)
    deleted = 0
    while ids := list(old.values_list("pk", flat=True)[:batch]):
        deleted += LoginAttempt.objects.filter(pk__in=ids).delete()[0]
    return deleted
