"""Region management pages: a district administrator adds and edits regions in their subtree, audited."""

from django.urls import reverse

from zhengshe.audit.models import AuditEntry
from zhengshe.regions.models import Region


def test_district_admin_adds_a_village_under_a_town_and_it_is_audited(world, client_for):
    client = client_for(world.district_admin)
    url = reverse("regions:create") + f"?parent={world.town_a1.code}"
    assert client.get(url).status_code == 200
    response = client.post(url, {"parent": world.town_a1.code, "code": "320581100250", "name": "新建村",
                                 "urban_rural_code": "220", "population": "1200", "households": "400",
                                 "service_centre_area": "410"})
    assert response.status_code == 302, response.content.decode()[:2000]
    village = Region.objects.get(code="320581100250")
    assert village.parent == world.town_a1 and village.level == "village"
    entry = AuditEntry.objects.get(object_type="regions.region", object_id=str(village.pk), action="create")
    assert entry.actor_name == world.district_admin.username and entry.source == "web" and entry.ip
    assert entry.request_id and entry.after["name"] == "新建村"


def test_create_refuses_a_code_not_under_the_parent(world, client_for):
    client = client_for(world.district_admin)
    response = client.post(reverse("regions:create") + f"?parent={world.town_a1.code}",
                           {"parent": world.town_a1.code, "code": "320581101250", "name": "错码村"})
    assert response.status_code == 200
    assert "不在上级" in response.content.decode()
    assert not Region.objects.filter(code="320581101250").exists()


def test_edit_changes_figures_not_code_and_records_before_after(world, client_for):
    client = client_for(world.district_admin)
    url = reverse("regions:edit", kwargs={"code": world.village_a1x.code})
    page = client.get(url)
    token = page.context["form"]["updated_at_token"].value()
    response = client.post(url, {"name": "甲县1镇1村", "urban_rural_code": "220", "population": "1234",
                                 "households": "300", "service_centre_area": "300", "is_active": "on",
                                 "updated_at_token": token, "code": "999999"})
    assert response.status_code == 302
    village = Region.objects.get(pk=world.village_a1x.pk)
    assert village.population == 1234 and village.code == world.village_a1x.code
    entry = AuditEntry.objects.get(object_type="regions.region", object_id=str(village.pk), action="update")
    assert entry.before == {"population": 1000} and entry.after == {"population": 1234}
    # A second save with the stale token is refused, nothing overwritten.
    response = client.post(url, {"name": "覆盖", "population": "1", "households": "1", "is_active": "on",
                                 "updated_at_token": token})
    assert response.status_code == 200 and "已被他人修改" in response.content.decode()
    assert Region.objects.get(pk=village.pk).name == "甲县1镇1村"


def test_workers_and_other_counties_cannot_manage(world, client_for):
    url = reverse("regions:edit", kwargs={"code": world.village_a1x.code})
    assert client_for(world.village_staff).get(url).status_code == 403   # sees it, may not edit
    assert client_for(world.town_staff).get(url).status_code == 403
    assert client_for(world.district_admin_b).get(url).status_code == 404  # outside scope
    create = reverse("regions:create") + f"?parent={world.town_b1.code}"
    assert client_for(world.district_admin).get(create).status_code == 404


def test_detail_page_offers_management_only_to_managers(world, client_for):
    url = reverse("regions:detail", kwargs={"code": world.town_a1.code})
    assert "新增下级区划" in client_for(world.district_admin).get(url).content.decode()
    assert "新增下级区划" not in client_for(world.town_staff).get(url).content.decode()
