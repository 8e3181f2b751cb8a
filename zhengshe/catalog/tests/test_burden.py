"""Burden rollups against hand-computed numbers on the small tree."""

from datetime import date
from decimal import Decimal

import pytest

from zhengshe.catalog import selectors, services
from zhengshe.core.errors import ServiceError

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(world):
    """Village A1x: 3 paper (1 kept, 1 merged 2016, 1 removed 2017), 1 electronic kept, 2 inside signs (1 removed
    2016), 1 rating removed 2018. Village A1y: 1 paper kept, 1 outside sign kept, plus a creation ledger added
    in 2025. Village A2x (town A2): 1 rating kept."""
    x, y = world.village_a1x, world.village_a1y
    f.burden(world, region=x, name="p1")
    f.burden(world, region=x, name="p2", state="merged", changed=date(2016, 5, 1))
    f.burden(world, region=x, name="p3", state="removed", changed=date(2017, 5, 1))
    f.burden(world, region=x, name="e1", subtype="electronic")
    f.burden(world, region=x, name="s1", kind="signboard", subtype="inside")
    f.burden(world, region=x, name="s2", kind="signboard", subtype="inside", state="removed", changed=date(2016, 3, 1))
    f.burden(world, region=x, name="r1", kind="rating", subtype="rating", state="removed", changed=date(2018, 1, 1))
    f.burden(world, region=y, name="p4")
    f.burden(world, region=y, name="o1", kind="signboard", subtype="outside")
    f.burden(world, region=y, name="c1", subtype="creation", in_baseline=False, started=date(2025, 3, 1))
    f.burden(world, region=world.village_a2x, name="r2", kind="rating", subtype="rating")
    return world


def test_town_rollup_by_type(registry):
    s = selectors.burden_summary(registry.town_a1.path)
    rows = {r["subtype"]: r for r in s["rows"]}
    assert (rows["paper"]["baseline"], rows["paper"]["kept"], rows["paper"]["merged"], rows["paper"]["removed"]) == (
        4, 2, 1, 1)
    assert rows["creation"]["added"] == 1 and rows["creation"]["baseline"] == 0 and rows["creation"]["kept"] == 1
    assert s["by_kind"]["ledger"] == {"baseline": 5, "kept": 4, "merged": 1, "removed": 1, "cleared": 2, "added": 1,
                                      "waiting": 0}
    assert s["by_kind"]["signboard"]["kept"] == 2 and s["by_kind"]["signboard"]["cleared"] == 1
    assert s["by_kind"]["rating"]["kept"] == 0 and s["by_kind"]["rating"]["cleared"] == 1
    # score: kept = p1 3 + e1 1 + s1 0.5 + p4 3 + o1 1 + c1 2 = 10.5 over 2 communities
    assert s["score"] == Decimal("10.5") and s["communities"] == 2
    assert s["score_per_community"] == Decimal("5.3")  # 5.25, rounded half up as offices do
    # baseline: x = 3*3 + 1 + 0.5*2 + 4 = 15, y = 3 + 1 = 4 → 19; reduction 1 - 10.5/19
    assert s["baseline_score"] == Decimal("19")
    assert s["reduction"] == Decimal("0.447")  # 8.5 / 19 = 0.44736…


def test_county_rollup_by_child_and_over_time(registry):
    children = {c["region"].code: c for c in selectors.burden_by_child(registry.county_a)}
    a1, a2 = children[registry.town_a1.code], children[registry.town_a2.code]
    assert (a1["communities"], a1["ledgers_kept"], a1["ledgers_cleared"], a1["signs_kept"], a1["signs_cleared"],
            a1["ratings_cleared"]) == (2, 4, 2, 2, 1, 1)
    assert (a2["communities"], a2["ratings_kept"], a2["score"]) == (1, 1, Decimal(4))
    timeline = {t["year"]: t for t in selectors.burden_timeline(registry.county_a.path, [2015, 2016, 2017, 2024, 2025])}
    # end of 2015: all 10 baseline items kept (ledgers 5, signs 3, ratings 2)
    assert (timeline[2015]["ledger"], timeline[2015]["signboard"], timeline[2015]["rating"]) == (5, 3, 2)
    # 2016: p2 merged, s2 removed; 2017: p3 removed; 2018: r1 removed; 2025: c1 added
    assert (timeline[2016]["ledger"], timeline[2016]["signboard"]) == (4, 2)
    assert timeline[2017]["ledger"] == 3 and timeline[2024]["rating"] == 1
    assert timeline[2025]["ledger"] == 4


def test_state_changes_move_forward_only(registry):
    from zhengshe.catalog.models import BurdenItem

    item = BurdenItem.objects.get(name="p1")
    with pytest.raises(ServiceError):
        services.burden_change_state(actor=registry.sibling_staff, item=item, state="removed")
    moved = services.burden_change_state(actor=registry.village_staff, item=item, state="merged",
                                         on_date=date(2026, 1, 5))
    assert moved.state == "merged" and moved.state_changed_on == date(2026, 1, 5)
    with pytest.raises(ServiceError):
        services.burden_change_state(actor=registry.village_staff, item=moved, state="kept")
    e1 = BurdenItem.objects.get(name="e1")
    with pytest.raises(ServiceError):
        services.burden_change_state(actor=registry.village_staff, item=e1, state="merged")
    added = services.burden_add(actor=registry.village_staff, region=registry.village_a1x, kind="signboard",
                                subtype="outside", name="新挂牌")
    assert added.in_baseline is False and added.started_on is not None


def test_overview_equals_the_separate_rollups(registry):
    for region in (registry.county_a, registry.town_a1, registry.village_a1x):
        overview = selectors.burden_overview(region)
        assert overview["summary"] == selectors.burden_summary(region.path)
        assert overview["children"] == selectors.burden_by_child(region)


def test_an_admission_not_yet_in_force_is_not_kept_today(world, client_for):
    """Issue 12 point 19: an admission approved today but valid from 2027-01-01 puts a ledger in the village's
    registry; on today's page (2026-09-15) it is not counted as kept nor in the burden score — it is listed apart."""
    from django.urls import reverse

    f.burden(world, region=world.village_a1x, name="基线台账")
    request = f.admission(world, title="明年起的安全台账")
    services.admission_approve(actor=world.district_admin, admission=request, mode="list",
                               regions=[world.village_a1x], valid_from=date(2027, 1, 1),
                               valid_until=date(2027, 12, 31), comment="同意")
    s = selectors.burden_summary(world.town_a1.path)
    paper = {r["subtype"]: r for r in s["rows"]}["paper"]
    assert (paper["added"], paper["kept"], paper["waiting"], s["score"]) == (1, 1, 1, Decimal(3))
    assert selectors.burden_by_child(world.town_a1)[0]["ledgers_kept"] == 1
    assert {t["year"]: t["ledger"] for t in selectors.burden_timeline(world.town_a1.path, [2026, 2027])} == {
        2026: 1, 2027: 2}
    page = client_for(world.district_admin).get(reverse("catalog:burden"), {"region": world.town_a1.code})
    text = page.content.decode()
    row = text.split('data-subtype="paper"')[1].split("</tr>")[0]
    assert '<td class="num kept">1</td>' in row and '<td class="num waiting">1</td>' in row
    assert "“保留”按 2026-09-15 计" in text and "另有 1 项准入尚未生效或已过期" in text
