"""The API: token authentication (issued by a page, audited), the same scoping, errors in one shape, the schema."""

import pytest
from django.test import Client
from django.urls import reverse

from zhengshe.audit.models import AuditEntry


def token_client(key, **extra):
    return Client(HTTP_AUTHORIZATION=f"Token {key}", **extra)


def test_a_user_issues_their_own_token_on_the_page_and_it_is_audited(world, client_for):
    client = client_for(world.town_staff)
    assert client.get(reverse("accounts:api_token")).status_code == 200
    response = client.post(reverse("accounts:api_token"))
    key = response.context["token_key"]
    assert key and key in response.content.decode()
    assert AuditEntry.objects.filter(action="accounts.token_issue", actor_name=world.town_staff.username).exists()
    # The key is shown once: the next visit does not show it.
    assert key not in client.get(reverse("accounts:api_token")).content.decode()
    # Re-issuing replaces it; the old key stops working.
    new_key = client.post(reverse("accounts:api_token")).context["token_key"]
    assert token_client(key).get("/api/regions/").status_code == 401
    assert token_client(new_key).get("/api/regions/").status_code == 200
    client.post(reverse("accounts:api_token"), {"revoke": "1"})
    assert token_client(new_key).get("/api/regions/").status_code == 401
    assert AuditEntry.objects.filter(action="accounts.token_revoke").exists()


def test_token_requests_are_scoped_like_pages(world):
    from rest_framework.authtoken.models import Token

    key = Token.objects.create(user=world.sibling_staff).key
    client = token_client(key)
    listing = client.get("/api/regions/").json()
    codes = {r["code"] for r in listing["results"]}
    assert world.village_a1y.code in codes and world.village_a1x.code not in codes
    response = client.get(f"/api/regions/{world.village_a1x.code}/")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "未找到，或不在您的权限范围内。", "fields": {}}}


def test_errors_share_one_shape(world, client_for):
    anonymous = Client().get("/api/regions/")
    assert anonymous.status_code in (401, 403) and set(anonymous.json()["error"]) == {"code", "message", "fields"}
    bad_token = token_client("nope").get("/api/regions/")
    assert bad_token.status_code == 401 and bad_token.json()["error"]["code"] == "authentication_failed"
    invalid = client_for(world.district_admin).patch(f"/api/regions/{world.village_a1x.code}/",
                                                     {"population": -1}, content_type="application/json")
    assert invalid.status_code == 400
    body = invalid.json()["error"]
    assert body["code"] == "invalid" and "population" in body["fields"]


def test_expired_tokens_are_refused(world, settings):
    from datetime import timedelta

    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=world.town_staff)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(days=settings.API_TOKEN_MAX_AGE_DAYS + 1))
    response = token_client(token.key).get("/api/regions/")
    assert response.status_code == 401 and "过期" in response.json()["error"]["message"]


def test_deactivated_users_tokens_stop_working(world):
    from rest_framework.authtoken.models import Token

    from zhengshe.accounts import services

    key = Token.objects.create(user=world.town_staff).key
    services.user_set_active(actor=world.security_admin, user=world.town_staff, active=False, reason="离职")
    assert token_client(key).get("/api/regions/").status_code == 401


def test_optimistic_check_on_api_writes(world, client_for):
    client = client_for(world.district_admin)
    current = client.get(f"/api/regions/{world.village_a1x.code}/").json()
    ok = client.patch(f"/api/regions/{world.village_a1x.code}/",
                      {"population": 1100, "expected_updated_at": current["updated_at"]}, content_type="application/json")
    assert ok.status_code == 200
    stale = client.patch(f"/api/regions/{world.village_a1x.code}/",
                         {"population": 1200, "expected_updated_at": current["updated_at"]}, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"


def test_schema_renders_and_describes_our_authentication_without_warnings(world, client_for, capsys):
    from drf_spectacular.drainage import GENERATOR_STATS

    GENERATOR_STATS.reset() if hasattr(GENERATOR_STATS, "reset") else None
    client = client_for(world.district_admin)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    schemes = schema["components"]["securitySchemes"]
    assert {"cookieAuth", "tokenAuth"} <= set(schemes)
    assert "/api/regions/{code}/" in schema["paths"]
    captured = capsys.readouterr()
    assert "could not resolve authenticator" not in captured.err + captured.out
    assert client.get("/api/docs/").status_code == 200


@pytest.mark.django_db
def test_schema_needs_a_login():
    assert Client().get("/api/schema/").status_code in (401, 403)
