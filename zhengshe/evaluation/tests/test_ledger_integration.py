"""With the real agreements app: a withholding reaches the committee's funds ledger only once confirmed."""

from decimal import Decimal

import pytest

from zhengshe.evaluation import services
from zhengshe.evaluation.tests import factories as f

pytestmark = pytest.mark.django_db
agreements_conftest = pytest.importorskip("zhengshe.agreements.tests.conftest")


def test_withholding_on_the_real_ledger(world):
    from zhengshe.agreements.models import LedgerEntry
    from zhengshe.agreements.services import drafting_start, template_create

    agreements_conftest.make_assisted_list(world.county_a)
    template = template_create(actor=world.town_staff, region=world.town_a1, year=2026, instalment_plan=[
        {"label": "全年", "percent": "100", "due": "2026-12-31"}])
    drafting_start(actor=world.town_staff, template=template)
    from zhengshe.agreements.models import Agreement

    agreement = Agreement.objects.get(template=template, party_b=world.village_a1x)
    agreements_conftest.sign_both(world, agreement)
    ns = f.build(world)
    proposal = services.consequence_propose(actor=world.district_admin, unit=ns.unit, kind="withhold",
                                            amount="1500", reason="协议事项未完成")
    assert proposal.agreement_id == agreement.pk
    assert not LedgerEntry.objects.filter(agreement=agreement, kind="withhold").exists()
    services.consequence_decide(actor=world.district_admin, consequence=proposal, confirm=True)
    entry = LedgerEntry.objects.get(agreement=agreement, kind="withhold")
    assert entry.amount == Decimal("1500.00") and entry.source == "evaluation"
    assert entry.reference == f"evaluation.consequence:{proposal.pk}"
