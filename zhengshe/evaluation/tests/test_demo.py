"""The evaluation demo tells the whole story of the issue on the demo county, and is idempotent."""

import random

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_story():
    from zhengshe.accounts import demo as accounts_demo
    from zhengshe.accounts.models import User
    from zhengshe.agreements import demo as agreements_demo
    from zhengshe.agreements.demo import xinhu_council
    from zhengshe.agreements.models import LedgerEntry
    from zhengshe.agreements.tests.conftest import make_assisted_list
    from zhengshe.core.demo import DemoContext
    from zhengshe.evaluation import demo
    from zhengshe.evaluation.models import ConflictDeclaration, Consequence, Objection, Round, SurveyResponse
    from zhengshe.organizations.models import Organization
    from zhengshe.regions import demo as regions_demo

    rng = random.Random(2026)
    county = regions_demo.build_county(rng)
    accounts_demo.build_users(county, Organization.objects.create(name="演示社工机构", region=county),
                              xinhu_council(county))
    make_assisted_list(county, year=timezone.localdate().year)
    ctx = DemoContext(rng=rng, county=county, users={u.username: u for u in User.objects.all()})
    agreements_demo.build(ctx)
    demo.build(ctx)
    this_year, last_year = Round.objects.order_by("-year")[:2]
    assert this_year.status == "publicity" and last_year.status == "final"
    assert this_year.sheets.filter(kind="self", status="submitted").count() == 2
    assert this_year.sheets.filter(kind="committee", status="submitted").count() >= 2 * 5  # the town + departments
    assert ConflictDeclaration.objects.filter(round=this_year).count() == 1
    assert SurveyResponse.objects.filter(survey__round=this_year).count() > 300
    assert this_year.results.filter(insufficient_sample=True).exists()
    assert this_year.results.filter(previous_total__isnull=False).exists()
    # one unit 评分不全 (its only panel member was conflicted out), one 样本不足 — each with the printed rule
    incomplete = this_year.results.get(rating="incomplete")
    assert incomplete.unit_id == ConflictDeclaration.objects.get(round=this_year).unit_id
    assert incomplete.total is None and incomplete.grade == "" and "评分不全" in incomplete.note
    short = this_year.results.filter(rating="provisional").first()
    assert short is not None and short.sample_size < this_year.min_sample and "按本轮规则等次暂定" in short.note
    held_back = [incomplete.unit_id] + list(this_year.results.filter(rating="provisional").values_list("unit_id",
                                                                                                       flat=True))
    assert not Consequence.objects.filter(unit_id__in=held_back, kind__in=["withhold", "award"]).exists()
    objection = Objection.objects.get(round=this_year)
    assert objection.unit.region.name == "新湖村" and objection.status == "adjusted"
    assert objection.changes[0]["code"] == "A8" and objection.confirmed_by_id != objection.responded_by_id
    withhold = Consequence.objects.get(round=this_year, kind="withhold", status="confirmed")
    assert LedgerEntry.objects.filter(agreement_id=withhold.agreement_id, kind="withhold", source="evaluation").exists()
    assert Consequence.objects.filter(round=this_year, status="proposed").exists()  # the rest await a person
    demo.build(ctx)  # second run: nothing added
    assert Round.objects.count() == 2
