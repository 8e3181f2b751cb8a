"""Lock-out (STANDARDS §4.3): 5 failures → the account for 30 minutes; 50 from one address in 15 minutes → the address;
released after the window or by a security administrator."""

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


def test_one_person_mistyping_five_times_does_not_lock_a_colleague_on_the_same_address(world, sign_in):
    # Given a town worker who mistypes their password five times from the township office's shared address
    for _ in range(5):
        sign_in(world.town_staff, "Wrong#pass1", ip="10.3.3.3")
    # Then their own account is locked …
    _c, response = sign_in(world.town_staff, PASSWORD, ip="10.3.3.3")
    assert "锁定" in response.content.decode()
    # … but a colleague behind the same address signs in
    _c, response = sign_in(world.village_staff, PASSWORD, ip="10.3.3.3")
    assert response.status_code == 302 and response["Location"] == "/"


def test_fifty_failures_in_fifteen_minutes_lock_the_address_for_every_account(world, sign_in, settings):
    # Given 50 failures from one address in the window, each against a different (even unknown) account
    assert (settings.LOCKOUT_IP_THRESHOLD, settings.LOCKOUT_IP_MINUTES) == (50, 15)
    for n in range(49):
        LoginAttempt.objects.create(username=f"guess{n}", ip="10.3.3.3", success=False)
    _c, response = sign_in(world.sibling_staff, "Wrong#pass1", ip="10.3.3.3")
    # When a real user signs in from that address with the right password, then it is refused
    _c, response = sign_in(world.village_staff, PASSWORD, ip="10.3.3.3")
    assert "锁定" in response.content.decode()
    # From another address they get in; and after the 15 minutes the address is free again by itself
    _c, response = sign_in(world.village_staff, PASSWORD, ip="10.3.3.4")
    assert response.status_code == 302
    _age_attempts(16)
    _c, response = sign_in(world.town_staff, PASSWORD, ip="10.3.3.3")
    assert response.status_code == 302


def test_a_security_administrator_releases_a_locked_address(world, sign_in, client_for, settings):
    for n in range(settings.LOCKOUT_IP_THRESHOLD):
        LoginAttempt.objects.create(username=f"guess{n}", ip="10.4.4.4", success=False)
    # A village worker may not see or release it
    village = client_for(world.village_staff)
    assert village.get(reverse("accounts:address_list")).status_code == 403
    assert village.post(reverse("accounts:address_unlock"), {"ip": "10.4.4.4"}).status_code == 403
    # The security administrator finds it from the user list and releases it, audited
    admin = client_for(world.security_admin)
    assert reverse("accounts:address_list") in admin.get(reverse("accounts:user_list")).content.decode()
    page = admin.get(reverse("accounts:address_list")).content.decode()
    assert "10.4.4.4" in page and "50" in page
    response = admin.post(reverse("accounts:address_unlock"), {"ip": "10.4.4.4"}, follow=True)
    assert "已解除地址 10.4.4.4 的锁定。" in response.content.decode()
    assert AuditEntry.objects.filter(action="accounts.address_unlock", object_repr="10.4.4.4").exists()
    assert "10.4.4.4" not in admin.get(reverse("accounts:address_list")).content.decode()
    _c, response = sign_in(world.village_staff, PASSWORD, ip="10.4.4.4")
    assert response.status_code == 302
    # Releasing an address that is not locked says so
    response = admin.post(reverse("accounts:address_unlock"), {"ip": "10.4.4.5"}, follow=True)
    assert "地址 10.4.4.5 当前未被锁定。" in response.content.decode()


def test_x_forwarded_for_counts_only_behind_our_proxy_and_only_its_own_hop(rf, settings):
    from zhengshe.core.middleware import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.TRUST_X_FORWARDED_FOR = False
    assert client_ip(request) == "10.0.0.2"  # a client cannot choose the address it is counted under
    settings.TRUST_X_FORWARDED_FOR = True
    assert client_ip(request) == "203.0.113.9"  # the hop our proxy appended, not the forged left one


def test_the_proxy_setting_comes_from_zhengshe_behind_proxy():
    import os
    import subprocess
    import sys

    code = "import config.settings.base as s; print(s.TRUST_X_FORWARDED_FOR)"
    env = {**os.environ, "ZHENGSHE_BEHIND_PROXY": "1"}
    assert subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.strip() == "True"
    env.pop("ZHENGSHE_BEHIND_PROXY")
    assert subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.strip() == "False"


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
