"""A supplementary agreement that changes money carries its instalments (issue 12 point 9): signing is refused until
the payment plan after it adds up to the money in force; in force, its rows change the unpaid instalments and add
the new ones; the PDF prints each item's money change once."""

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from zhengshe.agreements import selectors, services
from zhengshe.agreements.models import Amendment
from zhengshe.agreements.pdf import amendment_pdf
from zhengshe.core.errors import ServiceError

from .conftest import YEAR, plan_money
from .test_amendment_items import _item, _new_amendment, _terms, _version


def _sign(world, amendment):
    services.amendment_sign(actor=world.village_staff, amendment=Amendment.objects.get(pk=amendment.pk),
                            signer_name="张", seal_number="村章")
    return services.amendment_sign(actor=world.town_staff, amendment=Amendment.objects.get(pk=amendment.pk),
                                   signer_name="李", seal_number="镇章")


def _plan_total(agreement):
    return sum(agreement.instalments.values_list("amount", flat=True), Decimal("0"))


def test_extra_money_without_an_instalment_cannot_be_signed(world, signed):
    # given an amendment raising A03 from 5 000.00 to 12 190.00 元 (+7 190.00) and its requirements
    amendment = _new_amendment(world, signed)
    a03 = _item(signed, "A03")
    services.amendment_item_change(actor=world.town_staff, amendment=amendment, version=_version(amendment), item=a03,
                                   data=_terms(a03, funding_amount=Decimal("12190.00"), requirements="全部企业排查"),
                                   reason="排查范围扩大")
    # when party B tries to sign it with no instalment for the extra money, it is refused with the gap, in Chinese
    problem = services.amendment_plan_problem(Amendment.objects.get(pk=amendment.pk))
    assert problem.startswith("补充协议生效后协议经费为 15,690.00 元，拨付计划合计为 8,500.00 元，相差 7,190.00 元")
    with pytest.raises(ServiceError):
        _sign(world, amendment)
    assert Amendment.objects.get(pk=amendment.pk).status == "draft"
    # then with the proposed instalment it signs, and the plan matches the money in force to the fen
    plan_money(world, amendment)
    assert _sign(world, amendment).status == "in_force"
    assert selectors.ledger_totals(signed)["allocated"] == Decimal("15690.00") == _plan_total(signed)
    last = signed.instalments.order_by("-number").first()
    assert (last.number, last.amount, last.due_date) == (3, Decimal("7190.00"), signed.term_end)
    # and the PDF prints the +7,190.00 once, though the line changes two terms
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(amendment_pdf(
        Amendment.objects.get(pk=amendment.pk)))).pages)
    assert text.count("+7,190.00") == 1
    assert "拨付计划相应调整为" in text


def test_a_reduction_comes_out_of_the_unpaid_instalment(world, signed):
    first = signed.instalments.order_by("number").first()
    services.instalment_pay(actor=world.town_staff, instalment=first, paid_on=first.due_date, voucher_number="V-1")
    amendment = _new_amendment(world, signed)
    a03 = _item(signed, "A03")
    services.amendment_item_change(actor=world.town_staff, amendment=amendment, version=_version(amendment), item=a03,
                                   data=_terms(a03, funding_amount=Decimal("4000.25")), reason="工作量减少")
    proposal = services.amendment_plan_proposal(Amendment.objects.get(pk=amendment.pk))
    second = signed.instalments.get(number=2)
    assert proposal == [{"instalment": second, "label": second.label, "amount": Decimal("2400.25"),
                         "due_date": second.due_date}]
    # a paid instalment cannot be re-planned
    with pytest.raises(ServiceError, match="已拨付"):
        services.amendment_plan_set(actor=world.town_staff, amendment=amendment, version=_version(amendment),
                                    rows=[{"instalment": first, "label": "第一期", "amount": Decimal("4100.25"),
                                           "due_date": first.due_date}])
    plan_money(world, amendment)
    _sign(world, amendment)
    second.refresh_from_db()
    assert second.amount == Decimal("2400.25") and _plan_total(signed) == selectors.ledger_totals(signed)["allocated"]


def test_plan_rows_are_validated_in_chinese(world, signed):
    amendment = services.amendment_create(actor=world.town_staff, agreement=signed, title="", content="增加经费",
                                          funding_delta=Decimal("100"))
    with pytest.raises(ServiceError, match="第 1 行：应拨付日期须在协议履行期限内"):
        services.amendment_plan_set(actor=world.town_staff, amendment=amendment, version=_version(amendment),
                                    rows=[{"label": "第三期", "amount": "100", "due_date": signed.term_end.replace(
                                        year=YEAR + 1)}])
    with pytest.raises(ServiceError, match="新增期次的金额须大于 0"):
        services.amendment_plan_set(actor=world.town_staff, amendment=amendment, version=_version(amendment),
                                    rows=[{"label": "第三期", "amount": "0", "due_date": signed.term_end}])
