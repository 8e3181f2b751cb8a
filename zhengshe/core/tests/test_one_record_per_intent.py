"""One record per intent (issue 11 point 7): a form posted twice, an API call retried, twenty identical posts at
once — each makes one record. Form submission tokens and ``Idempotency-Key`` (``core.idempotency``)."""

import datetime as dt
import re
import threading

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from zhengshe.catalog.models import UnlistedAsk
from zhengshe.core.idempotency import FORM_FIELD
from zhengshe.core.models import IdempotencyKey

NOTICE = "该表单已提交，未重复创建"


def form_data(world, token, title="垃圾分类督导电子台账"):
    return {"region": world.village_staff_region.pk, "received_on": "2026-09-14", "department": "甲县1镇社会事业局",
            "kind": "ledger", "title": title, "channel": "工作群", FORM_FIELD: token}


def api_body(world, title="垃圾分类督导电子台账"):
    return {"region": world.village_staff_region.code, "received_on": "2026-09-14", "department": "甲县1镇社会事业局",
            "kind": "ledger", "title": title}


def token_of(page_html: str) -> str:
    found = re.search(rf'name="{FORM_FIELD}" value="([^"]+)"', page_html)
    assert found, "the form carries no submission token"
    return found.group(1)


@pytest.fixture
def village(world):
    world.village_staff_region = world.village_a1x
    return world


# ---- forms ----------------------------------------------------------------------------------------------------

def test_the_ask_form_posted_twice_makes_one_ask_and_says_so(village, client_for):
    # Given a village worker on the 记录清单外事项 form
    client = client_for(village.village_staff)
    token = token_of(client.get(reverse("catalog:ask_create")).content.decode())
    # When she presses 保存 twice (a double click, or a reload of the result)
    first = client.post(reverse("catalog:ask_create"), form_data(village, token))
    second = client.post(reverse("catalog:ask_create"), form_data(village, token))
    # Then there is one ask, and the second press lands on it with a notice
    assert first.status_code == 302 and UnlistedAsk.objects.count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]
    page = client.get(second["Location"]).content.decode()
    assert NOTICE in page and "垃圾分类督导电子台账" in page
    # And a new rendering of the form is a new intent: it records a second ask
    again = token_of(client.get(reverse("catalog:ask_create")).content.decode())
    assert again != token
    client.post(reverse("catalog:ask_create"), form_data(village, again, title="另一项要求"))
    assert UnlistedAsk.objects.count() == 2


def test_a_form_sent_back_with_errors_can_be_corrected_and_sent_with_the_same_token(village, client_for):
    client = client_for(village.village_staff)
    token = token_of(client.get(reverse("catalog:ask_create")).content.decode())
    broken = client.post(reverse("catalog:ask_create"), {**form_data(village, token), "title": ""})
    assert broken.status_code == 200 and UnlistedAsk.objects.count() == 0
    fixed = client.post(reverse("catalog:ask_create"), form_data(village, token))
    assert fixed.status_code == 302 and UnlistedAsk.objects.count() == 1


def test_every_shared_form_page_carries_a_token(village, client_for):
    """The token lives in ``core/_form_fields.html``: every create page that uses the shared form renders it."""
    pages = {village.village_staff: ["catalog:ask_create"],
             village.district_admin: ["catalog:list_create", "organizations:create", "evaluation:round_create"],
             village.security_admin: ["accounts:user_create"]}
    for user, names in pages.items():
        client = client_for(user)
        for name in names:
            page = client.get(reverse(name))
            assert page.status_code == 200, name
            token_of(page.content.decode())


def test_a_token_is_the_users_own(village, client_for):
    """Keys are unique per (key, user): the same value sent by another account is that account's own intent."""
    token = "same-token-value"
    assert client_for(village.village_staff).post(reverse("catalog:ask_create"),
                                                  form_data(village, token)).status_code == 302
    other = {**form_data(village, token), "region": village.village_a1y.pk}
    assert client_for(village.sibling_staff).post(reverse("catalog:ask_create"), other).status_code == 302
    assert UnlistedAsk.objects.count() == 2


def test_the_key_table_refuses_a_second_row_for_the_same_key_and_user(village):
    row = {"user": village.village_staff, "key": "k1", "kind": "api", "fingerprint": "f",
           "expires_at": dt.datetime(2030, 1, 1, tzinfo=dt.UTC)}
    IdempotencyKey.objects.create(**row)
    with pytest.raises(IntegrityError), transaction.atomic():
        IdempotencyKey.objects.create(**row)
    IdempotencyKey.objects.create(**{**row, "user": village.town_staff})  # another user: their own key


# ---- API ------------------------------------------------------------------------------------------------------

def api_client(user):
    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")


def test_the_api_replays_the_first_answer_for_the_same_key_and_body(village):
    client = api_client(village.village_staff)
    first = client.post("/api/catalog/asks/", api_body(village), content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="ask-0914-1")
    again = client.post("/api/catalog/asks/", api_body(village), content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="ask-0914-1")
    assert first.status_code == 201, first.content.decode()
    assert again.status_code == 201 and again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert UnlistedAsk.objects.count() == 1
    # Without a key, each POST is its own request
    assert client.post("/api/catalog/asks/", api_body(village), content_type="application/json").status_code == 201
    assert UnlistedAsk.objects.count() == 2


