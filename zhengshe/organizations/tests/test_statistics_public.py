"""Statistics against a hand-built dataset; the public directory shows no personal data; query budgets."""

import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from zhengshe.testing import assert_max_queries

from .. import selectors
from . import factories as f


def _dataset(w):
    """Town A1: villages of 1000/2000/3000 people (6000). 4 live organizations in A1, 1 deregistered,
    1 at county level, 1 in county B (outside)."""
    f.org(w.village_a1x, name="甲1x书画社", org_type="community", registration_kind="filed", category="culture_sports",
          registered_on=date(2020, 5, 1), registration_level="town")
    f.org(w.village_a1x, name="甲1x计生协会", org_type="community", registration_kind="filed",
          category="family_planning", registered_on=date(2021, 5, 1), registration_level="town")
    _confirmed(f.org(w.village_a1y, name="甲1y调解会", category="mediation", registered_on=date(2021, 7, 1)),
               "4A", date(2026, 1, 1), date(2030, 12, 31))
    _confirmed(f.org(w.town_a1, name="甲1镇慈善会", org_type="foundation", category="charity",
                     registered_on=date(2022, 1, 1)),
               "3A", date(2016, 1, 1), date(2020, 12, 31), year=2015)  # expired grade: not counted
    f.org(w.town_a1, name="甲1镇注销协会", status="deregistered", registered_on=date(2019, 1, 1))
    f.org(w.county_a, name="甲县行业协会", category="industry", registration_level="county",
          registered_on=date(2019, 3, 1))
    f.org(w.county_b, name="乙县协会")


def test_statistics_against_a_hand_built_dataset(world):
    _dataset(world)
    stats = selectors.statistics(world.town_a1, on_date=date(2026, 11, 1))
    assert stats["total"] == 4
    assert stats["population"] == 6000
    assert stats["per_10k"] == Decimal("6.67")
    by_type = {r["key"]: r["count"] for r in stats["by_type"]}
    assert by_type == {"social_group": 1, "service_institution": 0, "foundation": 1, "community": 2}
    kinds = {r["key"]: (r["count"], r["share"]) for r in stats["by_kind"]}
    assert kinds == {"registered": (2, Decimal("50.00")), "filed": (2, Decimal("50.00"))}
    assert {r["key"]: r["count"] for r in stats["grades"]}["4A"] == 1
    assert stats["graded_3a"] == 1
    assert [(g["year"], g["new"], g["cumulative"]) for g in stats["growth"]] == [(2020, 1, 1), (2021, 2, 3), (2022, 1, 4)]
    rows = {r["name"]: r for r in stats["children"]}
    assert rows["甲县1镇本级"]["count"] == 1
    x, y, z = rows["甲县1镇1村"], rows["甲县1镇2村"], rows["甲县1镇3村"]
    assert (x["count"], x["population"], x["per_10k"], x["share"]) == (2, 1000, Decimal("20.00"), Decimal("50.00"))
    assert (y["count"], y["per_10k"], y["share"]) == (1, Decimal("5.00"), Decimal("25.00"))
    assert (z["count"], z["per_10k"]) == (0, Decimal("0.00"))
    county = selectors.statistics(world.county_a, on_date=date(2026, 11, 1))
    assert county["total"] == 6  # with the world's own 甲县社工服务中心 at county level
    towns = {r["name"]: r for r in county["children"]}
    assert towns["甲县1镇"]["count"] == 4 and towns["甲县本级"]["count"] == 2 and towns["甲县2镇"]["count"] == 0
    assert towns["甲县1镇"]["share"] == Decimal("66.67")


def test_statistics_page_and_excel(world, client_for):
    _dataset(world)
    client = client_for(world.district_admin)
    with assert_max_queries(25):
        page = client.get("/organizations/statistics/", {"region": world.county_a.code})
    text = page.content.decode()
    assert page.status_code == 200 and "甲县1镇" in text and "org-stats-data" in text and "<script>" not in text
    xlsx = client.get("/organizations/statistics/export.xlsx", {"region": world.town_a1.code})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "区划" and any(r[0] == "甲县1镇1村" and r[2] == 2 for r in rows)
    assert client_for(world.district_admin_b).get("/organizations/statistics/",
                                                  {"region": world.county_a.code}).status_code == 404


def test_public_directory_shows_no_personal_data(world, client_for):
    org = f.org(world.village_a1x, name="甲1x公开协会", legal_representative="欧阳法人", contact_person="司马联系",
                contact_phone="13712345678", address="甲县隐私路99号")
    f.credit(org)
    client = client_for(world.nobody)
    client.logout()
    listing = client.get("/p/organizations/", {"q": "公开"}).content.decode()
    detail = client.get(f"/p/organizations/{org.pk}/").content.decode()
    for page in (listing, detail):
        assert "甲1x公开协会" in page
        for secret in ("欧阳法人", "司马联系", "13712345678", "1371", "隐私路"):
            assert secret not in page
    assert "活动异常" in listing and org.credit_code in detail
    by_code = client.get("/p/organizations/", {"q": org.credit_code}).content.decode()
    assert "甲1x公开协会" in by_code
    by_region = client.get("/p/organizations/", {"within": world.county_b.code}).content.decode()
    assert "甲1x公开协会" not in by_region
    by_category = client.get("/p/organizations/", {"category": "charity"}).content.decode()
    assert "甲1x公开协会" in by_category


