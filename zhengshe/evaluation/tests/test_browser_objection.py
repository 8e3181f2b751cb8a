"""Four eyes on an objection, in headless Chromium (issue 12 point 3): one manager answers by re-scoring a named
indicator, the total stays until a second manager confirms, then it changes."""

from decimal import Decimal

import pytest

from zhengshe.testing import signed_in_tab

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_objection_answer_takes_effect_only_when_a_second_person_confirms(world, live_server, browser):
    from zhengshe.evaluation.models import UnitResult
    from zhengshe.evaluation.tests import factories
    from zhengshe.evaluation.tests.conftest import second_manager

    # given: a published round where 甲县1镇1村 objected to its 84.00 (A1 scored 8 of 10 by the expert)
    ns = factories.build(world)
    result = UnitResult.objects.get(unit=ns.unit)
    assert result.final_total == Decimal("84.00")
    a1 = ns.round.template_committee.indicators.get(code="A1")
    url = f"{live_server.url}{ns.objection.get_absolute_url()}"
    problems: list[str] = []

    # when the district administrator answers, naming A1 at 10 with the reason
    tab = signed_in_tab(browser, live_server, world.district_admin, problems)
    tab.goto(url)
    tab.locator(f"#review-{a1.pk}").fill("10")
    tab.get_by_label("答复意见（调整或维持的理由）").fill("台账材料已补齐，A1 按满分复核")
    tab.get_by_role("button", name="提交答复").click()
    # then the answer waits, and nothing moved
    assert tab.locator("#objection-status").inner_text() == "答复待确认"
    assert "须由另一名有权限的人员确认" in tab.content()
    assert tab.locator("#current-result").inner_text().startswith("84.00")
    assert UnitResult.objects.get(unit=ns.unit).final_total == Decimal("84.00")
    assert tab.get_by_role("button", name="提交确认意见").count() == 0  # no confirming one's own answer

    # when a second manager confirms
    other = signed_in_tab(browser, live_server, second_manager(world), problems)
    other.goto(url)
    assert "A1 指标A1：48.0000 → 60.0000" in other.content()
    other.get_by_label("确认答复，调整生效").check()
    other.get_by_role("button", name="提交确认意见").click()
    # then the total follows the re-scored indicator: 60/60 × 100 × 80 % + 100 × 20 % = 100.00
    assert other.locator("#objection-status").inner_text() == "已调整结果"
    assert other.locator("#current-result").inner_text().startswith("100.00")
    assert UnitResult.objects.get(unit=ns.unit).final_total == Decimal("100.00")
    assert not problems, problems
