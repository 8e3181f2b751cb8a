"""Services: bulk drafting, negotiation, signing order, frozen agreements, amendments, money, sources."""

import datetime as dt
from decimal import Decimal

import pytest

from zhengshe.agreements import selectors, services
from zhengshe.agreements.choices import AgreementStatus, LedgerKind
from zhengshe.agreements.models import Agreement, AgreementItem, DraftingJob, LedgerEntry
from zhengshe.core.errors import ConflictError, NotAllowed, ServiceError
from zhengshe.testing import assert_max_queries

from .conftest import YEAR, plan_money


def test_bulk_drafting_one_agreement_per_committee_with_hand_computed_funding(world, drafted, template):
    # given town A1's three villages (300/600/900 households, 1000/2000/3000 people)
    # then one agreement each, funded standard × households / population / fixed
    assert set(drafted) == {v.code for v in world.villages[0:3]}
    expected = {world.village_a1x.code: ("3150.00", "350.00", "5000.00", "0.00", "8500.00"),
                world.village_a1y.code: ("6300.00", "700.00", "5000.00", "0.00", "12000.00"),
                world.village_a1z.code: ("9450.00", "1050.00", "5000.00", "0.00", "15500.00")}
    for code, amounts in expected.items():
        agreement = drafted[code]
        items = list(agreement.items.order_by("position"))
        assert [str(i.funding_amount) for i in items] == list(amounts[:4])
        assert str(agreement.total_funding) == amounts[4]
        assert sum(i.weight for i in items) == Decimal("100")
        assert [i.list_item.duty_list_id for i in items] == [template.duty_list_id] * 4
        assert agreement.status == AgreementStatus.DRAFT and agreement.revisions.count() == 1
    job = DraftingJob.objects.get()
    assert (job.status, job.total, job.done, job.created_count, job.skipped_count) == ("done", 3, 3, 3, 0)


def test_bulk_drafting_twice_creates_no_duplicates(world, drafted, template):
    job = services.drafting_start(actor=world.town_staff, template=template)
    assert (job.created_count, job.skipped_count) == (0, 3)
    assert Agreement.objects.filter(template=template).count() == 3
    assert AgreementItem.objects.count() == 12


def test_only_the_town_drafts_its_committees(world, template):
    with pytest.raises(NotAllowed):
        services.drafting_start(actor=world.village_staff, template=template)
    with pytest.raises(NotAllowed):
        services.drafting_start(actor=world.town_staff_b, template=template)


def test_weights_must_sum_to_100_before_negotiation(world, drafted):
    agreement = drafted[world.village_a1x.code]
    item = agreement.items.first()
    services.agreement_item_update(actor=world.town_staff, agreement=agreement, version=agreement.version, item=item,
                                   data={"weight": Decimal("1")})
    agreement.refresh_from_db()
    with pytest.raises(ServiceError, match="合计应为 100"):
        services.agreement_transition(actor=world.town_staff, agreement=agreement, action="submit")


def test_village_cannot_sign_for_town_and_town_cannot_sign_for_village(world, drafted):
    agreement = drafted[world.village_a1x.code]
    agreement = services.agreement_transition(actor=world.town_staff, agreement=agreement, action="submit")
    services.agreement_confirm(actor=world.town_staff, agreement=agreement, revision=agreement.revision)
    agreement = services.agreement_confirm(actor=world.village_staff, agreement=agreement, revision=agreement.revision)
    # the village worker signs as B; it can never produce A's signature
    agreement = services.agreement_sign(actor=world.village_staff, agreement=agreement, signer_name="张",
                                        seal_number="1")
    assert agreement.status == AgreementStatus.SIGNED_BY_B and agreement.b_signed_by == world.village_staff
    with pytest.raises(ServiceError, match="对方签署须由对方办理"):
        services.agreement_sign(actor=world.village_staff, agreement=agreement, signer_name="张", seal_number="1")
    assert Agreement.objects.get(pk=agreement.pk).a_signed_at is None
    with pytest.raises(NotAllowed):  # the sibling village covers nothing here
        services.agreement_sign(actor=world.sibling_staff, agreement=agreement, signer_name="王", seal_number="1")


def test_a_cannot_sign_before_b_when_template_requires_b_first(world, drafted):
    agreement = drafted[world.village_a1x.code]
    agreement = services.agreement_transition(actor=world.town_staff, agreement=agreement, action="submit")
    services.agreement_confirm(actor=world.town_staff, agreement=agreement, revision=agreement.revision)
    agreement = services.agreement_confirm(actor=world.village_staff, agreement=agreement, revision=agreement.revision)
    with pytest.raises(ServiceError, match="乙方先签署"):
        services.agreement_sign(actor=world.town_staff, agreement=agreement, signer_name="李", seal_number="镇")
    assert Agreement.objects.get(pk=agreement.pk).status == AgreementStatus.NEGOTIATING


