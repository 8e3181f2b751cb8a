"""Contracts (任务书): payments add up to the award to the fen, the PDF carries every indicator and payment, two
signatures put it in force."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from zhengshe.core.errors import NotAllowed, ServiceError
from zhengshe.projects import services

from . import factories as f

pytestmark = pytest.mark.django_db


def test_payments_must_add_up_to_the_award_to_the_fen(world):
    application = f.awarded(world)
    short = [dict(m) for m in f.MILESTONES]
    short[-1]["payment"] = "4000.14"
    with pytest.raises(ServiceError) as refused:
        f.contract(world, application, short)
    assert refused.value.fields["milestones"] == ["各节点拨付金额合计 20000.74 元，应等于资助金额 20000.75 元。"]
    contract = f.contract(world, application)
    assert contract.amount == Decimal("20000.75") and contract.number.endswith("-HT01")
    assert sum(m.payment for m in contract.milestones.all()) == contract.amount


def test_only_an_awarded_application_gets_a_contract_from_its_buyer(world):
    application = f.awarded(world)
    with pytest.raises(NotAllowed):
        services.contract_create(actor=world.district_admin, application=application, starts_on=None,
                                 ends_on=None, deliverables="x", milestones=[])


def test_the_contract_pdf_names_every_indicator_and_payment(world, client_for):
    contract = f.contract(world)
    response = client_for(world.org_user).get(reverse("projects:contract_pdf", args=[contract.pk]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    for needle in ("探访人次", "960", "满意度", "志愿者交通补贴", "12,000.50", "项目启动与需求评估", "8,000.30",
                   "4,000.15", "20,000.75", contract.number, "甲县社工服务中心"):
        assert needle in text.replace("\n", ""), needle


def test_the_organization_signs_then_the_buyer_and_it_is_in_force(world, client_for):
    contract = f.contract(world)
    with pytest.raises(NotAllowed):
        services.contract_move(actor=world.town_staff, contract=contract, action="sign_org")
    client_for(world.org_user).post(reverse("projects:contract_move", args=[contract.pk, "sign_org"]))
    client_for(world.town_staff).post(reverse("projects:contract_move", args=[contract.pk, "sign_buyer"]))
    contract.refresh_from_db()
    assert contract.status == "in_force" and contract.org_signed_at and contract.buyer_signed_at
