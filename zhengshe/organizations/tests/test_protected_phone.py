"""The contact phone as protected personal data: masked everywhere, revealed to the office with an audit row,
found by its blind index, never plain in the audit trail, exports that say when they mask."""

import io
import json

from openpyxl import load_workbook

from zhengshe.audit.models import AuditEntry

from .. import services
from ..imports import IMPORT_HEADERS, MASKED_PHONE_HEADER, import_register
from ..models import Organization
from . import factories as f
from .test_import import _row, _xlsx

PHONE = "13912345678"


def _audit_json() -> str:
    return json.dumps([[e.before, e.after] for e in AuditEntry.objects.all()], ensure_ascii=False)


def test_a_role_without_permission_sees_the_mask_and_the_office_reveals_it_audited(world, client_for):
    org = f.org(world.village_a1x)
    for user in (world.village_staff, world.town_staff, world.leader):
        page = client_for(user).get(org.get_absolute_url()).content.decode()
        assert PHONE not in page and "139****5678" in page and "显示完整号码" not in page
    admin = client_for(world.district_admin)
    page = admin.get(org.get_absolute_url()).content.decode()
    assert PHONE not in page and "显示完整号码" in page
    shown = admin.post(f"/organizations/{org.pk}/reveal/", {"reason": "核实年检联系人"})
    assert PHONE in shown.content.decode() and shown["Cache-Control"] == "no-store"
    event = AuditEntry.objects.get(action="organizations.reveal_contact", object_id=str(org.pk))
    assert event.actor == world.district_admin and event.after == {
        "field": "contact_phone", "masked": "139****5678", "reason": "核实年检联系人"}
    assert client_for(world.town_staff).post(f"/organizations/{org.pk}/reveal/", {"reason": "x"}).status_code == 403


def test_the_audit_trail_holds_the_mask_never_the_number(world):
    org = services.organization_create(actor=world.district_admin, data={
        "name": "甲县隐私保护协会", "org_type": "social_group", "category": "charity", "registration_kind": "filed",
        "registration_level": "county", "region": world.town_a1, "contact_phone": "13811112222"})
    services.organization_update(actor=world.district_admin, org=org, data={"contact_phone": "13899992222"},
                                 version=org.version)
    org.refresh_from_db()
    # Same mask (138****2222), another number: the change is still in the trail, masked on both sides.
    services.organization_update(actor=world.district_admin, org=org, data={"contact_phone": "13855552222"},
                                 version=org.version)
    text = _audit_json()
    for number in ("13811112222", "13899992222", "13855552222"):
        assert number not in text
    changes = AuditEntry.objects.filter(object_type="organizations.organization", object_id=str(org.pk),
                                        action="update").order_by("seq")
    assert [e.after.get("contact_phone") for e in changes if "contact_phone" in (e.after or {})] == [
        "138****2222", "138****2222"]
    assert all("contact_phone_index" not in (e.after or {}) for e in AuditEntry.objects.all())


def test_staff_find_an_organization_by_its_phone_without_decrypting(world, client_for, django_assert_max_num_queries):
    org = f.org(world.village_a1x, name="甲县电话查找协会", contact_phone="13766667777")
    f.org(world.village_a1x, name="甲县另一协会", contact_phone="13766667778")
    client = client_for(world.district_admin)
    with django_assert_max_num_queries(30):
        page = client.get("/organizations/", {"q": "137 6666 7777"}).content.decode()
    assert "甲县电话查找协会" in page and "甲县另一协会" not in page
    assert "13766667777" not in page
    anonymous = client_for(world.nobody)
    assert "甲县电话查找协会" in anonymous.get("/p/organizations/", {"q": "电话查找"}).content.decode()
    public = anonymous.get("/p/organizations/", {"q": "13766667777"})
    assert "甲县电话查找协会" not in public.content.decode()  # the public cannot ask whose number this is
    assert org.pk


def test_the_api_gives_the_mask_typed_as_a_string(world, client_for):
    org = f.org(world.village_a1x)
    data = client_for(world.district_admin).get(f"/api/organizations/{org.pk}/").json()
    assert data["contact_phone"] == "139****5678"
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    prop = schema["components"]["schemas"]["Organization"]["properties"]["contact_phone"]
    assert prop["type"] == "string" and prop.get("readOnly")


def test_exports_mask_unless_the_role_may_see_full_numbers_and_say_which(world, client_for):
    f.org(world.village_a1x, name="甲县导出协会", contact_phone="13733334444")
    town = client_for(world.town_staff).get("/organizations/export.xlsx")
    ws = load_workbook(io.BytesIO(town.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert MASKED_PHONE_HEADER in rows[0] and "已脱敏" in ws.title
    column = list(rows[0]).index(MASKED_PHONE_HEADER)
    assert [r[column] for r in rows[1:] if r[0] == "甲县导出协会"] == ["137****4444"]
    assert b"13733334444" not in town.content
    full = client_for(world.district_admin).get("/organizations/export.xlsx")
    ws = load_workbook(io.BytesIO(full.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == IMPORT_HEADERS and "完整" in ws.title
    assert [r[IMPORT_HEADERS.index("联系电话")] for r in rows[1:] if r[0] == "甲县导出协会"] == ["13733334444"]
    events = AuditEntry.objects.filter(action="export").order_by("seq")
    assert [e.after["full"] for e in events] == [False, True]


def test_phones_are_checked_on_entry(world, client_for):
    from ..credit_code import make_credit_code

    report = import_register(_xlsx([_row("甲县坏电话协会", make_credit_code("1", "320581", 7301), world.town_a1.code,
                                         **{"联系电话": "1381234"})]), actor=world.district_admin)
    assert not report.ok and any("联系电话" in m and "固定电话" in m for e in report.errors for m in e.messages)
    org = f.org(world.village_a1x)
    response = client_for(world.district_admin).post(f"/organizations/{org.pk}/edit/", {
        "name": org.name, "credit_code": org.credit_code, "org_type": org.org_type, "category": org.category,
        "registration_kind": org.registration_kind, "registration_level": org.registration_level,
        "region": org.region.code, "contact_phone": "12345", "version": org.version,
        "members": 0, "full_time_staff": 0, "social_workers": 0, "volunteers": 0})
    assert response.status_code == 200 and "固定电话" in response.content.decode()
    assert Organization.objects.get(pk=org.pk).contact_phone == PHONE
