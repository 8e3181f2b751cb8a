"""Aggregation against hand-computed cases: weights, checklists, deductions, computed indicators, surveys,
missing scores under both rules, conflicts ignored, grades at the band edges, rankings, last year."""

from decimal import Decimal

import pytest

from zhengshe.evaluation import services
from zhengshe.evaluation.aggregation import round_compute_results
from zhengshe.evaluation.choices import DEFAULT_GRADE_BANDS, MissingRule
from zhengshe.evaluation.models import IndicatorResult, UnitResult
from zhengshe.evaluation.scoring import competition_ranks, grade_for
from zhengshe.evaluation.surveys import survey_submit

from .conftest import advance, second_manager, unit_of

pytestmark = pytest.mark.django_db


def fill(actor, unit, values, submit=True):
    sheet = services.sheet_open(actor=actor, unit=unit)
    ids = {i.code: i.pk for i in services.sheet_indicators(sheet)}
    entries = {}
    for code, value in values.items():
        entries[ids[code]] = {"checked": value} if isinstance(value, list) else {"value": value}
    return services.sheet_save(actor=actor, sheet=sheet, entries=entries, submit=submit)


def answer(survey, levels_by_code, token):
    from zhengshe.evaluation.surveys import questions

    ids = {i.code: i.pk for _h, inds in questions(survey) for i in inds}
    return survey_submit(survey=survey, answers={ids[c]: lv for c, lv in levels_by_code.items()},
                         device_token=token, ip=f"10.0.0.{token}")


def test_hand_computed_committee_result(world, scoring_round, test_sources):
    # given: two panelists, one computed value, two residents' answers
    unit = unit_of(scoring_round, world.village_a1x)
    test_sources[("ratio", world.village_a1x.code, "")] = Decimal("0.5")
    fill(world.expert, unit, {"A1": "8", "A2": [0, 1], "A3": "1"})  # 32 + 20 + 15
    fill(world.district_admin, unit, {"A1": "6", "A2": [0, 1, 2]})  # 24 + 30, A3 left blank
    answer(unit.survey, {"R1": 5, "R2": 3, "G1": 4}, "1")
    answer(unit.survey, {"R1": 4, "R2": 3, "G1": 2}, "2")
    # when
    round_compute_results(actor=world.district_admin, round_=scoring_round)
    # then: A1 (32+24)/2 = 28, A2 (20+30)/2 = 25, A3 15 (one scorer), A4 0.5 × 10 = 5 → 73
    result = UnitResult.objects.get(unit=unit)
    points = {r.indicator.code: r.points for r in IndicatorResult.objects.filter(unit=unit).select_related("indicator")}
    assert points["A1"] == Decimal("28") and points["A2"] == Decimal("25") and points["A3"] == Decimal("15")
    assert points["A4"] == Decimal("5")
    assert result.main_score == Decimal("73.00")
    # residents: R1 (1 + 0.8)/2 × 50 = 45, R2 0.6 × 50 = 30 → 75; total 73 × 0.8 + 75 × 0.2 = 73.40
    assert points["R1"] == Decimal("45") and points["R2"] == Decimal("30")
    assert result.residents_score == Decimal("75.00")
    assert result.total == Decimal("73.40")
    assert result.grade == "基本合格"
    assert result.sample_size == 2 and not result.insufficient_sample
    assert result.scorers == 2
    assert "73.00" in result.explanation and "答卷 2 份" in result.explanation
    # the town government's residents' indicator counts the same two answers: (0.8 + 0.3)/2 × 100 = 55
    gov = UnitResult.objects.get(unit=unit_of(scoring_round, world.town_a1, "government"))
    assert gov.residents_score == Decimal("55.00") and gov.sample_size == 2


def test_missing_scores_renormalised_or_zero(world, scoring_round, test_sources):
    unit = unit_of(scoring_round, world.village_a1y)
    fill(world.expert, unit, {"A1": "10"})  # 40 of 40; A2, A3 unscored, A4 has no data
    scoring_round.min_coverage = Decimal("40")  # 40 % of the weight scored: enough for this round
    scoring_round.save()
    round_compute_results(actor=world.district_admin, round_=scoring_round)
    result = UnitResult.objects.get(unit=unit)
    assert result.main_score == Decimal("100.00")  # renormalised: 40 ÷ 40 × 100
    missing = IndicatorResult.objects.filter(unit=unit, missing=True).values_list("indicator__code", flat=True)
    assert set(missing) >= {"A2", "A3", "A4"}
    # no residents' answers: sample 0 < 2 → marked and not ranked
    assert result.insufficient_sample and result.rank_district is None
    scoring_round.missing_rule = MissingRule.ZERO
    scoring_round.save()
    round_compute_results(actor=world.district_admin, round_=scoring_round)
    assert UnitResult.objects.get(unit=unit).main_score == Decimal("40.00")


