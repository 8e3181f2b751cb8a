"""The audit page: entries within the reader's scope, filtered by object, user and date; exports recorded."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from zhengshe.audit.models import AuditEntry
from zhengshe.audit.services import record_event
from zhengshe.core.context import acting_as
from zhengshe.testing import assert_max_queries


def _seed(world):
    with acting_as(world.village_staff, source="web", ip="10.0.0.9"):
        record_event("test.a", world.village_a1x, object_repr="甲村事件")
    with acting_as(world.town_staff_b, source="web"):
        record_event("test.b", world.village_b1x, object_repr="乙村事件")
    with acting_as(world.town_staff, source="web"):
        record_event("test.c", world.town_a1, object_repr="甲镇事件")


def test_district_admin_sees_only_their_subtree(world, client_for):
    _seed(world)
    text = client_for(world.district_admin).get(reverse("audit:list")).content.decode()
    assert "甲村事件" in text and "甲镇事件" in text and "乙村事件" not in text


def test_audit_admin_filters_by_object_user_and_date(world, client_for):
    _seed(world)
    client = client_for(world.audit_admin)
    text = client.get(reverse("audit:list"), {"object_type": "regions.region",
                                              "object_id": str(world.village_a1x.pk)}).content.decode()
    assert "甲村事件" in text and "甲镇事件" not in text
    text = client.get(reverse("audit:list"), {"actor_name": world.town_staff.username}).content.decode()
    assert "甲镇事件" in text and "甲村事件" not in text
    today = timezone.localdate()
    text = client.get(reverse("audit:list"), {"date_from": today.isoformat(), "date_to": today.isoformat()}).content.decode()
    assert "甲村事件" in text
    text = client.get(reverse("audit:list"), {"date_to": (today - timedelta(days=1)).isoformat()}).content.decode()
    assert "甲村事件" not in text
    text = client.get(reverse("audit:list"), {"q": "甲镇"}).content.decode()
    assert "甲镇事件" in text and "甲村事件" not in text


def test_workers_cannot_open_the_audit_page(world, client_for):
    assert client_for(world.village_staff).get(reverse("audit:list")).status_code == 403
    assert client_for(world.org_user).get(reverse("audit:list")).status_code == 403


def test_export_of_the_audit_page_is_itself_recorded(world, client_for):
    _seed(world)
    response = client_for(world.audit_admin).get(reverse("audit:list"), {"export": "xlsx"})
    assert "spreadsheetml" in response["Content-Type"]
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor_name == world.audit_admin.username and entry.after["rows"] >= 3


def test_detail_page_shows_before_after_and_hash(world, client_for):
    with acting_as(world.village_staff, source="web"):
        entry = record_event("test.detail", world.village_a1x, before={"x": 1}, after={"x": 2})
    text = client_for(world.audit_admin).get(reverse("audit:detail", args=[entry.pk])).content.decode()
    assert entry.hash in text and '<td class="text-break">1</td><td class="text-break">2</td>' in text
    assert client_for(world.district_admin_b).get(reverse("audit:detail", args=[entry.pk])).status_code == 404


def test_audit_list_query_budget(world, client_for):
    client = client_for(world.audit_admin)
    client.get(reverse("audit:list"))
    with assert_max_queries(10) as small:
        client.get(reverse("audit:list"))
    for i in range(60):
        record_event("test.bulk", world.village_a1x, object_repr=f"批量{i}")
    with assert_max_queries(len(small.captured_queries)):
        client.get(reverse("audit:list"))


def test_roles_events_and_changes_read_in_chinese(world, client_for):
    # given a change-log row (an update of a village) and a workflow move recorded by a district administrator
    from zhengshe.regions.models import Region

    with acting_as(world.district_admin, source="web"):
        village = Region.objects.get(pk=world.village_a1x.pk)
        village.population = 4321
        village.save()
        record_event("agreement.submit", world.village_a1x, before={"status": "draft"},
                     after={"status": "negotiating", "comment": ""})
    update = AuditEntry.objects.filter(action="update", object_type="regions.region").latest("seq")
    client = client_for(world.audit_admin)
    # when the list and the detail are opened
    listing = client.get(reverse("audit:list")).content.decode()
    detail = client.get(reverse("audit:detail", args=[update.pk])).content.decode()
    # then roles, events, sources and object types are labels, and before/after is a table of verbose names
    assert "民政/社建管理员" in listing and "修改" in listing and "发起协商" in listing and "网页" in listing
    for code in ("<td>district_admin</td>", "<td>update</td>", "<td>agreement.submit</td>", "<td>web</td>",
                 "<td>regions.region</td>"):
        assert code not in listing
    assert "人口" in detail and "4321" in detail and "{&#x27;" not in detail and "{'" not in detail
    assert "district_admin" not in detail
