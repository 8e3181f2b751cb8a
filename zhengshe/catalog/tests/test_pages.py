"""Pages end to end as real users would use them, with query budgets on every list page."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from zhengshe.catalog import selectors
from zhengshe.catalog.models import AdmissionRequest, BurdenItem, DutyList, UnlistedAsk
from zhengshe.testing import assert_max_queries

from . import factories as f

pytestmark = pytest.mark.django_db


def test_done_when_scenario_over_http(world, client_for):
    """Town submits a ledger request, the district approves it for two villages, they see it in their register,
    the third village refuses it with a PDF notice, and the burden page's counts change."""
    f.departments(world)
    town, district = client_for(world.town_staff), client_for(world.district_admin)
    today = timezone.localdate()
    before = selectors.burden_summary(world.town_a1.path)["rows"]
    response = town.post(reverse("catalog:admission_create"), {
        "kind": "ledger", "subtype": "electronic", "title": "垃圾分类督导电子台账", "department": "甲县1镇社会事业局",
        "content": "每周录入督导情况", "legal_basis": "《江苏省生活垃圾管理条例》第八条", "workload_hours": "52",
        "funding_follows": "on", "funding_amount": "2400", "target_mode": "list",
        "target_regions": [world.village_a1x.pk, world.village_a1y.pk, world.village_a1z.pk],
        "requested_from": today.isoformat(), "requested_until": (today + timedelta(days=200)).isoformat()})
    assert response.status_code == 302, response.content.decode()[:2000]
    request = AdmissionRequest.objects.get(title="垃圾分类督导电子台账")
    assert town.post(reverse("catalog:admission_move", args=[request.pk, "submit"])).status_code == 302
    # the applicant cannot open the approval form to approve their own
    assert town.get(reverse("catalog:admission_approve", args=[request.pk])).status_code == 403
    page = district.get(reverse("catalog:admission_detail", args=[request.pk]))
    assert "准入" in page.content.decode() and reverse("catalog:admission_approve", args=[request.pk]) in \
        page.content.decode()
    response = district.post(reverse("catalog:admission_approve", args=[request.pk]), {
        "mode": "list", "regions": [world.village_a1x.pk, world.village_a1z.pk], "valid_from": today.isoformat(),
        "valid_until": (today + timedelta(days=200)).isoformat(), "comment": "同意"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "approved"
    # the two villages see it in their register; the third does not
    x = client_for(world.village_staff).get(reverse("catalog:register"))
    assert "垃圾分类督导电子台账" in x.content.decode()
    y = client_for(world.sibling_staff)
    assert "垃圾分类督导电子台账" not in y.get(reverse("catalog:register")).content.decode()
    assert "垃圾分类督导电子台账" in client_for(world.village_staff).get(reverse("catalog:community")).content.decode()
    entry = client_for(world.village_staff).get(reverse("catalog:register_detail", args=[request.pk]))
    assert entry.status_code == 200 and "每周录入督导情况" in entry.content.decode()
    assert y.get(reverse("catalog:register_detail", args=[request.pk])).status_code == 404
    # the applicant sees every step
    detail = town.get(reverse("catalog:admission_detail", args=[request.pk])).content.decode()
    assert "提交审核：草稿 → 待审核" in detail and "准入：待审核 → 已准入" in detail
    # the third village (A1y) records the ask and refuses it
    response = y.post(reverse("catalog:ask_create"), {
        "region": world.village_a1y.pk, "received_on": today.isoformat(), "department": "甲县1镇社会事业局",
        "kind": "ledger", "title": "垃圾分类督导电子台账", "admission": request.pk, "channel": "工作群"})
    assert response.status_code == 302, response.content.decode()[:3000]
    ask = UnlistedAsk.objects.get(region=world.village_a1y)
    assert y.post(reverse("catalog:ask_refuse", args=[ask.pk]), {"rule_cited": "", "note": ""}).status_code == 302
    pdf = y.get(reverse("catalog:ask_notice", args=[ask.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # the burden page shows two more electronic ledgers kept in town A1
    after = selectors.burden_summary(world.town_a1.path)["rows"]
    kept = {r["subtype"]: r["kept"] for r in after}
    assert kept["electronic"] == {r["subtype"]: r["kept"] for r in before}["electronic"] + 2
    page = district.get(reverse("catalog:burden"), {"region": world.town_a1.code})
    assert page.status_code == 200 and 'data-subtype="electronic"' in page.content.decode()


def test_list_pages_render_and_export(world, client_for):
    v1 = f.published_list(world)
    district = client_for(world.district_admin)
    page = district.get(reverse("catalog:list_detail", args=[v1.pk]))
    assert page.status_code == 200 and "甲县协助政府工作事项清单事项1" in page.content.decode()
    response = district.post(reverse("catalog:list_new_version", args=[v1.pk]))
    assert response.status_code == 302
    v2 = v1.next_versions.get()
    district.post(reverse("catalog:item_remove", args=[v2.items.get(number="3").pk]))
    assert district.post(reverse("catalog:list_publish", args=[v2.pk])).status_code == 302
    diff = district.get(reverse("catalog:list_diff", args=[v2.pk]), {"against": v1.pk}).content.decode()
    assert "删除 1 项" in diff and "甲县协助政府工作事项清单事项3" in diff
    xlsx = district.get(reverse("catalog:list_export", args=[v2.pk]))
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "编号" and len(rows) == 3
    # the village reads the list, cannot edit it
    village = client_for(world.village_staff)
    assert village.get(reverse("catalog:list_detail", args=[v2.pk])).status_code == 200
    assert village.post(reverse("catalog:list_new_version", args=[v2.pk])).status_code == 403


def _many(world, n=12):
    f.published_list(world, items=20)
    for i in range(n):
        f.admission(world, title=f"申请{i}", approve=i % 2 == 0, approved_regions=[world.village_a1x])
        f.ask(world, title=f"事项{i}", refuse=i % 2 == 0)
    for i in range(n):
        f.burden(world, name=f"台账{i}")


@pytest.mark.parametrize("name,user,params", [
    ("catalog:list_list", "village_staff", {}),
    ("catalog:admission_list", "district_admin", {}),
    ("catalog:register", "village_staff", {}),
    ("catalog:ask_list", "district_admin", {}),
    ("catalog:burden_list", "town_staff", {}),
    ("catalog:burden", "district_admin", {}),
    ("catalog:community", "village_staff", {}),
    ("catalog:department_list", "district_admin", {}),
    ("dutylist-list", "village_staff", {}),
    ("admission-list", "district_admin", {}),
    ("catalog-register-list", "village_staff", {}),
    ("unlistedask-list", "district_admin", {}),
    ("burdenitem-list", "town_staff", {}),
    ("burdenitem-rollup", "district_admin", {}),
])
def test_page_query_budgets(world, client_for, name, user, params):
    _many(world)
    client = client_for(getattr(world, user))
    client.get(reverse(name), params)  # warm caches (sessions, content types)
    with assert_max_queries(25) as first:
        response = client.get(reverse(name), params)
    assert response.status_code == 200
    _many(world)  # twice the rows: the count must not grow with them
    with assert_max_queries(25) as second:
        client.get(reverse(name), params)
    assert len(second.captured_queries) == len(first.captured_queries)


def test_detail_pages_budget(world, client_for):
    _many(world, n=4)
    request = AdmissionRequest.objects.filter(status="approved").first()
    ask = UnlistedAsk.objects.filter(outcome="refused").first()
    client = client_for(world.district_admin)
    for url in (reverse("catalog:admission_detail", args=[request.pk]), reverse("catalog:ask_detail", args=[ask.pk]),
                reverse("catalog:list_detail", args=[DutyList.objects.first().pk]),
                reverse("catalog:burden_detail", args=[BurdenItem.objects.first().pk])):
        client.get(url)
        with assert_max_queries(30):
            client.get(url)


def test_api_flow(world, client_for):
    today = timezone.localdate()
    town, district = client_for(world.town_staff), client_for(world.district_admin)
    response = town.post("/api/catalog/admission/", {
        "kind": "task", "title": "API 申请", "department": "甲县1镇社会事业局", "content": "c", "legal_basis": "b",
        "target_mode": "subtree", "target_root": world.town_a1.code, "requested_from": today.isoformat(),
        "requested_until": today.isoformat()}, content_type="application/json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert town.post(f"/api/catalog/admission/{pk}/submit/").status_code == 200
    own = town.post(f"/api/catalog/admission/{pk}/approve/", {
        "mode": "subtree", "root": world.town_a1.code, "valid_from": today.isoformat(),
        "valid_until": today.isoformat()}, content_type="application/json")
    assert own.status_code in (400, 403) and own.json()["error"]["message"]
    ok = district.post(f"/api/catalog/admission/{pk}/approve/", {
        "mode": "subtree", "root": world.town_a1.code, "valid_from": today.isoformat(),
        "valid_until": today.isoformat()}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    register = client_for(world.sibling_staff).get("/api/catalog/register/").json()
    assert [r["title"] for r in register["results"]] == ["API 申请"]
    ask = client_for(world.village_staff).post("/api/catalog/asks/", {
        "region": world.village_a1x.code, "received_on": today.isoformat(), "department": "甲县公安局",
        "kind": "task", "title": "API 事项"}, content_type="application/json")
    assert ask.status_code == 201
    refused = client_for(world.village_staff).post(f"/api/catalog/asks/{ask.json()['id']}/refuse/")
    assert refused.json()["outcome"] == "refused"
    rollup = district.get("/api/catalog/burden/rollup/", {"region": world.county_a.code}).json()
    assert rollup["region"] == world.county_a.code


def test_public_lists_show_published_only(world, client):
    v1 = f.published_list(world, title="公开的清单")
    from zhengshe.catalog import services

    draft = services.list_new_version(actor=world.district_admin, source=v1)
    assert "公开的清单" in client.get(reverse("catalog_public:lists")).content.decode()
    assert client.get(reverse("catalog_public:list_detail", args=[v1.pk])).status_code == 200
    assert client.get(reverse("catalog_public:list_detail", args=[draft.pk])).status_code == 404


def test_ask_form_offers_only_own_countys_admissions(world, client_for):
    from zhengshe.catalog import services

    f.admission(world, title="甲县已准入", approve=True)
    today = timezone.localdate()
    other = services.admission_create(actor=world.town_staff_b, kind="task", title="乙县已准入", department="乙县部门",
                                      content="c", legal_basis="b", target_mode="subtree", target_root=world.town_b1,
                                      requested_from=today, requested_until=today)
    services.admission_move(actor=world.town_staff_b, admission=other, action="submit")
    services.admission_approve(actor=world.district_admin_b, admission=other, mode="subtree", root=world.town_b1,
                               valid_from=today, valid_until=today)
    page = client_for(world.village_staff).get(reverse("catalog:ask_create")).content.decode()
    assert "甲县已准入" in page and "乙县已准入" not in page


def test_import_page_reports_rows_and_writes_nothing(world, client_for):
    from zhengshe.catalog.models import DutyList

    from .test_lists import _xlsx

    f.departments(world)
    upload = _xlsx([["1", "", "缺类别", "", "", "", "否", "", "", ""],
                    ["1", "社会", "重复编号", "", "", "不存在局", "否", "", "", ""]])
    upload.name = "list.xlsx"
    page = client_for(world.district_admin).post(reverse("catalog:list_import"), {
        "kind": "duties", "year": 2026, "title": "坏文件", "file": upload})
    text = page.content.decode()
    assert page.status_code == 200 and "未写入任何数据" in text
    assert "类别为空" in text and "编号“1”与第 2 行重复" in text and "不存在局" in text
    assert not DutyList.objects.filter(title="坏文件").exists()