def test_page_query_counts_are_bounded(world, client_for):
    for i in range(30):
        o = f.org(world.village_a1x if i % 2 else world.town_a1, name=f"甲县组织{i:02d}")
        f.credit(o) if i % 5 == 0 else None
    admin = client_for(world.district_admin)
    public = client_for(world.nobody)
    public.logout()
    with assert_max_queries(12):
        assert admin.get("/organizations/").status_code == 200
    with assert_max_queries(8):
        assert public.get("/p/organizations/").status_code == 200
    with assert_max_queries(12):
        assert admin.get("/organizations/reports/").status_code == 200
    with assert_max_queries(12):
        assert admin.get("/organizations/credit/").status_code == 200
    org = f.org(world.town_a1, name="详情页组织")
    with assert_max_queries(40):
        assert admin.get(org.get_absolute_url()).status_code == 200
    with assert_max_queries(10):
        assert admin.get("/api/organizations/").status_code == 200


def test_computed_indicators_for_the_evaluation_app(world):
    from zhengshe.core.indicators import get_source

    _dataset(world)
    per_10k = get_source("organizations.per_10k")
    assert per_10k is not None
    assert per_10k.func(region=world.town_a1, year=2026) == Decimal("6.67")
    assert per_10k.func(region=world.town_a1, year=2020) == Decimal("1.67")  # only 甲1x书画社 by then
    share = get_source("organizations.share_graded_3a").func(region=world.town_a1, year=2026)
    assert share == Decimal("0.5000")  # 甲1y调解会 (4A) of two registered; the 3A one has expired


def _confirmed(org, grade, valid_from, valid_to, year=2025):
    """A confirmed grade as ``round_confirm`` leaves it: the application and the organization's copy."""
    from ..choices import ApplicationStatus, RoundStatus

    rnd = f.grade_round(org.region.parent, year=year, status=RoundStatus.CLOSED)
    f.application(rnd, org, status=ApplicationStatus.CONFIRMED, decided_grade=grade, valid_from=valid_from,
                  valid_to=valid_to)
    org.grade, org.grade_valid_from, org.grade_valid_to = grade, valid_from, valid_to
    org.save()


def test_statistics_count_only_grades_in_force_on_the_date_shown(world, client_for):
    """Issue 12 point 20: a grade valid from 2027-01-01 is not counted on 2026-09-15 (the eligibility check says
    无有效评估等级 that day); an older grade still in force is, although a newer one has been announced."""
    pending = f.org(world.village_a1x, name="未生效组织")
    _confirmed(pending, "4A", date(2027, 1, 1), date(2031, 12, 31))
    renewed = f.org(world.village_a1y, name="续评组织")
    _confirmed(renewed, "3A", date(2022, 1, 1), date(2026, 12, 31), year=2021)
    _confirmed(renewed, "5A", date(2027, 1, 1), date(2031, 12, 31))
    f.org(world.village_a1y, name="备案组织", registration_kind="filed", org_type="community")
    assert "无有效评估等级（要求 3A 及以上）" in selectors.eligibility(pending)[1]
    stats = selectors.statistics(world.town_a1)
    grades = {r["key"]: r["count"] for r in stats["grades"]}
    assert (grades["4A"], grades["5A"], grades["3A"], stats["graded_3a"]) == (0, 0, 1, 1)
    assert stats["filed"] == 1
    page = client_for(world.district_admin).get("/organizations/statistics/", {"region": world.town_a1.code})
    text = page.content.decode()
    total = text.split('<tr class="fw-bold">')[1].split("</tr>")[0]
    cells = [c.split("</td>")[0] for c in total.split('<td class="num">')[1:]]
    assert cells[:4] == ["3", "2", "1", "1"]  # 社会组织, 登记, 备案 (filled), 3A 及以上 (only the grade in force)
    assert "评估等级只计 2026-09-15 当日在有效期内的等级" in text


def test_shares_among_county_level_registrations_next_to_shares_of_the_total(world, client_for):
    """Issue 12 point 23 (舟山: 40.5 % city / 59.5 % county): each district's share among the county-level
    registrations only, beside its share of all organizations, and the levels' shares of the total."""
    f.org(world.town_b1, name="乙1县级甲", registration_level="county")
    f.org(world.town_b1, name="乙1县级乙", registration_level="county")
    f.org(world.town_b1, name="乙1市级", registration_level="city")
    f.org(world.town_b2, name="乙2县级", registration_level="county")
    f.org(world.town_b2, name="乙2市级甲", registration_level="city")
    stats = selectors.statistics(world.county_b)  # with the world's 乙县志愿者协会, county-level, at county level
    levels = {r["key"]: r["share"] for r in stats["by_level"]}
    assert (levels["city"], levels["county"]) == (Decimal("33.33"), Decimal("66.67"))
    rows = {r["name"]: r for r in stats["children"]}
    own, b1, b2 = rows["乙县本级"], rows["乙县1镇"], rows["乙县2镇"]
    assert (b1["share"], b1["county"], b1["county_share"]) == (Decimal("50.00"), 2, Decimal("50.00"))
    assert (b2["share"], b2["county"], b2["county_share"]) == (Decimal("33.33"), 1, Decimal("25.00"))
    assert (own["share"], own["county_share"]) == (Decimal("16.67"), Decimal("25.00"))
    text = client_for(world.district_admin_b).get("/organizations/statistics/",
                                                  {"region": world.county_b.code}).content.decode()
    b2_row = text.split(">乙县2镇</a>")[1].split("</tr>")[0]
    assert "占县级登记 %" in text and b2_row.endswith('<td class="num">1</td><td class="num">25.0</td>')
    assert "各区划“占县级登记 %”只在县（区）级登记的组织中计算" in text
