"""Region pickers: options grouped by town with names and codes, searchable through a scoped, bounded look-up."""

from django.urls import reverse

from zhengshe.catalog.tests import factories as f
from zhengshe.regions.models import Region


def _town_group(town) -> str:
    return f'<optgroup label="{town.name}（{town.code}）">'


def _option(region) -> str:
    return f">{region.name}（{region.code}）</option>"


def test_admission_approval_groups_villages_by_town_with_codes(world, client_for):
    # given a submitted request and a second village of the same name in another town of the county
    request = f.admission(world)
    twin = Region.objects.create(code="320581101250", name=world.village_a1x.name, level="village",
                                 parent=world.town_a2)
    # when the district administrator opens the approval form
    text = client_for(world.district_admin).get(reverse("catalog:admission_approve", args=[request.pk])).content.decode()
    # then the villages are grouped under their town, each with its code, and the picker is marked for the script
    assert _town_group(world.town_a1) in text and _option(world.village_a1x) in text
    assert 'data-picker="1"' in text and reverse("regions:lookup") in text
    # and the two villages of the same name are told apart by their town and code
    assert _town_group(world.town_a2) in text and _option(twin) in text
    assert text.index(_town_group(world.town_a1)) < text.index(_option(world.village_a1x)) \
        < text.index(_town_group(world.town_a2)) < text.index(_option(twin))
    assert world.county_b.code not in text
    # the form still works without the script: a grouped <select> posting the chosen ids
    response = client_for(world.district_admin).post(reverse("catalog:admission_approve", args=[request.pk]), {
        "mode": "list", "regions": [world.village_a1y.pk], "valid_from": "2026-09-15", "valid_until": "2027-06-30",
        "comment": "同意"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert list(request.approved_regions.values_list("code", flat=True)) == [world.village_a1y.code]


def test_lookup_finds_by_name_or_code_with_the_town_and_is_scoped(world, client_for):
    Region.objects.create(code="320581101250", name=world.village_a1x.name, level="village", parent=world.town_a2)
    url = reverse("regions:lookup")
    # when the district administrator searches for the village's name, both namesakes come with their towns
    rows = client_for(world.district_admin).get(url, {"q": world.village_a1x.name, "level": "village"}).json()
    groups = {r["code"]: r["group"] for r in rows["results"]}
    assert groups == {world.village_a1x.code: f"{world.town_a1.name}（{world.town_a1.code}）",
                      "320581101250": f"{world.town_a2.name}（{world.town_a2.code}）"}
    assert client_for(world.district_admin).get(url, {"q": world.village_a1x.code}).json()["results"][0]["label"] \
        == f"{world.village_a1x.name}（{world.village_a1x.code}）"
    # and the sibling village's worker, or the other county's administrator, finds nothing of it
    assert client_for(world.sibling_staff).get(url, {"q": world.village_a1x.code}).json()["results"] == []
    assert client_for(world.district_admin_b).get(url, {"q": world.village_a1x.name}).json()["results"] == []


def test_lookup_is_bounded_and_paginated(world, client_for):
    for i in range(25):
        Region.objects.create(code=f"320581100{300 + i:03d}", name=f"新村{i}", level="village", parent=world.town_a1)
    client = client_for(world.district_admin)
    first = client.get(reverse("regions:lookup"), {"q": "新村"}).json()
    second = client.get(reverse("regions:lookup"), {"q": "新村", "page": 2}).json()
    assert len(first["results"]) == 20 and first["more"] is True
    assert len(second["results"]) == 5 and second["more"] is False
    assert client.get(reverse("regions:lookup"), {"page": "x"}).status_code == 200  # bad input: page 1, never a 500


def test_grading_round_form_picks_the_region_instead_of_a_typed_code(world, client_for):
    client = client_for(world.district_admin)
    text = client.get(reverse("organizations:round_create")).content.decode()
    assert _option(world.county_a) in text and _town_group(world.county_a) in text and _option(world.town_a1) in text
    assert world.county_b.code not in text
    response = client.post(reverse("organizations:round_create"), {
        "year": 2026, "name": "甲县1镇社会组织等级评估", "region": world.town_a1.pk, "issuer": "甲县民政局",
        "threshold_5a": 900, "threshold_4a": 800, "threshold_3a": 700, "threshold_2a": 600, "threshold_1a": 500})
    assert response.status_code == 302
    # a region outside the office's county is refused in Chinese
    text = client.post(reverse("organizations:round_create"), {
        "year": 2026, "name": "乙县评估", "region": world.county_b.pk, "threshold_5a": 900, "threshold_4a": 800,
        "threshold_3a": 700, "threshold_2a": 600, "threshold_1a": 500}).content.decode()
    assert "所选区划不存在，或不在您的管理范围内。" in text


def test_evaluation_round_form_groups_towns_under_their_county(world, client_for):
    text = client_for(world.district_admin).get(reverse("evaluation:round_create")).content.decode()
    assert _town_group(world.county_a) in text and _option(world.town_a1) in text and _option(world.town_a2) in text


def test_lookup_query_budget(world, client_for):
    from zhengshe.testing import assert_max_queries

    client = client_for(world.district_admin)
    client.get(reverse("regions:lookup"))  # session and grants warm
    with assert_max_queries(4):
        assert client.get(reverse("regions:lookup"), {"q": "甲县"}).json()["results"]