def test_a_may_sign_first_when_not_required_then_b_completes(world, drafted):
    agreement = drafted[world.village_a1y.code]
    Agreement.objects.filter(pk=agreement.pk).update(b_signs_first=False)
    agreement.refresh_from_db()
    agreement = services.agreement_transition(actor=world.town_staff, agreement=agreement, action="submit")
    services.agreement_confirm(actor=world.town_staff, agreement=agreement, revision=agreement.revision)
    agreement = services.agreement_confirm(actor=world.sibling_staff, agreement=agreement, revision=agreement.revision)
    agreement = services.agreement_sign(actor=world.town_staff, agreement=agreement, signer_name="李", seal_number="镇")
    assert agreement.status == AgreementStatus.AWAITING_B
    agreement = services.agreement_sign(actor=world.sibling_staff, agreement=agreement, signer_name="王",
                                        seal_number="村")
    assert agreement.status == AgreementStatus.SIGNED_BY_A


def test_signing_needs_both_confirmations_of_the_current_revision(world, drafted):
    agreement = drafted[world.village_a1x.code]
    agreement = services.agreement_transition(actor=world.town_staff, agreement=agreement, action="submit")
    services.agreement_confirm(actor=world.village_staff, agreement=agreement, revision=agreement.revision)
    with pytest.raises(ServiceError, match="尚未确认"):
        services.agreement_sign(actor=world.village_staff, agreement=agreement, signer_name="张", seal_number="1")


def test_signed_agreement_is_frozen(world, signed):
    item = signed.items.first()
    with pytest.raises(ServiceError, match="补充协议"):
        services.agreement_item_update(actor=world.town_staff, agreement=signed, version=signed.version, item=item,
                                       data={"requirements": "改"})
    with pytest.raises(ServiceError, match="补充协议"):
        services.agreement_update(actor=world.town_staff, agreement=signed, version=signed.version,
                                  data={"clause_dispute": "改"})
    with pytest.raises(ServiceError):
        services.note_add(actor=world.village_staff, agreement=signed, text="再改改")
    with pytest.raises(ServiceError):
        services.agreement_transition(actor=world.town_staff, agreement=signed, action="submit")


def test_concurrent_edit_is_refused_with_a_clear_message(world, drafted):
    # given two town workers who opened the same draft at the same version
    agreement = drafted[world.village_a1x.code]
    opened = agreement.version
    services.agreement_update(actor=world.town_staff, agreement=agreement, version=opened,
                              data={"clause_dispute": "第一位的修改"})
    # when the second saves with the version they opened
    with pytest.raises(ConflictError, match="已被他人修改") as exc:
        services.agreement_update(actor=world.town_staff, agreement=agreement, version=opened,
                                  data={"clause_dispute": "第二位的修改"})
    assert exc.value.status_code == 409
    # then the first edit is kept, nothing silently overwritten
    assert Agreement.objects.get(pk=agreement.pk).clause_dispute == "第一位的修改"


def test_negotiation_proposal_accepted_creates_a_new_revision_and_resets_confirmations(world, drafted):
    agreement = drafted[world.village_a1x.code]
    agreement = services.agreement_transition(actor=world.town_staff, agreement=agreement, action="submit")
    services.agreement_confirm(actor=world.town_staff, agreement=agreement, revision=1)
    item = agreement.items.get(number="A03")
    note = services.note_add(actor=world.village_staff, agreement=agreement, text="固定经费不足", item=item,
                             field="funding_amount", proposed_value="6000")
    with pytest.raises(NotAllowed):  # B cannot accept its own proposal
        services.proposal_decide(actor=world.village_staff, note=note, accept=True)
    services.proposal_decide(actor=world.town_staff, note=note, accept=True, response="同意")
    agreement.refresh_from_db()
    assert agreement.revision == 2 and not agreement.both_confirmed and agreement.confirmed_a_revision == 1
    assert agreement.total_funding == Decimal("9500.00")
    diff = selectors.revision_diff(agreement.revisions.get(number=1).snapshot,
                                   agreement.revisions.get(number=2).snapshot)
    assert diff["changed"][0]["number"] == "A03"
    assert {"old": "5000.00", "new": "6000.00"}.items() <= diff["changed"][0]["fields"][0].items()


