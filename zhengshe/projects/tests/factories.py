"""Builders for projects test data: a town's venture-philanthropy call and an eligible organization of county A."""

import datetime as dt
from decimal import Decimal

from zhengshe.organizations.models import AnnualReport, GradeApplication, GradeRound
from zhengshe.projects import services

RUBRIC = [{"name": "需求契合度", "weight": 40}, {"name": "方案可行性", "weight": 40}, {"name": "预算合理性", "weight": 20}]
TODAY = dt.date(2026, 9, 15)  # the suite's day (conftest.SUITE_NOW)


def eligible(org, grade="4A"):
    """Give ``org`` what a 3A+ call asks: active, a grade in force, last year's report accepted."""
    org.org_type = "social_group"
    org.save()
    rnd = GradeRound.objects.create(year=2025, region=org.region, name=f"{org.region.name}2025年度等级评估",
                                    status="closed")
    GradeApplication.objects.create(round=rnd, organization=org, status="confirmed", decided_grade=grade,
                                    valid_from=dt.date(2025, 12, 1), valid_to=dt.date(2030, 11, 30))
    AnnualReport.objects.create(organization=org, year=2025, deadline=dt.date(2026, 5, 31), status="accepted")
    return org


def call(world, *, publish=True, buyer=None, actor=None, title="甲县1镇2026年公益创投", **kw):
    buyer = buyer or world.town_a1
    actor = actor or world.town_staff
    fields = dict(year=2026, kind="venture", title=title, description="面向辖区老人和儿童的公益创投项目征集。",
                  budget=Decimal("600000.00"), max_per_project=Decimal("50000.00"), opens_on=dt.date(2026, 9, 1),
                  closes_on=dt.date(2026, 10, 31), min_grade="3A", local_only=False, rubric=RUBRIC)
    fields.update(kw)
    c = services.call_create(actor=actor, buyer_region=buyer, **fields)
    if publish:
        c = services.call_move(actor=actor, call=c, action="publish")
    return c


APPLICATION = {"title": "银龄互助服务", "target_group": "辖区 70 岁以上独居老人", "beneficiaries": 120,
               "proposal": "组织低龄老人结对探访高龄独居老人。", "team": "社工 2 名，志愿者 20 名",
               "indicators": [{"name": "探访人次", "target": "960"}, {"name": "满意度", "target": "≥90%"}],
               "budget_lines": [{"name": "志愿者交通补贴", "amount": "12000.50"},
                                {"name": "活动物资", "amount": "8000.25"}]}


def application(world, c, org=None, user=None, **changes):
    return services.application_save(actor=user or world.org_user, call=c, organization=org or world.org_a,
                                     data={**APPLICATION, **changes})


def reviewed_call(world, *, orgs=3):
    """A closed call with ``orgs`` applications that passed formal review (org_a's first), two reviewers assigned:
    returns (call, [applications], [reviewer users])."""
    from zhengshe.organizations.tests import factories as of
    from zhengshe.testing import make_user

    c = call(world)
    eligible(world.org_a)
    pairs = [(world.org_a, world.org_user)]
    for n in range(1, orgs):
        org = eligible(of.org(world.county_a, name=f"甲县第{n}社工机构"))
        pairs.append((org, make_user(f"org_rank_{n}", "org_user", target=org)))
    applications = []
    for n, (org, user) in enumerate(pairs):
        a = application(world, c, org=org, user=user, title=f"申报项目{n + 1}")
        a = services.application_submit(actor=user, application=a, today=TODAY)
        applications.append(services.application_move(actor=world.town_staff, application=a, action="accept"))
    c = services.call_move(actor=world.town_staff, call=c, action="close")
    second = make_user("expert_two", "expert", region=world.county_a)
    services.reviewers_assign(actor=world.town_staff, call=c, reviewers=[world.expert, second])
    return c, applications, [world.expert, second]


def score(review_user, application, values, comment="方案可行"):
    from zhengshe.projects.models import Review

    review = Review.objects.get(application=application, reviewer=review_user)
    names = [r["name"] for r in application.call.rubric]
    return services.review_submit(actor=review_user, review=review, scores=dict(zip(names, values, strict=True)),
                                  comment=comment, no_conflict=True)


MILESTONES = [{"title": "项目启动与需求评估", "due_on": "2027-01-31", "payment": "8000.30"},
              {"title": "中期服务与评估", "due_on": "2027-06-30", "payment": "8000.30"},
              {"title": "结项验收", "due_on": "2027-12-31", "payment": "4000.15"}]


def awarded(world):
    """Org A's application funded in full (20 000.75) after one review; returns the application."""
    c, (a1, *_rest), (e1, _e2) = reviewed_call(world, orgs=1)
    score(e1, a1, ["32", "30", "16"])
    services.awards_decide(actor=world.town_staff, call=c, awards={a1.pk: "20000.75"})
    return type(a1).objects.get(pk=a1.pk)


def contract(world, application=None, milestones=MILESTONES):
    import datetime

    application = application or awarded(world)
    rows = [{**m, "due_on": datetime.date.fromisoformat(m["due_on"])} for m in milestones]
    return services.contract_create(actor=world.town_staff, application=application,
                                    starts_on=datetime.date(2027, 1, 1), ends_on=datetime.date(2027, 12, 31),
                                    deliverables="每周开展探访服务，建立服务档案。", milestones=rows)


def in_force(world):
    c = contract(world)
    services.contract_move(actor=world.org_user, contract=c, action="sign_org")
    return services.contract_move(actor=world.town_staff, contract=c, action="sign_buyer")


def report(world, milestone, spent="6000.00"):
    return services.milestone_report(actor=world.org_user, milestone=milestone, report="完成入户探访 240 人次。",
                                     indicator_values={"探访人次": "240"}, spent=spent)
