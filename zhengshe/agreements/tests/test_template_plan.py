"""A template's payment plan is edited as rows (issue 12 point 10): name, due date, and a share or an amount; shares
add up to 100 %, amounts to each agreement's money; refusals in Chinese, naming the row; a plan by amount is paid as
written."""

from decimal import Decimal

import pytest
from django.urls import reverse

from zhengshe.agreements import services
from zhengshe.agreements.models import Agreement, AgreementTemplate
from zhengshe.core.errors import ServiceError

from .conftest import YEAR, sign_both


def _post(template, rows):
    data = {"version": template.version, "plan-TOTAL_FORMS": str(len(rows)), "plan-INITIAL_FORMS": "0"}
    for name in ("title", "party_a_name", "party_a_department", "number_prefix", *Agreement.CLAUSES):
        data[name] = getattr(template, name)
    data.update(term_start=template.term_start.isoformat(), term_end=template.term_end.isoformat(),
                b_signs_first="on")
    for n, row in enumerate(rows):
        data.update({f"plan-{n}-{k}": v for k, v in row.items()})
    return data


def test_the_plan_is_rows_not_json(world, client_for, template):
    town = client_for(world.town_staff)
    url = reverse("agreements:template_detail", args=[template.pk])
    page = town.get(url).content.decode()
    assert 'name="plan-0-label" value="第一期"' in page and 'name="plan-1-percent" value="40"' in page
    assert "JSON" not in page and "instalment_plan_text" not in page

    # shares adding up to 90 % are refused, the template keeps its plan
    bad = town.post(url, _post(template, [{"label": "第一期", "due": f"{YEAR}-06-30", "percent": "50"},
                                          {"label": "第二期", "due": f"{YEAR}-12-31", "percent": "40"}]))
    assert bad.status_code == 200 and "各期比例合计应为 100%，当前为 90%。" in bad.content.decode()
    # a row with both a share and an amount names the row
    both = town.post(url, _post(template, [{"label": "第一期", "due": f"{YEAR}-06-30", "percent": "100",
                                            "amount": "8500"}]))
    assert "第 1 期：" in both.content.decode() and "比例和金额须填且只填一项。" in both.content.decode()
    assert AgreementTemplate.objects.get(pk=template.pk).instalment_plan == template.instalment_plan

    # three rows adding up to 100 % are saved as the plan
    ok = town.post(url, _post(template, [{"label": "第一期", "due": f"{YEAR}-05-31", "percent": "30"},
                                         {"label": "第二期", "due": f"{YEAR}-09-30", "percent": "30"},
                                         {"label": "第三期", "due": f"{YEAR}-12-31", "percent": "40"}]))
    assert ok.status_code == 302
    assert AgreementTemplate.objects.get(pk=template.pk).instalment_plan == [
        {"label": "第一期", "due": f"{YEAR}-05-31", "percent": "30"},
        {"label": "第二期", "due": f"{YEAR}-09-30", "percent": "30"},
        {"label": "第三期", "due": f"{YEAR}-12-31", "percent": "40"}]


def test_a_plan_by_amount_must_equal_each_agreements_money(world, template):
    # the town's committees have different money (per household and per capita items): amounts cannot fit them all
    totals = services.template_totals(template)
    assert len(totals) > 1
    with pytest.raises(ServiceError, match="按金额分期时各期金额合计（8,500.00 元）须等于每份协议的经费合计"):
        services.template_update(actor=world.town_staff, template=template, version=template.version, data={
            "instalment_plan": [{"label": "第一期", "due": f"{YEAR}-06-30", "amount": "8500"}]})
    assert services.instalment_plan_problem(
        [{"label": "第一期", "due": f"{YEAR}-06-30", "amount": "1"}, {"label": "二", "due": "x", "percent": "1"}]) \
        == "第 2 期：请填写应拨付日期。"


def test_an_agreement_signed_on_a_plan_by_amount_gets_those_amounts(world, drafted):
    agreement = drafted[world.village_a1x.code]
    AgreementTemplate.objects.filter(pk=agreement.template_id).update(instalment_plan=[
        {"label": "预拨", "due": f"{YEAR}-03-31", "amount": "5000.00"},
        {"label": "结算", "due": f"{YEAR}-12-31", "amount": "3500.00"}])
    signed = sign_both(world, agreement)
    assert list(signed.instalments.order_by("number").values_list("label", "amount")) == [
        ("预拨", Decimal("5000.00")), ("结算", Decimal("3500.00"))]