def test_amendment_keeps_the_original_intact(world, signed):
    before = services.snapshot(signed)
    before_version = Agreement.objects.get(pk=signed.pk).version
    amendment = services.amendment_create(actor=world.town_staff, agreement=signed, title="",
                                          content="增加垃圾分类督导一项", funding_delta=Decimal("1200.50"))
    amendment = plan_money(world, amendment)
    services.amendment_sign(actor=world.village_staff, amendment=amendment, signer_name="张", seal_number="村章")
    amendment.refresh_from_db()
    amendment = services.amendment_sign(actor=world.town_staff, amendment=amendment, signer_name="李",
                                        seal_number="镇章")
    assert amendment.status == "in_force"
    fresh = Agreement.objects.get(pk=signed.pk)
    assert services.snapshot(fresh) == before and fresh.version == before_version
    assert selectors.ledger_totals(fresh)["allocated"] == Decimal("9700.50") == fresh.funds_allocated


def test_amendment_needs_b_before_a(world, signed):
    amendment = services.amendment_create(actor=world.town_staff, agreement=signed, title="", content="条款")
    with pytest.raises(NotAllowed):
        services.amendment_sign(actor=world.town_staff, amendment=amendment, signer_name="李", seal_number="镇")


def test_money_sums_exact(world, signed):
    totals = selectors.ledger_totals(signed)
    assert totals["allocated"] == Decimal("8500.00")
    first, second = signed.instalments.order_by("number")
    assert (first.amount, second.amount) == (Decimal("5100.00"), Decimal("3400.00"))
    services.instalment_pay(actor=world.town_staff, instalment=first, paid_on=dt.date(YEAR, 7, 10),
                            voucher_number="记-0711")
    services.funds_adjust(actor=world.district_admin, agreement=signed, kind="withhold", amount=Decimal("0.10"),
                          reason="评估扣减")
    services.funds_adjust(actor=world.district_admin, agreement=signed, kind="award", amount=Decimal("0.20"),
                          reason="评估奖励")
    totals = selectors.ledger_totals(signed)
    assert totals == {"allocated": Decimal("8500.00"), "paid": Decimal("5100.00"), "withheld": Decimal("0.10"),
                      "awarded": Decimal("0.20"), "balance": Decimal("3400.10")}
    cached = Agreement.objects.get(pk=signed.pk)  # the sums kept beside the agreement follow the ledger exactly
    assert (cached.funds_allocated, cached.funds_paid, cached.funds_withheld, cached.funds_awarded) == (
        totals["allocated"], totals["paid"], totals["withheld"], totals["awarded"])
    rows = selectors.funds_rollup(world.district_admin, year=YEAR, group="town")
    assert rows[0]["balance"] == Decimal("3400.10") and rows[0]["agreements"] == 1
    assert selectors.funds_rollup(world.district_admin, year=YEAR, group="county")[0]["paid"] == Decimal("5100.00")
    by_item = {r["key"]: r["allocated"] for r in selectors.funds_rollup(world.district_admin, year=YEAR, group="item")}
    assert by_item == {"A01": Decimal("3150.00"), "A02": Decimal("350.00"), "A03": Decimal("5000.00")}


def test_funds_adjust_contract(world, signed):
    entry = services.funds_adjust(actor=world.district_admin, agreement=signed, kind="withhold",
                                  amount=Decimal("300"), reason="履约评估扣减", reference="round:1")
    assert (entry.kind, entry.amount, entry.source, entry.reference) == ("withhold", Decimal("300.00"), "evaluation",
                                                                          "round:1")
    for bad in (Decimal("0"), Decimal("-1")):
        with pytest.raises(ServiceError):
            services.funds_adjust(actor=world.district_admin, agreement=signed, kind="award", amount=bad, reason="x")
    with pytest.raises(ServiceError):
        services.funds_adjust(actor=world.district_admin, agreement=signed, kind="pay", amount=Decimal("1"),
                              reason="x")
    with pytest.raises(NotAllowed):
        services.funds_adjust(actor=world.village_staff, agreement=signed, kind="award", amount=Decimal("1"),
                              reason="x")
    from zhengshe.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="ledger.withhold", object_id=str(signed.pk)).exists()


