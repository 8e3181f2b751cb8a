"""Supervision: milestones reported by the organization, accepted by the buyer, payments released exactly once
and never beyond the contract, warnings when a milestone is late or spending runs ahead of the work."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from zhengshe.core.errors import NotAllowed, ServiceError
from zhengshe.core.workflows import InvalidMove
from zhengshe.projects import selectors, services

from . import factories as f

pytestmark = pytest.mark.django_db


def test_a_milestone_is_reported_accepted_and_paid_once(world):
    contract = f.in_force(world)
    first = contract.milestones.get(position=1)
    reported = f.report(world, first)
    assert reported.status == "reported" and reported.indicator_values == {"探访人次": "240"}
    accepted = services.milestone_decide(actor=world.town_staff, milestone=reported, action="accept")
    assert accepted.status == "accepted" and accepted.paid_on is not None
    with pytest.raises(InvalidMove):
        services.milestone_decide(actor=world.town_staff, milestone=accepted, action="accept")
    progress = selectors.contract_progress(contract, today=dt.date(2027, 1, 15))
    assert progress["paid"] == Decimal("8000.30") and progress["unpaid"] == Decimal("12000.45")
    assert progress["paid"] + progress["unpaid"] == contract.amount


def test_all_milestones_paid_make_exactly_the_contract(world):
    contract = f.in_force(world)
    for m in contract.milestones.all():
        services.milestone_decide(actor=world.town_staff, milestone=f.report(world, m, spent="1000"), action="accept")
    progress = selectors.contract_progress(contract)
    assert progress["paid"] == contract.amount == Decimal("20000.75") and progress["unpaid"] == 0


def test_no_report_before_the_contract_is_in_force_and_only_by_its_organization(world):
    contract = f.contract(world)
    with pytest.raises(ServiceError, match="合同尚未生效"):
        f.report(world, contract.milestones.first())
    services.contract_move(actor=world.org_user, contract=contract, action="sign_org")
    services.contract_move(actor=world.town_staff, contract=contract, action="sign_buyer")
    with pytest.raises(NotAllowed):
        services.milestone_report(actor=world.org_user_b, milestone=contract.milestones.first(), report="x",
                                  indicator_values={}, spent="1")


def test_a_late_milestone_and_spending_ahead_of_the_work_are_warned(world):
    contract = f.in_force(world)
    first = contract.milestones.get(position=1)
    # on 2027-02-10 the first milestone (due 2027-01-31) is not accepted: late by 10 days
    warnings = selectors.contract_progress(contract, today=dt.date(2027, 2, 10))["warnings"]
    assert warnings == ["节点“项目启动与需求评估”已逾期 10 天（期限 2027-01-31）。"]
    # when the organization reports 9 000 spent and nothing is accepted yet (45 % of the contract ahead)
    f.report(world, first, spent="9000.00")
    warnings = selectors.contract_progress(contract, today=dt.date(2027, 1, 20))["warnings"]
    assert warnings and "资金使用快于服务进度" in warnings[0]


def test_the_buyer_accepts_from_the_contract_page(world, client_for):
    contract = f.in_force(world)
    first = f.report(world, contract.milestones.get(position=1))
    town = client_for(world.town_staff)
    page = town.get(reverse("projects:contract_detail", args=[contract.pk])).content.decode()
    assert "验收并拨付" in page and "完成入户探访 240 人次" in page
    town.post(reverse("projects:milestone_decide", args=[first.pk, "accept"]))
    first.refresh_from_db()
    assert first.status == "accepted"
    assert "已拨付 8000.30 元" in town.get(reverse("projects:contract_detail", args=[contract.pk])).content.decode()
