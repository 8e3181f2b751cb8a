"""Grades and money never rest on missing data (issue 12, points 1, 2 and 6): a unit nobody scored is 评分不全,
a short residents' sample follows the round's one printed rule, and last year's comparison leaves gaps as gaps."""

from decimal import Decimal

import pytest
from django.urls import reverse

from zhengshe.evaluation import services
from zhengshe.evaluation.aggregation import round_compute_results
from zhengshe.evaluation.models import Consequence, UnitResult

from .conftest import advance, unit_of
from .test_aggregation import answer, fill

pytestmark = pytest.mark.django_db

BANDS = [{"label": "优秀", "min": "90", "award": "5000"}, {"label": "合格", "min": "75"},
         {"label": "基本合格", "min": "60"}, {"label": "不合格", "min": "0", "withhold": "3000"}]


def _with_money_bands(round_):
    round_.grade_bands = BANDS
    round_.save(update_fields=["grade_bands"])
    return round_


def test_a_unit_nobody_scored_is_not_graded(world, scoring_round, test_sources, client_for):
    # given: the only expert is conflicted out of 甲县1镇1村; only the computed indicator (10 of 100) has data
    round_ = _with_money_bands(scoring_round)
    unit = unit_of(round_, world.village_a1x)
    services.conflict_declare(actor=world.expert, unit=unit, reason="亲属在该村任职")
    test_sources[("ratio", world.village_a1x.code, "")] = Decimal("0.5")
    other = unit_of(round_, world.village_a1y)
    fill(world.expert, other, {"A1": "9", "A2": [0, 1, 2], "A3": "0"})
    # when
    round_compute_results(actor=world.district_admin, round_=round_)
    # then: no total, no grade, no rank — and it says why
    result = UnitResult.objects.get(unit=unit)
    assert result.total is None and result.main_score is None and result.grade == ""
    assert result.rank_district is None and result.rank_town is None
    assert result.coverage == Decimal("10.00") and result.rating == "incomplete"
    assert "评分不全" in result.note and "10.00%" in result.note and "60%" in result.note
    assert result.change is None
    assert UnitResult.objects.get(unit=other).grade  # a scored neighbour is still graded
    page = client_for(world.district_admin).get(reverse("evaluation:results", args=[round_.pk])).content.decode()
    assert "评分不全" in page and "未评定" in page and "低于本轮最低 60%" in page


def test_unscored_unit_gets_no_consequence_and_public_page_says_why(world, scoring_round, test_sources, client):
    round_ = _with_money_bands(scoring_round)
    unit = unit_of(round_, world.village_a1x)
    services.conflict_declare(actor=world.expert, unit=unit, reason="亲属在该村任职")
    test_sources[("ratio", world.village_a1x.code, "")] = Decimal("0.5")
    round_ = advance(round_, world.district_admin, "close_scoring")
    round_ = publish(round_, world)
    made = services.consequences_suggest(actor=world.district_admin, round_=round_)
    assert not [c for c in made if c.unit_id == unit.pk]
    assert not Consequence.objects.filter(unit=unit).exists()
    with pytest.raises(services.ServiceError, match="未评定"):
        services.consequence_propose(actor=world.district_admin, unit=unit, kind="withhold", amount="3000",
                                     reason="不合格扣减")
    page = client.get(reverse("evaluation_public:publicity", args=[round_.pk])).content.decode()
    assert unit.name in page and "评分不全" in page and "已评指标权重 10.00%" in page


def publish(round_, world):
    """Publish with a second person when the round separates duties (issue 12 point 4)."""
    from zhengshe.evaluation.tests.conftest import second_manager

    return advance(round_, second_manager(world), "publish")


def _short_and_full(world, round_):
    """甲县1镇1村: a perfect panel score but 1 answer (minimum 2); 甲县1镇2村: lower score, 2 answers."""
    short, full = unit_of(round_, world.village_a1x), unit_of(round_, world.village_a1y)
    fill(world.expert, short, {"A1": "10", "A2": [0, 1, 2], "A3": "0"})  # 90 of the 90 scored → 100
    fill(world.expert, full, {"A1": "8", "A2": [0, 1, 2], "A3": "0"})
    answer(short.survey, {"R1": 5, "R2": 5}, "1")
    answer(full.survey, {"R1": 3, "R2": 3}, "2")
    answer(full.survey, {"R1": 4, "R2": 4}, "3")
    return short, full