def test_agreement_for_and_sources(world, signed, drafted):
    assert selectors.agreement_for(world.village_a1x, YEAR) == signed
    assert selectors.agreement_for(world.village_a1y, YEAR) is None  # only drafted
    assert selectors.items_done_share(region=world.village_a1y, year=YEAR) is None
    items = list(signed.items.order_by("position"))
    services.agreement_transition(actor=world.town_staff, agreement=signed, action="activate")
    services.progress_report(actor=world.village_staff, item=items[0], status="done")
    services.progress_report(actor=world.village_staff, item=items[1], status="in_progress", note="进行中")
    services.progress_report(actor=world.village_staff, item=items[1], status="done")
    services.progress_report(actor=world.village_staff, item=items[2], status="not_done", note="未开展")
    assert selectors.items_done_share(region=world.village_a1x, year=YEAR) == Decimal("0.5")
    # The batch form (used by province-scale evaluation rounds) gives the same numbers in one GROUP BY.
    units = [world.village_a1x, world.village_a1y, world.village_b1x, world.town_a1]
    with assert_max_queries(2):
        batch = selectors.items_done_share_batch(regions=units[:3], year=YEAR)
    assert batch == {world.village_a1x.pk: Decimal("0.5"), world.village_a1y.pk: None, world.village_b1x.pk: None}
    assert selectors.items_done_share_batch(regions=units, year=YEAR)[world.town_a1.pk] == selectors.items_done_share(
        region=world.town_a1, year=YEAR)
    first, second = signed.instalments.order_by("number")
    services.instalment_pay(actor=world.town_staff, instalment=first, paid_on=dt.date(YEAR, 7, 10), voucher_number="1")
    assert selectors.late_instalments(region=world.town_a1, year=YEAR) == 1
    assert selectors.late_instalments(region=world.town_b1, year=YEAR) is None
    assert selectors.paid_share(region=world.town_a1, year=YEAR) == Decimal("0.6")
    from zhengshe.core.indicators import get_source

    for key in ("agreements.items_done_share", "agreements.late_instalments", "agreements.paid_share"):
        assert get_source(key) is not None


def test_terminate_needs_reason(world, signed):
    with pytest.raises(ServiceError, match="理由"):
        services.agreement_transition(actor=world.town_staff, agreement=signed, action="terminate")
    done = services.agreement_transition(actor=world.town_staff, agreement=signed, action="terminate",
                                         comment="村委会换届，双方协商一致终止")
    assert done.status == AgreementStatus.TERMINATED and done.terminated_reason.startswith("村委会换届")


def test_illegal_transitions_refused(world, drafted):
    agreement = drafted[world.village_a1x.code]
    for action in ("activate", "evaluate", "close"):
        with pytest.raises(ServiceError, match="不能执行"):
            services.agreement_transition(actor=world.town_staff, agreement=agreement, action=action)
    with pytest.raises(NotAllowed):  # the committee cannot start negotiation for the town
        services.agreement_transition(actor=world.village_staff, agreement=agreement, action="submit")


def test_seal_image_content_checked(world, drafted):
    from django.core.files.uploadedfile import SimpleUploadedFile

    agreement = drafted[world.village_a1x.code]
    agreement = services.agreement_transition(actor=world.town_staff, agreement=agreement, action="submit")
    services.agreement_confirm(actor=world.town_staff, agreement=agreement, revision=1)
    agreement = services.agreement_confirm(actor=world.village_staff, agreement=agreement, revision=1)
    fake = SimpleUploadedFile("seal.png", b"<script>alert(1)</script>", content_type="image/png")
    with pytest.raises(ServiceError, match="PNG"):
        services.agreement_sign(actor=world.village_staff, agreement=agreement, signer_name="张", seal_image=fake)
    signed = services.agreement_sign(actor=world.village_staff, agreement=agreement, signer_name="张",
                                     seal_image=SimpleUploadedFile("seal.png", png_bytes(), content_type="image/png"))
    assert signed.b_seal_image.name.startswith("agreements/seals/")


def png_bytes() -> bytes:
    import io

    from PIL import Image, ImageDraw

    img = Image.new("RGB", (120, 120), "white")
    ImageDraw.Draw(img).ellipse((5, 5, 115, 115), outline="red", width=6)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def test_ledger_is_append_only_and_positive(world, signed):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(agreement=signed, kind=LedgerKind.PAY, amount=Decimal("-1"),
                                   entry_date=dt.date(YEAR, 1, 1))


def test_council_agreement_2_plus_1(world):
    from zhengshe.agreements.models import ResidentsCouncil

    from .conftest import make_assisted_list

    make_assisted_list(world.county_a, kind="council",
                       items=[("C01", "协助调解邻里纠纷", "fixed", Decimal("2000")),
                              ("C02", "组织环境卫生志愿服务", "none", Decimal("0"))])
    council = services.council_create(actor=world.village_staff, region=world.village_a1x, name="第一居民自治理事会")
    tpl = services.template_create(actor=world.village_staff, region=world.village_a1x, year=YEAR, kind="council")
    job = services.drafting_start(actor=world.village_staff, template=tpl)
    assert job.created_count == 1
    agreement = Agreement.objects.get(council=council)
    assert agreement.party_a == world.village_a1x and agreement.total_funding == Decimal("2000.00")
    assert [i.number for i in agreement.items.all()] == ["C01", "C02"]
    assert not ResidentsCouncil.objects.restrict(world.sibling_staff).exists()
