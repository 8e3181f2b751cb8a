"""Security baseline (STANDARDS §4.1, §4.12): cookies, CSRF, CSP, DEBUG, no default administrator, admin site."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)


def settings_under(env: dict, expression: str) -> str:
    """Evaluate ``expression`` on config.settings.prod in a fresh interpreter with ``env``."""
    clean = {k: v for k, v in os.environ.items()
             if k not in ("DEBUG", "USE_TLS", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
             and not k.startswith("ZHENGSHE_")}  # (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright)
    clean.update(env, ZHENGSHE_DATA_DIR=str(Path(settings.DATA_DIR)))
    code = f"import config.settings.prod as s; print({expression})"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_debug_is_off_by_default_and_cookies_are_not_secure_without_tls():
    assert settings_under({}, "s.DEBUG, s.SESSION_COOKIE_SECURE") == "False False"


def test_tls_turns_on_secure_cookies_and_hsts():
    out = settings_under({"USE_TLS": "1"}, "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0")
    assert out == "True True True"


HTTPS_VALUES = ("s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
                "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, s.SECURE_PROXY_SSL_HEADER")


def test_by_default_prod_settings_serve_plain_http_for_make_demo():
    # make demo: gunicorn with config.settings.prod on http://127.0.0.1:8000 — nothing may redirect to https.
    assert settings_under({}, HTTPS_VALUES) == "False False False 0 False False None"


def test_https_turns_on_secure_cookies_redirect_and_hsts_without_subdomains_or_preload():
    out = settings_under({"ZHENGSHE_HTTPS": "1"}, HTTPS_VALUES)
    assert out == "True True True 31536000 False False None"  # X-Forwarded-Proto is not trusted without a proxy


def test_behind_a_proxy_the_forwarded_proto_header_is_trusted():
    out = settings_under({"ZHENGSHE_HTTPS": "1", "ZHENGSHE_BEHIND_PROXY": "1"}, HTTPS_VALUES)
    assert out == "True True True 31536000 False False ('HTTP_X_FORWARDED_PROTO', 'https')"
    # The earlier single switch means both.
    assert settings_under({"USE_TLS": "1"}, HTTPS_VALUES) == out


def test_https_details_come_from_the_environment():
    out = settings_under({"ZHENGSHE_HTTPS": "1", "ZHENGSHE_SSL_REDIRECT": "0", "ZHENGSHE_HSTS_SECONDS": "600",
                          "ZHENGSHE_HSTS_INCLUDE_SUBDOMAINS": "1", "ZHENGSHE_HSTS_PRELOAD": "1"}, HTTPS_VALUES)
    assert out == "True True False 600 True True None"
    # Without HTTPS the HSTS switches do nothing (HSTS over plain HTTP would lock users out).
    out = settings_under({"ZHENGSHE_HSTS_INCLUDE_SUBDOMAINS": "1", "ZHENGSHE_HSTS_SECONDS": "600"}, HTTPS_VALUES)
    assert out == "False False False 0 False False None"


def deploy_check(env: dict) -> tuple[int, list[str]]:
    """``manage.py check --deploy`` on the prod settings: exit status and the security checks it raised."""
    clean = {k: v for k, v in os.environ.items()
             if k not in ("DEBUG", "USE_TLS", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
             and not k.startswith("ZHENGSHE_")}  # (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright)
    clean.update(env, ZHENGSHE_DATA_DIR=str(Path(settings.DATA_DIR)), DJANGO_SETTINGS_MODULE="config.settings.prod")
    run = subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=clean,
                         capture_output=True, text=True)
    found = sorted({line.split(")")[0].split("(")[-1] for line in (run.stdout + run.stderr).splitlines()
                    if "(security." in line})
    return run.returncode, found


def test_check_deploy_passes_with_https_on():
    status, found = deploy_check({"ZHENGSHE_HTTPS": "1", "ZHENGSHE_BEHIND_PROXY": "1"})
    assert status == 0
    # Only the two deliberate defaults remain: HSTS for subdomains and preload are opt-in.
    assert found == ["security.W005", "security.W021"]
    status, found = deploy_check({"ZHENGSHE_HTTPS": "1", "ZHENGSHE_HSTS_INCLUDE_SUBDOMAINS": "1",
                                  "ZHENGSHE_HSTS_PRELOAD": "1"})
    assert status == 0 and found == []


@pytest.mark.django_db
def test_over_https_http_is_redirected_and_hsts_sent(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = Client().get(reverse("accounts:login"))
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    proxied = Client().get(reverse("accounts:login"), headers={"x-forwarded-proto": "https"})
    assert proxied.status_code == 200 and proxied["Strict-Transport-Security"] == "max-age=31536000"


def test_cookies_are_httponly_and_samesite():
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"


def test_csp_header_on_every_page():
    response = Client().get(reverse("accounts:login"))
    csp = response["Content-Security-Policy"]
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp and "script-src 'self'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_csrf_is_enforced_on_forms():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = client.get(reverse("accounts:login"))
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()


@pytest.mark.django_db
def test_no_account_exists_after_migrations():
    # No default administrator (and so no default password) survives set-up: migrations create no user.
    from zhengshe.accounts.models import User

    assert User.objects.count() == 0


def test_secret_key_is_not_committed():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert not any(name.endswith("secret_key") for name in tracked)


@pytest.mark.django_db
def test_admin_site_is_for_superusers_only(world, client_for):
    from zhengshe.testing import make_user

    # A staff flag grants nothing; every role, including the system administrator, is refused.
    staff = world.sys_admin
    staff.is_staff = True
    staff.save()
    response = client_for(staff).get("/admin/")
    assert response.status_code in (302, 403)
    assert client_for(staff).get("/admin/regions/region/").status_code in (302, 403)
    # Anonymous visitors are sent to the application's login (lock-out, second factor, audit).
    response = Client().get("/admin/")
    assert response.status_code == 302
    follow = Client().get(response["Location"])
    assert follow.status_code == 302 and reverse("accounts:login") in follow["Location"]
    root = make_user("root")
    root.is_superuser = True
    root.is_staff = True
    root.save()
    assert client_for(root).get("/admin/").status_code == 200


@pytest.mark.django_db
def test_audit_entries_are_read_only_in_the_admin(world, client_for):
    from zhengshe.audit.models import AuditEntry
    from zhengshe.audit.services import record_event
    from zhengshe.testing import make_user

    entry = record_event("test.event", world.village_a1x)
    root = make_user("root")
    root.is_superuser = True
    root.is_staff = True
    root.save()
    client = client_for(root)
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/change/").status_code == 200  # view only
    client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"action": "forged"})
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.event"
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    # Users and regions cannot be deleted there either.
    assert client.get(f"/admin/accounts/user/{world.nobody.pk}/delete/").status_code == 403
    assert client.get(f"/admin/regions/region/{world.village_a1z.pk}/delete/").status_code == 403
