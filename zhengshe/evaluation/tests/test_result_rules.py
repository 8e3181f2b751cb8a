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
