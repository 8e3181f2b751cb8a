"""Needs, the catalogue, calls and applications: what a community, a buyer and an organization would check."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from zhengshe.core import rollups
from zhengshe.core.errors import NotAllowed, ServiceError
from zhengshe.core.workflows import GuardFailed, InvalidMove
from zhengshe.organizations.models import CreditEntry
from zhengshe.projects import selectors, services
from zhengshe.projects.models import Application, Call
from zhengshe.testing import assert_max_queries

from . import factories as f

pytestmark = pytest.mark.django_db


# --- needs ------------------------------------------------------------------------------------------------------


def test_needs_are_ranked_in_the_community_and_roll_up_the_tree(world):
    # given two needs recorded by village A1x and one by its sibling (by the town worker)
    services.need_record(actor=world.village_staff, region=world.village_a1x, year=2026, title="老年助餐",
                         category="为老服务", residents=86, respondents=210)
    services.need_record(actor=world.village_staff, region=world.village_a1x, year=2026, title="四点半课堂",
                         category="青少年服务", residents=124, respondents=210)
    services.need_record(actor=world.town_staff, region=world.village_a1y, year=2026, title="老年助餐",
                         category="为老服务", residents=40)
    # then the community's ranking puts the most-named need first
    assert [n.title for n in selectors.ranked_needs(world.village_a1x, 2026)] == ["四点半课堂", "老年助餐"]
    # and the town and the county read 3 needs named by 250 residents from their rollup rows
    totals = rollups.read([world.town_a1.path, world.county_a.path, world.town_a2.path],
                          ["projects.needs", "projects.need_residents"], year=2026)
    assert totals[world.town_a1.path] == {"projects.needs": 3, "projects.need_residents": 250}
    assert totals[world.county_a.path]["projects.needs"] == 3
    assert totals[world.town_a2.path]["projects.needs"] == 0


def test_a_need_is_refused_outside_the_recorders_scope_and_with_impossible_counts(world):
    with pytest.raises(NotAllowed):
        services.need_record(actor=world.sibling_staff, region=world.village_a1x, year=2026, title="老年助餐",
                             category="为老服务", residents=3)
    with pytest.raises(ServiceError) as refused:
        services.need_record(actor=world.village_staff, region=world.village_a1x, year=2026, title="老年助餐",
                             category="为老服务", residents=300, respondents=210)
    assert refused.value.fields == {"residents": ["提出人数不能多于参与调查人数（210）。"]}


# --- calls ------------------------------------------------------------------------------------------------------


def test_a_call_needs_a_rubric_of_100_and_gets_a_number_from_the_buyers_code(world):
    with pytest.raises(ServiceError, match="权重合计应为 100，当前为 90"):
        f.call(world, rubric=[{"name": "需求契合度", "weight": 50}, {"name": "方案", "weight": 40}])
    first, second = f.call(world), f.call(world, title="第二批")
    assert first.number == f"{world.town_a1.code}-XM2026-001" and second.number.endswith("-002")


def test_only_the_buyers_own_staff_may_open_or_publish_a_call(world):
    # a county administrator cannot open a call in the town's name, nor the sibling town's worker
    with pytest.raises(NotAllowed):
        f.call(world, actor=world.district_admin, publish=False)
    with pytest.raises(NotAllowed):
        f.call(world, actor=world.town_staff_b, publish=False)
    draft = f.call(world, publish=False)
    with pytest.raises(GuardFailed, match="只有购买主体（甲县1镇）的工作人员可以办理"):
        services.call_move(actor=world.district_admin, call=draft, action="publish")
    published = services.call_move(actor=world.town_staff, call=draft, action="publish")
    assert published.status == "published" and published.published_at is not None


def test_the_public_page_shows_a_published_call_and_hides_a_draft(world, client):
    draft = f.call(world, publish=False, title="尚未发布的征集")
    assert client.get(reverse("projects_public:call", args=[draft.number])).status_code == 404
    published = f.call(world, title="银发助老公益创投")
    page = client.get(reverse("projects_public:call", args=[published.number]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "银发助老公益创投" in text and "评估等级 3A 及以上" in text and "需求契合度" in text
    assert "尚未发布的征集" not in client.get(reverse("projects_public:call_list")).content.decode()


def test_published_calls_and_budgets_roll_up_by_the_buyers_region(world):
    f.call(world, publish=False)
    f.call(world, title="已发布")
    totals = rollups.read([world.county_a.path], ["projects.calls", "projects.call_budget"], year=2026)
    assert totals[world.county_a.path] == {"projects.calls": 1, "projects.call_budget": Decimal("600000.00")}


# --- applications -------------------------------------------------------------------------------------------------


def test_an_eligible_organization_applies_and_the_money_is_the_sum_of_its_lines(world):
    c = f.call(world, local_only=True)  # a town's call is open to its county's organizations
    f.eligible(world.org_a)
    draft = f.application(world, c)
    assert draft.requested == Decimal("20000.75")
    submitted = services.application_submit(actor=world.org_user, application=draft, today=f.TODAY)
    assert submitted.status == "submitted" and submitted.submitted_at is not None


@pytest.mark.parametrize("setup, reason", [
    ("no_grade", "无有效评估等级（要求 3A 及以上）"),
    ("low_grade", "评估等级 2A 低于要求的 3A"),
    ("credit", "严重违法失信名单"),
    ("report", "2025 年度报告未报送"),
    ("region", "本次征集限在甲县登记的组织申报（本组织登记于乙县）"),
    ("type", "不在本次征集的申报范围内"),
    ("late", "已过申报截止日期（2026-10-31）"),
])
def test_each_eligibility_rule_refuses_with_its_reason(world, setup, reason):
    kw = {"local_only": setup == "region"}
    if setup == "type":
        kw["org_types"] = ["foundation"]
    c = f.call(world, **kw)
    org, user = (world.org_b, world.org_user_b) if setup == "region" else (world.org_a, world.org_user)
    if setup != "no_grade":
        f.eligible(org, grade="2A" if setup == "low_grade" else "4A")
    if setup == "report":
        org.annual_reports.all().delete()
    if setup == "credit":
        CreditEntry.objects.create(organization=org, list_kind="serious", reason="info_false",
                                   included_on=dt.date(2026, 3, 1))
    draft = f.application(world, c, org=org, user=user)
    today = dt.date(2026, 11, 2) if setup == "late" else f.TODAY
    with pytest.raises(ServiceError) as refused:
        services.application_submit(actor=user, application=draft, today=today)
    assert reason in refused.value.message
    assert Application.objects.get(pk=draft.pk).status == "draft"


def test_a_budget_above_the_cap_is_refused_to_the_fen(world):
    c = f.call(world)
    with pytest.raises(ServiceError) as refused:
        f.application(world, c, budget_lines=[{"name": "人员", "amount": "50000.01"}])
    assert "申请金额 50000.01 元超过单个项目上限 50000.00 元" in str(refused.value.fields)
    with pytest.raises(ServiceError, match="请检查"):
        f.application(world, c, budget_lines=[{"name": "人员", "amount": "-5"}])


def test_one_application_per_organization_and_one_submission(world):
    c = f.call(world)
    f.eligible(world.org_a)
    draft = f.application(world, c)
    with pytest.raises(ServiceError, match="本组织已申报该征集"):
        f.application(world, c)
    services.application_submit(actor=world.org_user, application=draft, today=f.TODAY)
    with pytest.raises(InvalidMove):
        services.application_submit(actor=world.org_user, application=draft, today=f.TODAY)
    assert Application.objects.filter(call=c).count() == 1


def test_another_organization_cannot_write_for_org_a(world):
    c = f.call(world)
    with pytest.raises(NotAllowed):
        f.application(world, c, user=world.org_user_b)


def test_the_buyer_reviews_and_the_organization_finds_it_in_its_list(world, client_for):
    c = f.call(world)
    f.eligible(world.org_a)
    app = services.application_submit(actor=world.org_user, application=f.application(world, c), today=f.TODAY)
    town = client_for(world.town_staff)
    # the district administrator (above the town) may read but not decide the town's formal review
    with pytest.raises(GuardFailed, match="只有购买主体（甲县1镇）的工作人员可以办理"):
        services.application_move(actor=world.district_admin, application=app, action="accept")
    response = town.post(reverse("projects:application_move", args=[app.pk, "reject"]), {"comment": ""})
    assert Application.objects.get(pk=app.pk).status == "submitted"  # a rejection needs its reason
    town.post(reverse("projects:application_move", args=[app.pk, "reject"]), {"comment": "预算明细与方案不符"})
    assert Application.objects.get(pk=app.pk).status == "rejected"
    page = client_for(world.org_user).get(reverse("projects:application_detail", args=[app.pk])).content.decode()
    assert "形式审查未通过" in page and "预算明细与方案不符" in page and "submit" not in page.split("办理过程")[1]
    assert response.status_code == 302


# --- pages ------------------------------------------------------------------------------------------------------


def test_an_organization_applies_through_the_pages_and_a_double_post_creates_one(world, client_for):
    c = f.call(world)
    f.eligible(world.org_a)
    org = client_for(world.org_user)
    detail = org.get(reverse("projects:call_detail", args=[c.pk])).content.decode()
    assert "以“甲县社工服务中心”申报" in detail
    form = {"title": "银龄互助服务", "target_group": "独居老人", "beneficiaries": "120", "proposal": "结对探访",
            "team": "社工 2 名",
            "budget-TOTAL_FORMS": "2", "budget-INITIAL_FORMS": "0", "budget-0-name": "交通补贴",
            "budget-0-amount": "1200.50", "budget-1-name": "", "budget-1-amount": "",
            "indicator-TOTAL_FORMS": "1", "indicator-INITIAL_FORMS": "0", "indicator-0-name": "探访人次",
            "indicator-0-target": "960"}
    url = reverse("projects:application_create", args=[c.pk]) + f"?org={world.org_a.pk}"
    first = org.post(url, form)
    second = org.post(url, form)
    assert first.status_code == 302 and second.status_code == 302
    assert Application.objects.filter(call=c).count() == 1
    app = Application.objects.get(call=c)
    assert app.requested == Decimal("1200.50") and app.budget_lines == [{"name": "交通补贴", "amount": "1200.50"}]
    org.post(reverse("projects:application_submit", args=[app.pk]))
    assert Application.objects.get(pk=app.pk).status == "submitted"


def test_list_and_detail_pages_stay_within_their_query_budget(world, client_for):
    from zhengshe.organizations.tests import factories as of

    c = f.call(world)
    for n in range(12):
        org = of.org(world.county_a, name=f"甲县第{n}社会组织")
        from zhengshe.testing import make_user

        user = make_user(f"org_extra_{n}", "org_user", target=org)
        f.application(world, c, org=org, user=user, title=f"项目{n}")
    town = client_for(world.town_staff)
    town.get(reverse("projects:application_list"))
    with assert_max_queries(12):
        page = town.get(reverse("projects:application_list"))
    assert page.status_code == 200 and "项目11" in page.content.decode()
    with assert_max_queries(14):
        assert town.get(reverse("projects:call_detail", args=[c.pk])).status_code == 200
    assert Call.objects.count() == 1


def test_the_demo_county_has_a_needs_survey_a_published_call_and_a_submitted_application(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("demo", stdout=out)
    call = Call.objects.get(title__startswith="双凤镇", kind="venture")
    assert call.status == "published" and [n.title for n in call.needs.order_by("-residents")][:1] == ["四点半课堂"]
    application = Application.objects.get(call=call)
    assert application.status == "submitted", out.getvalue()
    assert application.requested == Decimal("42000.00")
    assert rollups.differences() == []
