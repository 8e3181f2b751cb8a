"""Expert review, ranking and awards: what a panel and an auditor would check by hand."""

from decimal import Decimal

import pytest

from zhengshe.core.errors import NotAllowed, ServiceError
from zhengshe.projects import selectors, services
from zhengshe.projects.models import Application, Review
from zhengshe.testing import make_user

from . import factories as f

pytestmark = pytest.mark.django_db


def test_a_reviewer_linked_to_the_applicant_is_recused_and_cannot_score(world):
    # given an expert who also acts for organization A (its account holds the organization's role)
    from zhengshe.accounts.models import RoleAssignment

    c, apps, (expert, _second) = f.reviewed_call(world, orgs=1)
    linked = make_user("expert_linked", "expert", region=world.county_a)
    RoleAssignment.objects.create(user=linked, role="org_user", region=world.county_a, target_kind="organization",
                                  target_id=world.org_a.pk)
    services.reviewers_assign(actor=world.town_staff, call=c, reviewers=[linked])
    review = Review.objects.get(application=apps[0], reviewer=linked)
    assert review.status == "recused" and review.recusal_reason == "与申报组织有关联"
    with pytest.raises(ServiceError):
        services.review_submit(actor=linked, review=review, scores={"需求契合度": 30, "方案可行性": 30,
                                                                   "预算合理性": 10}, comment="好", no_conflict=True)


def test_a_score_needs_the_declaration_stays_within_each_weight_and_is_the_reviewers_own(world):
    c, apps, (expert, second) = f.reviewed_call(world, orgs=1)
    review = Review.objects.get(application=apps[0], reviewer=expert)
    with pytest.raises(ServiceError) as refused:
        services.review_submit(actor=expert, review=review, scores={"需求契合度": "41", "方案可行性": "30",
                                                                   "预算合理性": "x"}, comment="", no_conflict=False)
    assert set(refused.value.fields) == {"no_conflict", "需求契合度", "预算合理性", "comment"}
    with pytest.raises(NotAllowed):
        services.review_submit(actor=second, review=review, scores={}, comment="代评", no_conflict=True)
    done = f.score(expert, apps[0], ["36.5", "30", "18"])
    assert done.status == "submitted" and done.total == Decimal("84.50")


def test_ranking_mean_spread_and_outliers_against_hand_computed_values(world):
    c, (a1, a2, a3), (e1, e2) = f.reviewed_call(world)
    f.score(e1, a1, ["36", "34", "18"])  # 88
    f.score(e2, a1, ["30", "30", "10"])  # 70 → mean 79.00, spread 18, both 9 from the mean: no outlier
    f.score(e1, a2, ["40", "40", "20"])  # 100
    f.score(e2, a2, ["20", "20", "10"])  # 50 → mean 75.00, spread 50, both 25 away: outliers
    f.score(e1, a3, ["35", "35", "15"])  # 85, one review only → mean 85.00
    rows = selectors.ranking(c)
    assert [(r["title"], r["rank"], r["mean"], r["spread"], r["reviews"]) for r in rows] == [
        ("申报项目3", 1, Decimal("85.00"), Decimal("0"), 1),
        ("申报项目1", 2, Decimal("79.00"), Decimal("18.00"), 2),
        ("申报项目2", 3, Decimal("75.00"), Decimal("50.00"), 2)]
    assert rows[1]["outliers"] == [] and len(rows[2]["outliers"]) == 2


def test_awards_stay_within_the_budget_and_what_was_asked_to_the_fen(world):
    c, (a1, a2, a3), (e1, _e2) = f.reviewed_call(world)
    for a in (a1, a2):
        f.score(e1, a, ["30", "30", "15"])
    # more than asked (20 000.75), an unreviewed application, and then more than the budget
    with pytest.raises(ServiceError) as refused:
        services.awards_decide(actor=world.town_staff, call=c, awards={a1.pk: "20000.76", a3.pk: "1000"})
    assert "不超过申请金额 20000.75 元" in str(refused.value.fields) and "尚无专家评审" in str(refused.value.fields)
    c.budget = Decimal("30000.00")
    c.save()
    with pytest.raises(ServiceError, match="请检查") as refused:
        services.awards_decide(actor=world.town_staff, call=c, awards={a1.pk: "20000.75", a2.pk: "10000.00"})
    assert "资助总额 30000.75 元超过征集预算 30000.00 元" in str(refused.value.fields)
    # when the panel funds one in full and one in part
    services.awards_decide(actor=world.town_staff, call=c, awards={a1.pk: "20000.75", a2.pk: "9999.25"})
    statuses = dict(Application.objects.filter(call=c).values_list("title", "status"))
    assert statuses == {"申报项目1": "awarded", "申报项目2": "awarded", "申报项目3": "not_awarded"}
    assert sum(Application.objects.filter(call=c, status="awarded").values_list("award_amount", flat=True)) == \
        Decimal("30000.00")


def test_only_the_buyer_assigns_reviewers_and_decides(world):
    c, (a1, _a2, _a3), (e1, _e2) = f.reviewed_call(world)
    with pytest.raises(NotAllowed):
        services.reviewers_assign(actor=world.district_admin, call=c, reviewers=[e1])
    with pytest.raises(NotAllowed):
        services.awards_decide(actor=world.town_staff_b, call=c, awards={})


def test_the_ranking_reads_in_two_queries_whatever_the_number_of_reviews(world, django_assert_max_num_queries):
    c, apps, (e1, e2) = f.reviewed_call(world)
    for a in apps:
        f.score(e1, a, ["30", "30", "15"])
        f.score(e2, a, ["35", "30", "15"])
    with django_assert_max_num_queries(2):
        rows = selectors.ranking(c)
    assert all(r["mean"] == Decimal("77.50") for r in rows)
