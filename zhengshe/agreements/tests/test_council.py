"""Residents' councils with accounts ("2+1" party B): own agreements only, sign as B, never as A; the committee
no longer signs for a council that has its own account (and is audited when it records for one that has none)."""

import dataclasses

import pytest
from django.urls import reverse

from zhengshe.accounts.models import RoleAssignment
from zhengshe.agreements import services
from zhengshe.agreements.models import Agreement
from zhengshe.agreements.workflows import AGREEMENT_FLOW
from zhengshe.audit.models import AuditEntry
from zhengshe.core.errors import ServiceError
from zhengshe.testing import make_user

from .conftest import YEAR, make_assisted_list
from .scope_cases import CASES as AGREEMENT_CASES

COUNCIL_ITEMS = [("C01", "协助组织楼道环境整治", "fixed", 2000), ("C02", "协助开展邻里纠纷排查", "fixed", 1000)]


def council_rep(council, username="lishihui"):
    user = make_user(username)
    RoleAssignment.objects.create(user=user, role="council_rep", region=council.region, target_kind="council",
                                  target_id=council.pk)
    return user


@pytest.fixture
def council_world(world, drafted):
    """Village A1x's two councils, each with a 2+1 agreement; the first council's representative has an account."""
    make_assisted_list(world.county_a, kind="council", items=COUNCIL_ITEMS)
    first = services.council_create(actor=world.village_staff, region=world.village_a1x, name="一组理事会")
    second = services.council_create(actor=world.village_staff, region=world.village_a1x, name="二组理事会")
    template = services.template_create(actor=world.village_staff, region=world.village_a1x, year=YEAR,
                                        kind="council")
    services.drafting_start(actor=world.village_staff, template=template)
    return {"first": Agreement.objects.get(council=first), "second": Agreement.objects.get(council=second),
            "rep": council_rep(first), "other_rep": council_rep(second, "ershihui"),
            "standard": drafted[world.village_a1x.code]}


def _ready(world, agreement, rep):
    agreement = services.agreement_transition(actor=world.village_staff, agreement=agreement, action="submit")
    services.agreement_confirm(actor=world.village_staff, agreement=agreement, revision=agreement.revision)
    return services.agreement_confirm(actor=rep, agreement=agreement, revision=agreement.revision)


def test_council_user_sees_only_its_own_agreements(world, client_for, council_world):
    rep = client_for(council_world["rep"])
    first = council_world["first"]
    assert rep.get(reverse("agreements:detail", args=[first.pk])).status_code == 200
    assert rep.get(reverse("agreements:pdf", args=[first.pk])).status_code == 200
    for other in (council_world["second"], council_world["standard"]):
        assert rep.get(reverse("agreements:detail", args=[other.pk])).status_code == 404
        assert rep.get(reverse("agreements:pdf", args=[other.pk])).status_code == 404
        assert rep.get(f"/api/agreements/{other.pk}/").status_code == 404
    listing = rep.get(reverse("agreements:list")).content.decode()
    assert "一组理事会" in listing and "二组理事会" not in listing
    api = rep.get("/api/agreements/").json()
    assert [row["id"] for row in api["results"]] == [first.pk]


def test_council_signs_as_b_never_as_a(world, council_world):
    rep, first = council_world["rep"], council_world["first"]
    agreement = _ready(world, first, rep)
    assert agreement.confirmed_a_revision == agreement.confirmed_b_revision == agreement.revision
    services.note_add(actor=rep, agreement=agreement, text="建议增加经费", item=agreement.items.first(),
                      field="funding_amount", proposed_value="2500")
    assert AGREEMENT_FLOW.why_not(agreement, "sign_a", rep) is not None
    agreement = services.agreement_sign(actor=rep, agreement=agreement, signer_name="吴桂英", seal_number="理事会章")
    assert agreement.status == "signed_by_b" and agreement.b_signed_by == rep and not agreement.a_signed_at
    with pytest.raises(ServiceError):  # the council may not sign party A's part
        services.agreement_sign(actor=rep, agreement=agreement, signer_name="吴桂英", seal_number="理事会章")
    assert Agreement.objects.get(pk=agreement.pk).a_signed_at is None
    agreement = services.agreement_sign(actor=world.village_staff, agreement=agreement, signer_name="张",
                                        seal_number="村章")
    assert agreement.status == "signed_by_a" and agreement.a_signed_by == world.village_staff
    # the council signs a supplementary agreement as B too, and cannot sign it as A
    amendment = services.amendment_create(actor=world.village_staff, agreement=agreement, title="", content="补充")
    amendment = services.amendment_sign(actor=rep, amendment=amendment, signer_name="吴桂英", seal_number="理事会章")
    assert amendment.status == "signed_by_b"
    with pytest.raises(ServiceError):
        services.amendment_sign(actor=rep, amendment=amendment, signer_name="吴桂英", seal_number="理事会章")


def test_committee_cannot_sign_for_a_council_with_an_account(world, council_world):
    agreement = _ready(world, council_world["first"], council_world["rep"])
    assert AGREEMENT_FLOW.why_not(agreement, "sign_b", world.village_staff) is not None
    with pytest.raises(ServiceError, match="乙方先签署"):  # the committee's signature is A's, which must wait
        services.agreement_sign(actor=world.village_staff, agreement=agreement, signer_name="张", seal_number="村章")
    assert Agreement.objects.get(pk=agreement.pk).b_signed_at is None


def test_committee_records_for_a_council_without_an_account_and_it_is_audited(world, council_world):
    second = council_world["second"]
    RoleAssignment.objects.filter(user=council_world["other_rep"]).update(active=False)
    agreement = services.agreement_transition(actor=world.village_staff, agreement=second, action="submit")
    agreement = services.agreement_confirm(actor=world.village_staff, agreement=agreement, revision=agreement.revision)
    assert agreement.confirmed_b_revision == agreement.revision
    agreement = services.agreement_sign(actor=world.village_staff, agreement=agreement, signer_name="理事长",
                                        seal_number="理事会章")
    assert agreement.status == "signed_by_b" and agreement.b_signed_by == world.village_staff
    assert AuditEntry.objects.filter(action="agreement.signed_on_behalf", object_id=str(second.pk)).exists()
    assert AuditEntry.objects.filter(action="agreement.confirmed_on_behalf", object_id=str(second.pk)).exists()


@pytest.mark.parametrize("name", sorted(n for n in AGREEMENT_CASES if n != "agreements:council_list"))
def test_council_user_sees_nothing_of_its_committee(name, world, client_for, monkeypatch):
    """Every agreements URL of village A1x's own (town) agreement, visited by a council of that very village."""
    from zhengshe.core.tests import test_scope_every_url as generic

    original = AGREEMENT_CASES[name]

    def make(w):
        data = original.make(w)
        if not getattr(w, "council_rep", None):
            from .scope_cases import scenario

            w.council_rep = council_rep(scenario(w)["council"], "council_scope")
        return data

    monkeypatch.setitem(generic.CASES, name, dataclasses.replace(original, make=make, outsider="council_rep"))
    generic.test_outsider_sees_nothing(name, world, client_for)