def test_the_same_key_with_another_body_is_refused_in_chinese(village):
    client = api_client(village.village_staff)
    client.post("/api/catalog/asks/", api_body(village), content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")
    other = client.post("/api/catalog/asks/", api_body(village, title="另一项要求"), content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="k")
    assert other.status_code == 422
    error = other.json()["error"]
    assert error["code"] == "idempotency_key_reused" and "已用于另一个请求" in error["message"]
    assert list(UnlistedAsk.objects.values_list("title", flat=True)) == ["垃圾分类督导电子台账"]


def test_a_refused_request_does_not_use_up_its_key(village):
    client = api_client(village.village_staff)
    bad = client.post("/api/catalog/asks/", {**api_body(village), "title": ""}, content_type="application/json",
                      HTTP_IDEMPOTENCY_KEY="k2")
    assert bad.status_code == 400
    good = client.post("/api/catalog/asks/", api_body(village), content_type="application/json",
                       HTTP_IDEMPOTENCY_KEY="k2")
    assert good.status_code == 201 and UnlistedAsk.objects.count() == 1


def test_a_key_longer_than_255_characters_is_a_400(village):
    response = api_client(village.village_staff).post("/api/catalog/asks/", api_body(village),
                                                      content_type="application/json", HTTP_IDEMPOTENCY_KEY="k" * 256)
    assert response.status_code == 400 and "最多 255 个字符" in response.json()["error"]["message"]
    assert UnlistedAsk.objects.count() == 0


def test_keys_expire_and_are_pruned(village, _suite_clock):
    client = api_client(village.village_staff)
    client.post("/api/catalog/asks/", api_body(village), content_type="application/json", HTTP_IDEMPOTENCY_KEY="old")
    _suite_clock.shift(dt.timedelta(hours=25))
    # On read: an expired key is a new key
    later = client.post("/api/catalog/asks/", api_body(village), content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="old")
    assert later.status_code == 201 and "Idempotent-Replayed" not in later and UnlistedAsk.objects.count() == 2
    # And the prune command removes what has expired
    client.post("/api/catalog/asks/", api_body(village, "第三项"), content_type="application/json",
                HTTP_IDEMPOTENCY_KEY="other")
    _suite_clock.shift(dt.timedelta(hours=25))
    call_command("idempotency", "prune")
    assert IdempotencyKey.objects.count() == 0


def test_a_key_left_running_by_a_dead_worker_is_released(village):
    client = api_client(village.village_staff)
    IdempotencyKey.objects.create(user=village.village_staff, key="orphan", kind="api", fingerprint="f",
                                  expires_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    IdempotencyKey.objects.filter(key="orphan").update(created_at=dt.datetime(2026, 9, 15, 1, 0, tzinfo=dt.UTC))
    response = client.post("/api/catalog/asks/", api_body(village), content_type="application/json",
                           HTTP_IDEMPOTENCY_KEY="orphan")
    assert response.status_code == 201 and UnlistedAsk.objects.count() == 1


# ---- twenty at once -------------------------------------------------------------------------------------------

needs_real_concurrency = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's in-memory test database is one connection shared by the live server's threads, so requests "
           "cannot overlap there; the PostgreSQL run is the real twenty-thread test (the unique key is the same "
           "constraint on both, see test_the_key_table_refuses_a_second_row_for_the_same_key_and_user)")


def _twenty_at_once(send):
    barrier = threading.Barrier(20)
    results, errors = [None] * 20, []

    def worker(i):
        try:
            barrier.wait(timeout=30)
            results[i] = send()
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    return results


@pytest.mark.slow
@needs_real_concurrency
def test_twenty_concurrent_api_posts_with_one_key_make_one_ask(village, live_server):
    import requests

    key = Token.objects.create(user=village.village_staff).key
    headers = {"Authorization": f"Token {key}", "Idempotency-Key": "twenty-at-once"}

    def send():
        return requests.post(f"{live_server.url}/api/catalog/asks/", json=api_body(village), headers=headers,
                             timeout=60)

    responses = _twenty_at_once(send)
    assert [r.status_code for r in responses] == [201] * 20
    assert len({r.json()["id"] for r in responses}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 19
    assert UnlistedAsk.objects.count() == 1


@pytest.mark.slow
@needs_real_concurrency
def test_twenty_concurrent_form_posts_with_one_token_make_one_ask(village, live_server):
    import requests

    client = Client()
    client.force_login(village.village_staff, backend="zhengshe.accounts.backends.LockoutModelBackend")
    page = client.get(reverse("catalog:ask_create"))
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": client.cookies["csrftoken"].value}
    data = {**form_data(village, token_of(page.content.decode())), "csrfmiddlewaretoken": cookies["csrftoken"]}

    def send():
        return requests.post(f"{live_server.url}{reverse('catalog:ask_create')}", data=data, cookies=cookies,
                             allow_redirects=False, timeout=60)

    responses = _twenty_at_once(send)
    assert [r.status_code for r in responses] == [302] * 20
    assert len({r.headers["Location"] for r in responses}) == 1
    assert UnlistedAsk.objects.count() == 1
