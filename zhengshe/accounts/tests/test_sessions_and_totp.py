"""Sessions (idle time-out, absolute lifetime, logout deletes the session) and the second factor."""

import time

import pyotp
import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from zhengshe.accounts import services
from zhengshe.audit.models import AuditEntry
from zhengshe.testing import PASSWORD


def _shift_session(client, **changes):
    session = client.session
    for key, delta in changes.items():
        session[key] = int(time.time()) - delta
    session.save()


def test_idle_for_more_than_thirty_minutes_signs_out(world, sign_in):
    client, _r = sign_in(world.village_staff)
    assert client.get(reverse("dashboards:home")).status_code == 200
    key = client.session.session_key
    _shift_session(client, last_activity=31 * 60)
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert not Session.objects.filter(session_key=key).exists()
    assert AuditEntry.objects.filter(action="logout.idle", object_id=str(world.village_staff.pk)).exists()


def test_activity_within_thirty_minutes_keeps_the_session(world, sign_in):
    client, _r = sign_in(world.village_staff)
    _shift_session(client, last_activity=29 * 60)
    assert client.get(reverse("dashboards:home")).status_code == 200


def test_absolute_lifetime_signs_out_even_an_active_session(world, sign_in, settings):
    client, _r = sign_in(world.village_staff)
    _shift_session(client, login_at=settings.SESSION_ABSOLUTE_LIFETIME + 60, last_activity=10)
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert AuditEntry.objects.filter(action="logout.expired").exists()


def test_logout_deletes_the_session_and_is_audited(world, sign_in):
    client, _r = sign_in(world.village_staff)
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("accounts:logout")).status_code == 405  # a POST with CSRF, never a link
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("dashboards:home")).status_code == 302
    assert AuditEntry.objects.filter(action="logout", actor_name=world.village_staff.username).exists()


def test_successful_login_is_audited_with_ip_and_request_id(world, sign_in):
    sign_in(world.village_staff, ip="10.8.8.8")
    entry = AuditEntry.objects.get(action="login", actor_name=world.village_staff.username)
    assert entry.ip == "10.8.8.8" and entry.request_id and entry.success


def test_failed_login_is_audited(world, sign_in):
    sign_in(world.village_staff, "Nope#12345", ip="10.8.8.9")
    entry = AuditEntry.objects.get(action="login.failed")
    assert entry.object_repr == world.village_staff.username and not entry.success and entry.ip == "10.8.8.9"


def test_password_then_totp_is_required_for_an_enrolled_user(world):
    from django.test import Client

    client = Client()
    response = client.post(reverse("accounts:login"), {"username": world.district_admin.username, "password": PASSWORD})
    assert response["Location"] == reverse("accounts:login_totp")
    assert "_auth_user_id" not in client.session  # not signed in after the password alone
    assert client.get(reverse("dashboards:home")).status_code == 302
    response = client.post(reverse("accounts:login_totp"), {"code": pyotp.TOTP(world.district_admin.totp_secret).now()})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(world.district_admin.pk)


def test_a_totp_code_cannot_be_replayed(world):
    from django.test import Client

    code = pyotp.TOTP(world.district_admin.totp_secret).now()
    for expected_ok in (True, False):
        client = Client()
        client.post(reverse("accounts:login"), {"username": world.district_admin.username, "password": PASSWORD})
        client.post(reverse("accounts:login_totp"), {"code": code})
        assert ("_auth_user_id" in client.session) is expected_ok


def test_the_totp_step_expires(world, settings):
    from django.test import Client

    client = Client()
    client.post(reverse("accounts:login"), {"username": world.district_admin.username, "password": PASSWORD})
    session = client.session
    session["pending_at"] = int(time.time()) - settings.LOGIN_TOTP_STEP_SECONDS - 1
    session.save()
    response = client.post(reverse("accounts:login_totp"), {"code": pyotp.TOTP(world.district_admin.totp_secret).now()})
    assert response["Location"] == reverse("accounts:login") and "_auth_user_id" not in client.session


@pytest.mark.parametrize("role_user", ["district_admin", "expert", "sys_admin", "security_admin", "audit_admin"])
def test_roles_that_need_totp_are_sent_to_enrolment_until_done(world, client_for, role_user):
    user = getattr(world, role_user)
    user.totp_enabled = False
    user.totp_secret = ""
    user.save()
    client = client_for(user)
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:totp_setup")
    assert client.get("/api/regions/").status_code == 403
    page = client.get(reverse("accounts:totp_setup"))
    secret = client.session["totp_pending"]
    assert page.status_code == 200 and secret in page.content.decode()
    response = client.post(reverse("accounts:totp_setup"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.totp_enabled and user.totp_secret == secret
    assert client.get(reverse("dashboards:home")).status_code == 200
    assert AuditEntry.objects.filter(action="accounts.totp_enabled", object_id=str(user.pk)).exists()


@pytest.mark.parametrize("role_user", ["town_staff", "village_staff", "org_user", "leader"])
def test_totp_is_optional_for_other_roles(world, client_for, role_user):
    user = getattr(world, role_user)
    user.totp_enabled = False
    user.save()
    assert not services.totp_required(user)
    assert client_for(user).get(reverse("dashboards:home")).status_code == 200


def test_rebinding_totp_asks_for_the_password(world, client_for):
    client = client_for(world.district_admin)
    client.get(reverse("accounts:totp_setup"))
    secret = client.session["totp_pending"]
    response = client.post(reverse("accounts:totp_setup"), {"code": pyotp.TOTP(secret).now(), "password": "wrong"})
    assert response.status_code == 200 and "当前密码不正确" in response.content.decode()
    response = client.post(reverse("accounts:totp_setup"), {"code": pyotp.TOTP(secret).now(), "password": PASSWORD})
    assert response.status_code == 302
    world.district_admin.refresh_from_db()
    assert world.district_admin.totp_secret == secret
    assert AuditEntry.objects.filter(action="accounts.totp_reset").exists()


def test_the_session_cookie_is_httponly_and_ends_with_the_browser(world, sign_in):
    client, _r = sign_in(world.village_staff)
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["max-age"] and not cookie["expires"]


def test_pages_link_their_icon_so_the_browser_sends_no_second_request_with_the_session(world, sign_in):
    # Without <link rel="icon"> a browser asks /favicon.ico after every page: a second request through the session and
    # user middleware, racing the next page for the same session (the flaky browser test on SQLite).
    from django.templatetags.static import static

    link = f'<link rel="icon" href="{static("zhengshe/favicon.ico")}">'
    client, _response = sign_in(world.org_user)
    for url in (reverse("dashboards:home"), reverse("accounts:password_change")):
        assert link in client.get(url).content.decode(), url
    assert link in client.__class__().get(reverse("accounts:login")).content.decode()