def test_deduction_floor_and_computed_deduction(world, scoring_round, test_sources):
    unit = unit_of(scoring_round, world.village_a1z)
    fill(world.expert, unit, {"A1": "0", "A2": [], "A3": "9"})  # 9 × 5 = 45 > 20 → 0, never negative
    test_sources[("count", world.town_a1.code, "")] = 3  # 40 − 3 × 10 = 10
    gov = unit_of(scoring_round, world.town_a1, "government")
    fill(world.village_staff, gov, {"B1": "50"})  # 50 / 100 × 60 = 30
    round_compute_results(actor=world.district_admin, round_=scoring_round)
    rows = {r.indicator.code: r for r in IndicatorResult.objects.filter(unit__in=[unit, gov]).select_related("indicator")}
    assert rows["A3"].points == Decimal("0")
    assert rows["B2"].points == Decimal("10") and rows["B2"].raw == "3"
    assert UnitResult.objects.get(unit=gov).main_score == Decimal("40.00")


def test_conflicted_scorer_is_refused_and_ignored(world, scoring_round):
    unit = unit_of(scoring_round, world.village_a1x)
    fill(world.expert, unit, {"A1": "10"}, submit=False)
    services.conflict_declare(actor=world.expert, unit=unit, reason="本人配偶在该村任职")
    from zhengshe.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.sheet_open(actor=world.expert, unit=unit)
    sheet = unit.sheets.get(scorer=world.expert)
    with pytest.raises(NotAllowed):
        services.sheet_save(actor=world.expert, sheet=sheet, entries={}, submit=True)
    # another unit is still open to the same scorer
    services.sheet_open(actor=world.expert, unit=unit_of(scoring_round, world.village_a1y))


def test_conflict_declared_after_submission_drops_the_sheet(world, scoring_round):
    unit = unit_of(scoring_round, world.village_a1x)
    fill(world.expert, unit, {"A1": "10"})
    fill(world.district_admin, unit, {"A1": "5"})
    services.conflict_declare(actor=world.expert, unit=unit, reason="事后发现亲属关系")
    round_compute_results(actor=world.district_admin, round_=scoring_round)
    assert IndicatorResult.objects.get(unit=unit, indicator__code="A1").points == Decimal("20")
    assert UnitResult.objects.get(unit=unit).scorers == 1


@pytest.mark.parametrize("total,grade", [("90.00", "优秀"), ("89.99", "合格"), ("75", "合格"), ("74.99", "基本合格"),
                                         ("60", "基本合格"), ("59.99", "不合格"), ("0", "不合格"), ("100", "优秀"),
                                         ("89.995", "优秀")])
def test_grade_band_edges(total, grade):
    assert grade_for(Decimal(total), DEFAULT_GRADE_BANDS) == grade


def test_bands_must_be_descending_and_end_at_zero():
    from django.core.exceptions import ValidationError

    from zhengshe.evaluation.scoring import validate_bands

    with pytest.raises(ValidationError):
        validate_bands([{"label": "优秀", "min": "90"}, {"label": "合格", "min": "95"}, {"label": "差", "min": "0"}])
    with pytest.raises(ValidationError):
        validate_bands([{"label": "优秀", "min": "90"}, {"label": "合格", "min": "60"}])


def test_competition_ranking_ties():
    assert competition_ranks([("a", 90), ("b", 95), ("c", 90), ("d", 80)]) == {"b": 1, "a": 2, "c": 2, "d": 4}


def test_rankings_and_last_year(world, templates, scoring_round):
    for region, score in [(world.village_a1x, "9"), (world.village_a1y, "7"), (world.village_a1z, "9")]:
        unit = unit_of(scoring_round, region)
        fill(world.expert, unit, {"A1": score, "A2": [0, 1, 2], "A3": "0"})
        for n in range(2):
            answer(unit.survey, {"R1": 5, "R2": 5}, f"{region.pk}{n}")
    round_compute_results(actor=world.district_admin, round_=scoring_round)
    ranks = {r.unit.region_id: (r.rank_town, r.rank_district) for r in UnitResult.objects.filter(
        round=scoring_round, unit__kind="committee", rank_district__isnull=False).select_related("unit")}
    assert ranks[world.village_a1x.pk] == (1, 1) and ranks[world.village_a1z.pk] == (1, 1)
    assert ranks[world.village_a1y.pk] == (3, 3)
    # next year's round compares with this one
    advance(advance(scoring_round, world.district_admin, "close_scoring"), second_manager(world), "publish")
    last = UnitResult.objects.get(unit=unit_of(scoring_round, world.village_a1x)).total
    nxt = services.round_create(
        actor=world.district_admin, region=world.county_a, year=2027, title="2027 评估",
        templates={"template_committee": templates.committee})
    advance(nxt, world.district_admin, "open", "start_scoring", "close_scoring")
    assert UnitResult.objects.get(unit=unit_of(nxt, world.village_a1x)).previous_total == last


def test_results_frozen_after_publication(world, scoring_round):
    from zhengshe.core.errors import ServiceError

    published = advance(advance(scoring_round, world.district_admin, "close_scoring"), second_manager(world), "publish")
    assert published.publicity_end is not None
    with pytest.raises(ServiceError):
        round_compute_results(actor=world.district_admin, round_=published)
