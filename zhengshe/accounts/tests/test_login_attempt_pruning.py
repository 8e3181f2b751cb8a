"""Login-attempt rows do not grow forever: `zhengshe prune_login_attempts` (or the db_worker job) removes those older
than LOGIN_ATTEMPT_RETENTION_DAYS, never one inside the lock-out window, and lock-out works as before."""

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from zhengshe.accounts import lockout
from zhengshe.accounts.models import LoginAttempt
from zhengshe.accounts.tasks import prune_login_attempts
from zhengshe.audit.models import AuditEntry
from zhengshe.testing import PASSWORD


def _attempt(username, ip, success, *, ago):
    attempt = LoginAttempt.objects.create(username=username, ip=ip, success=success)
    LoginAttempt.objects.filter(pk=attempt.pk).update(created_at=timezone.now() - ago)
    return attempt.pk


def test_old_attempts_go_recent_ones_stay_and_the_clean_up_is_audited(db):
    old = [_attempt("a", "10.0.0.1", False, ago=timedelta(days=d)) for d in (31, 45, 400)]
    kept = [_attempt("a", "10.0.0.1", False, ago=timedelta(days=29)),
            _attempt("b", "10.0.0.2", True, ago=timedelta(days=1)),
            _attempt("c", "10.0.0.3", False, ago=timedelta(minutes=1))]
    out = StringIO()
    call_command("prune_login_attempts", stdout=out)
    assert "已清理 3 条" in out.getvalue()
    assert set(LoginAttempt.objects.values_list("pk", flat=True)) == set(kept)
    assert not LoginAttempt.objects.filter(pk__in=old).exists()
    entry = AuditEntry.objects.get(action="accounts.login_attempts_pruned")
    assert entry.source == "command" and entry.after == {"older_than_days": 30, "deleted": 3}


def test_the_window_the_lock_out_needs_is_never_pruned(world, sign_in, settings):
    # Given an account locked by five failures a minute ago, and an address locked the same way
    settings.LOCKOUT_IP_THRESHOLD = 5
    user = world.town_staff
    for _ in range(5):
        sign_in(user, "Wrong#pass1", ip="10.3.0.1")
    LoginAttempt.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    _attempt(user.username, "10.3.0.1", False, ago=timedelta(days=60))
    assert lockout.is_account_locked(user.username) and lockout.is_ip_locked("10.3.0.1")
    # When pruning with the shortest retention there is (0 days: everything outside the lock-out window)
    call_command("prune_login_attempts", "--days", "0", stdout=StringIO())
    # Then only the 60-day-old row went; the account and the address are still locked, the right password refused
    assert LoginAttempt.objects.count() == 5
    assert lockout.is_account_locked(user.username) and lockout.is_ip_locked("10.3.0.1")
    client, response = sign_in(user, PASSWORD, ip="10.3.0.9")
    assert "锁定" in response.content.decode() and "_auth_user_id" not in client.session
    # And after the window the lock lifts and pruning takes the rest, as before.
    LoginAttempt.objects.update(created_at=timezone.now() - timedelta(minutes=settings.LOCKOUT_MINUTES + 1))
    client, response = sign_in(user, PASSWORD, ip="10.3.0.1")
    assert response.status_code == 302 and client.session.get("_auth_user_id") == str(user.pk)


def test_lock_out_counts_new_failures_after_pruning(world, sign_in):
    user = world.town_staff
    for days in (40, 50):
        _attempt(user.username, "10.4.0.1", False, ago=timedelta(days=days))
    call_command("prune_login_attempts", stdout=StringIO())
    assert not LoginAttempt.objects.exists()
    for i in range(5):
        sign_in(user, "Wrong#pass1", ip=f"10.4.1.{i}")
    _c, response = sign_in(user, PASSWORD, ip="10.4.1.99")
    assert "锁定" in response.content.decode()
    # Failures pruned from the attempt table are still in the audit trail.
    assert AuditEntry.objects.filter(action="login.failed", object_repr=user.username).count() == 5


def test_retention_comes_from_settings_and_the_job_runs_it(db, settings):
    settings.LOGIN_ATTEMPT_RETENTION_DAYS = 7
    gone = _attempt("a", "10.5.0.1", False, ago=timedelta(days=8))
    kept = _attempt("a", "10.5.0.1", False, ago=timedelta(days=6))
    result = prune_login_attempts.enqueue()  # test settings: the immediate backend runs it now
    assert result.return_value == {"deleted": 1}
    assert list(LoginAttempt.objects.values_list("pk", flat=True)) == [kept] and gone != kept
    assert AuditEntry.objects.get(action="accounts.login_attempts_pruned").source == "job"


def test_the_command_can_queue_the_job_for_the_db_worker(db):
    _attempt("a", "10.6.0.1", False, ago=timedelta(days=90))
    out = StringIO()
    call_command("prune_login_attempts", "--queue", stdout=out)
    assert "已加入后台任务队列" in out.getvalue()
    assert not LoginAttempt.objects.exists()  # the immediate backend of the tests ran it


def test_a_large_backlog_is_removed_in_batches(db):
    for _ in range(7):
        _attempt("a", "10.7.0.1", False, ago=timedelta(days=100))
    assert lockout.prune(batch=3) == 7 and not LoginAttempt.objects.exists()
