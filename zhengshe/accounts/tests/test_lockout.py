"""Lock-out (STANDARDS §4.3): 5 failures → 30 minutes, per account and per address; released after the window."""

from datetime import timedelta

import pyotp
from django.urls import reverse
from django.utils import timezone

from zhengshe.accounts.models import LoginAttempt
from zhengshe.audit.models import AuditEntry
from zhengshe.testing import PASSWORD


def _age_attempts(minutes):
    for attempt in LoginAttempt.objects.all():
        LoginAttempt.objects.filter(pk=attempt.pk).update(created_at=attempt.created_at - timedelta(minutes=minutes))


def test_five_failures_lock_the_account_even_with_the_right_password(world, sign_in):
    user = world.town_staff
    for i in range(5):
        _c, response = sign_in(user, "Wrong#pass1", ip=f"10.1.0.{i}")  # different addresses: the account counts
        assert "用户名或密码不正确" in response.content.decode()
    client, response = sign_in(user, PASSWORD, ip="10.1.0.99")
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login.failed", success=False).count() == 5
    assert AuditEntry.objects.filter(action="login.locked", object_repr=user.username).exists()


def test_the_lock_is_released_after_thirty_minutes(world, sign_in):
    user = world.town_staff
    for _ in range(5):
        sign_in(user, "Wrong#pass1")
    _c, response = sign_in(user, PASSWORD, ip="10.0.0.1")
    assert "锁定" in response.content.decode()
    _age_attempts(29)
    _c, response = sign_in(user, PASSWORD, ip="10.9.9.9")  # still within the window
    assert "锁定" in response.content.decode()
    _age_attempts(2)
    # Both the account and the address are free again, without anybody's intervention.
    client, response = sign_in(user, PASSWORD, ip="10.0.0.1")
    assert response.status_code == 302 and client.session.get("_auth_user_id") == str(user.pk)


def test_four_failures_then_success_resets_the_account_count(world, sign_in):
    user = world.town_staff
    for _ in range(4):
        sign_in(user, "Wrong#pass1", ip="10.2.0.1")
    client, response = sign_in(user, PASSWORD, ip="10.2.0.2")
    assert response.status_code == 302
    for _ in range(4):
        sign_in(user, "Wrong#pass1", ip="10.2.0.3")
    client, response = sign_in(user, PASSWORD, ip="10.2.0.4")
    assert response.status_code == 302


def test_five_failures_from_one_address_lock_that_address_for_every_account(world, sign_in):
    # Given five failures from one address, each against a different (even unknown) account
    for name in ["a1", "a2", "a3", "a4", "a5"]:
        from django.test import Client

        Client().post(reverse("accounts:login"), {"username": name, "password": "x"}, REMOTE_ADDR="10.3.3.3")
    # When a real user signs in from that address with the right password, then it is refused
    _c, response = sign_in(world.village_staff, PASSWORD, ip="10.3.3.3")
    assert "锁定" in response.content.decode()
    # From another address they get in.
    _c, response = sign_in(world.village_staff, PASSWORD, ip="10.3.3.4")
    assert response.status_code == 302


def test_wrong_second_factor_codes_count_toward_the_lock(world, sign_in):
    user = world.district_admin
    secret = user.totp_secret
    wrong = str((int(pyotp.TOTP(secret).now()) + 500_000) % 1_000_000).zfill(6)
    for _ in range(5):
        _c, response = sign_in(user, PASSWORD, code=wrong)
        assert "动态口令不正确" in response.content.decode()
    assert AuditEntry.objects.filter(action="login.totp_failed").count() == 5
    client, response = sign_in(user, PASSWORD, ip="10.4.4.4")
    assert "锁定" in response.content.decode() and "_auth_user_id" not in client.session


def test_security_admin_can_release_a_locked_account(world, sign_in, client_for):
    user = world.village_staff
    for _ in range(5):
        sign_in(user, "Wrong#pass1", ip="10.5.0.1")
    admin = client_for(world.security_admin)
    page = admin.get(reverse("accounts:user_detail", args=[user.pk]))
    assert "已锁定" in page.content.decode()
    assert admin.post(reverse("accounts:user_unlock", args=[user.pk])).status_code == 302
    assert AuditEntry.objects.filter(action="accounts.unlock", object_id=str(user.pk)).exists()
    _c, response = sign_in(user, PASSWORD, ip="10.5.0.2")
    assert response.status_code == 302


def test_lockout_window_uses_settings(world, sign_in, settings):
    settings.LOCKOUT_THRESHOLD = 2
    settings.LOCKOUT_IP_THRESHOLD = 100
    user = world.town_staff
    sign_in(user, "Wrong#pass1")
    sign_in(user, "Wrong#pass1")
    _c, response = sign_in(user, PASSWORD)
    assert "锁定" in response.content.decode()
    assert LoginAttempt.objects.filter(created_at__gte=timezone.now() - timedelta(minutes=1)).count() == 2
