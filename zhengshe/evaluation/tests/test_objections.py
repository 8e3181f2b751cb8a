"""An objection answer never sets a total (issue 12 point 3): it names indicator scores within their scale, with the
reason, and takes effect only when a second authorised person confirms; a scorer of the unit can do neither."""

from decimal import Decimal

import pytest

from zhengshe.core.errors import NotAllowed, ServiceError
from zhengshe.evaluation import services
from zhengshe.evaluation.models import IndicatorResult, UnitResult

from .conftest import second_manager, unit_of
from .test_services import published  # noqa: F401  (fixture: 甲县1镇1村 scored 47.55 by the expert, published)

pytestmark = pytest.mark.django_db


@pytest.fixture
def objection(world, published):  # noqa: F811
    unit = unit_of(published, world.village_a1x)
    return services.objection_file(actor=world.village_staff, unit=unit, text="台账已齐全，请复核 A1 项")


def _a1(round_):
    return round_.template_committee.indicators.get(code="A1")


def test_answer_changes_named_scores_only_after_a_second_person_confirms(world, published, objection):  # noqa: F811
    result = UnitResult.objects.get(unit=objection.unit)
    assert result.final_total == Decimal("47.55") and result.grade == "不合格"
    # when: one person answers, naming A1 (5 → 10 on its 0–10 scale) with the reason
    answered = services.objection_answer(actor=world.district_admin, objection=objection,
                                         response="台账整改材料属实，A1 按满分复核", changes={_a1(published).pk: {"value": "10"}})
    # then: nothing moved yet
    assert answered.status == "pending" and answered.changes[0]["code"] == "A1"
    assert answered.changes[0]["before"] == "20.0000" and answered.changes[0]["after"] == "40.0000"
    result.refresh_from_db()
    assert result.final_total == Decimal("47.55") and result.adjusted_total is None
    # the answerer cannot confirm their own answer
    with pytest.raises(NotAllowed, match="另一名人员"):
        services.objection_confirm(actor=world.district_admin, objection=answered)
    # when: a second manager confirms
    done = services.objection_confirm(actor=second_manager(world), objection=answered, note="同意")
    # then: the named indicator changed and the total follows the round's own rules: 60/90 × 100 × 0.8 + 60 × 0.2
    result.refresh_from_db()
    assert done.status == "adjusted" and done.adjusted_total == Decimal("65.34")
    assert result.final_total == Decimal("65.34") and result.grade == "基本合格"
    assert IndicatorResult.objects.get(unit=objection.unit, indicator=_a1(published)).points == Decimal("40")
    assert "A1" in result.explanation and "47.55 → 65.34" in result.explanation


def test_answer_stays_within_the_indicator_scale_and_needs_a_reason(world, published, objection):  # noqa: F811
    with pytest.raises(ServiceError) as exc:
        services.objection_answer(actor=world.district_admin, objection=objection, response="调整",
                                  changes={_a1(published).pk: {"value": "11"}})
    assert "0 至 10" in str(exc.value.fields)
    with pytest.raises(ServiceError, match="答复意见"):
        services.objection_answer(actor=world.district_admin, objection=objection, response=" ",
                                  changes={_a1(published).pk: {"value": "9"}})
    computed = published.template_committee.indicators.get(code="A4")
    with pytest.raises(ServiceError, match="人工评分"):
        services.objection_answer(actor=world.district_admin, objection=objection, response="调整",
                                  changes={computed.pk: {"value": "1"}})


def test_a_scorer_of_the_unit_can_neither_answer_nor_confirm(world, scoring_round):
    from .conftest import advance
    from .test_aggregation import answer, fill

    unit = unit_of(scoring_round, world.village_a1x)
    fill(world.district_admin, unit, {"A1": "6", "A2": [0, 1], "A3": "1"})  # the district admin is on the panel
    for token in ("1", "2"):
        answer(unit.survey, {"R1": 4, "R2": 4}, token)
    round_ = advance(scoring_round, world.district_admin, "close_scoring")
    round_ = advance(round_, second_manager(world), "publish")
    objection = services.objection_file(actor=world.village_staff, unit=unit, text="请复核")
    with pytest.raises(NotAllowed, match="评过分"):
        services.objection_answer(actor=world.district_admin, objection=objection, response="维持")
    answered = services.objection_answer(actor=second_manager(world), objection=objection, response="维持原结果")
    with pytest.raises(NotAllowed, match="评过分"):
        services.objection_confirm(actor=world.district_admin, objection=answered)


def test_the_screen_offers_no_total_to_type(world, published, objection, client_for):  # noqa: F811
    admin = client_for(world.district_admin)
    url = objection.get_absolute_url()
    page = admin.get(url).content.decode()
    assert "复核后总分" not in page and "复核后分值" in page and "A1" in page
    admin.post(url, {"step": "answer", "response": "改为 90 分", "adjusted_total": "90.00"})
    objection.refresh_from_db()
    assert objection.status == "pending" and objection.changes == []
    assert UnitResult.objects.get(unit=objection.unit).final_total == Decimal("47.55")
    second = client_for(second_manager(world))
    assert "确认答复" in second.get(url).content.decode()
    second.post(url, {"step": "confirm", "decision": "confirm", "note": ""})
    objection.refresh_from_db()
    assert objection.status == "maintained"
    assert UnitResult.objects.get(unit=objection.unit).final_total == Decimal("47.55")