def test_short_sample_grade_is_provisional_and_wins_no_reward(world, scoring_round, test_sources, client_for):
    # given: the round's default rule for an insufficient sample (等次暂定)
    round_ = _with_money_bands(scoring_round)
    short, full = _short_and_full(world, round_)
    # when
    round_ = advance(round_, world.district_admin, "close_scoring")
    # then: the panel part stands as a provisional total, unranked, with the rule printed beside it
    result = UnitResult.objects.get(unit=short)
    assert result.total == Decimal("100.00") and result.rating == "provisional"
    assert result.grade_label == "优秀（暂定）" and result.rank_district is None
    assert "样本不足（1/2 份）" in result.note and "等次暂定" in result.note
    assert UnitResult.objects.get(unit=full).rating == "rated"
    page = client_for(world.district_admin).get(reverse("evaluation:results", args=[round_.pk])).content.decode()
    assert "100.00（暂定）" in page and "优秀（暂定）" in page and "不提出经费奖励或扣减" in page
    assert "按本轮规则“等次暂定" in page
    # and no reward is proposed, by rule or by hand, until the sample is resolved
    round_ = publish(round_, world)
    made = services.consequences_suggest(actor=world.district_admin, round_=round_)
    assert not [c for c in made if c.unit_id == short.pk and c.kind == "award"]
    with pytest.raises(services.ServiceError, match="暂定"):
        services.consequence_propose(actor=world.district_admin, unit=short, kind="award", amount="5000",
                                     reason="优秀奖励")


def test_round_may_rule_short_samples_unrated_for_every_unit(world, scoring_round, test_sources, client):
    round_ = scoring_round
    round_.short_sample_rule = "unrated"
    round_.save(update_fields=["short_sample_rule"])
    short, full = _short_and_full(world, round_)
    other_short = unit_of(round_, world.village_a1z)
    fill(world.expert, other_short, {"A1": "5", "A2": [0], "A3": "2"})  # no answers at all
    round_ = publish(advance(round_, world.district_admin, "close_scoring"), world)
    for unit in (short, other_short):
        result = UnitResult.objects.get(unit=unit)
        assert result.total is None and result.grade == "" and result.rating == "short"
        assert "按本轮规则不评定" in result.note
    assert UnitResult.objects.get(unit=full).total is not None
    page = client.get(reverse("evaluation_public:publicity", args=[round_.pk])).content.decode()
    assert "样本不足（1/2 份）：按本轮规则不评定" in page and "样本不足（0/2 份）：按本轮规则不评定" in page


def _last_year_published(world, templates, test_sources):
    """A published 2025 round where 甲县1镇1村 scored and 甲县1镇2村 was not rated (nobody scored it)."""
    last = services.round_create(
        actor=world.district_admin, region=world.county_a, year=2025, title="2025年度甲县评估",
        templates={"template_committee": templates.committee, "template_government": templates.government})
    services.panelist_add(actor=world.district_admin, round_=last, user=world.expert)
    last = advance(last, world.district_admin, "open", "start_scoring")
    fill(world.expert, unit_of(last, world.village_a1x), {"A1": "8", "A2": [0, 1, 2], "A3": "0"})
    last = advance(last, world.district_admin, "close_scoring")
    return publish(last, world)


def test_year_over_year_compares_with_the_previous_round_and_leaves_gaps(world, templates, round_, test_sources):
    from zhengshe.evaluation.selectors import chart_data

    _last_year_published(world, templates, test_sources)
    # a new round (2026), nothing computed yet: the chart already shows last year's figures
    chart = chart_data(round_, UnitResult.objects.filter(round=round_))
    names = chart["yoy"]["labels"]
    a1x = unit_of(round_, world.village_a1x).name
    assert a1x in names and chart["yoy"]["previous_year"] == 2025
    index = names.index(a1x)
    assert chart["yoy"]["previous"][index] is not None and chart["yoy"]["current"][index] is None
    assert unit_of(round_, world.village_a1y).name not in names  # unrated last year, unscored now: no bar at all
    # once computed: the town government nobody graded is not drawn as 0 but listed as unrated
    scoring = advance(round_, world.district_admin, "open", "start_scoring")
    fill(world.expert, unit_of(scoring, world.village_a1x), {"A1": "9", "A2": [0, 1, 2], "A3": "0"})
    round_compute_results(actor=world.district_admin, round_=scoring)
    chart = chart_data(scoring, UnitResult.objects.filter(round=scoring))
    assert 0.0 not in chart["departments"]["values"] and None not in chart["departments"]["values"]
    assert "甲县1镇人民政府" in chart["departments"]["missing"]
    index = chart["yoy"]["labels"].index(a1x)
    assert chart["yoy"]["current"][index] is not None and chart["yoy"]["previous"][index] is not None
    assert UnitResult.objects.get(unit=unit_of(scoring, world.village_a1x)).previous_total is not None
