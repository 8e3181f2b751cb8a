"""Every channel records actor, time, IP, request id, object, before/after: page, API, admin, import, command."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from zhengshe.audit.models import AuditEntry
from zhengshe.regions.models import Region
from zhengshe.testing import make_user


def _only_update(region):
    return AuditEntry.objects.filter(object_type="regions.region", object_id=str(region.pk), action="update").get()


def test_page_channel(world, client_for):
    client = client_for(world.district_admin)
    url = reverse("regions:edit", kwargs={"code": world.village_a1x.code})
    client.post(url, {"name": world.village_a1x.name, "population": "1500", "households": "300",
                      "service_centre_area": "300", "urban_rural_code": "220", "is_active": "on"},
                REMOTE_ADDR="192.0.2.10")
    entry = _only_update(world.village_a1x)
    assert (entry.source, entry.actor_name, entry.ip) == ("web", world.district_admin.username, "192.0.2.10")
    assert entry.request_id and entry.created_at and entry.actor_roles == "district_admin"
    assert entry.before == {"population": 1000} and entry.after == {"population": 1500}
    assert entry.region_path == world.village_a1x.path


def test_api_channel_with_a_token(world):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=world.district_admin)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}", REMOTE_ADDR="192.0.2.20")
    response = client.patch(f"/api/regions/{world.village_a1x.code}/", {"population": 1600},
                            content_type="application/json")
    assert response.status_code == 200, response.content
    entry = _only_update(world.village_a1x)
    assert (entry.source, entry.actor_name, entry.ip) == ("api", world.district_admin.username, "192.0.2.20")
    assert entry.after == {"population": 1600}
    assert response["X-Request-ID"] == entry.request_id


def test_api_write_outside_the_role_is_refused_in_the_common_shape(world, client_for):
    response = client_for(world.village_staff).patch(f"/api/regions/{world.village_a1x.code}/", {"population": 1},
                                                     content_type="application/json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    assert Region.objects.get(pk=world.village_a1x.pk).population == 1000


def test_admin_channel(world, client_for):
    root = make_user("root")
    root.is_superuser = root.is_staff = True
    root.save()
    village = world.village_a1y
    response = client_for(root).post(f"/admin/regions/region/{village.pk}/change/", {
        "code": village.code, "name": "后台改名村", "level": "village", "urban_rural_code": "220",
        "parent": village.parent_id, "population": "2000", "households": "600", "service_centre_area": "400",
        "is_active": "on"}, REMOTE_ADDR="192.0.2.30")
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = _only_update(village)
    assert (entry.source, entry.actor_name, entry.ip) == ("admin", "root", "192.0.2.30")
    assert entry.before == {"name": village.name} and entry.after == {"name": "后台改名村"}


def test_import_channel(world, client_for):
    from zhengshe.regions.services import IMPORT_HEADERS
    from zhengshe.utilities.excel import build_workbook

    upload = SimpleUploadedFile("r.xlsx", build_workbook(IMPORT_HEADERS, [
        ["320581100260", "导入村", "", "320581100", "220", 10, 3, 300]]))
    client_for(world.district_admin).post(reverse("regions:import"), {"file": upload}, REMOTE_ADDR="192.0.2.40")
    region = Region.objects.get(code="320581100260")
    entry = AuditEntry.objects.get(object_type="regions.region", object_id=str(region.pk), action="create")
    assert (entry.source, entry.actor_name, entry.ip) == ("import", world.district_admin.username, "192.0.2.40")
    assert entry.after["name"] == "导入村" and entry.before is None
    summary = AuditEntry.objects.get(action="regions.import")
    assert summary.request_id == entry.request_id


def test_command_channel(world):
    from io import StringIO

    out = StringIO()
    call_command("api_token", world.town_staff.username, stdout=out)
    issued = AuditEntry.objects.get(action="accounts.token_issue")
    assert issued.source == "command" and issued.actor_name == "system" and issued.request_id
    assert issued.object_id == str(world.town_staff.pk)
    token_row = AuditEntry.objects.get(object_type="authtoken.token", action="create")
    key = out.getvalue().strip()
    # The token itself never appears in the trail.
    assert key not in str(token_row.after) and key not in token_row.object_id and key not in token_row.object_repr


def test_delete_is_recorded_with_before(world):
    from zhengshe.core.context import acting_as

    region = Region.objects.create(code="320581100270", name="待删村", level="village", parent=world.town_a1)
    with acting_as(world.district_admin, source="command"):
        region.delete()
    entry = AuditEntry.objects.get(object_type="regions.region", action="delete")
    assert entry.before["name"] == "待删村" and entry.after is None and entry.actor_name == world.district_admin.username


def test_state_changes_through_the_workflow_engine_are_recorded(world):
    # A workflow move writes a typed event with before/after status (core.workflows).
    from zhengshe.core.workflows import Transition, Workflow

    flow = Workflow("region_test", {True: {"retire": Transition(False, {"district_admin"}, "撤销")}},
                    status_field="is_active")
    flow.transition(world.village_a1z, "retire", actor=world.district_admin)
    entry = AuditEntry.objects.get(action="region_test.retire")
    assert entry.before == {"is_active": True} and entry.after["is_active"] is False
