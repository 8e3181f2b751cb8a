"""Every agreements URL visited by an outsider (the sibling village's worker): nothing of village A1x leaks."""

import datetime as dt
from decimal import Decimal

from zhengshe.testing import ScopeCase

TEMPLATE_MARK = "甲县1镇协议模板（范围测试）"
COUNCIL_MARK = "一村第一居民自治理事会"


def scenario(w):
    """Village A1x's signed agreement (with a proposal, progress, a payment, an amendment) and its town's template."""
    if getattr(w, "_agreements", None):
        return w._agreements
    from zhengshe.agreements import services
    from zhengshe.agreements.models import Agreement, DraftingJob

    from .conftest import YEAR, make_assisted_list

    make_assisted_list(w.county_a)
    template = services.template_create(actor=w.town_staff, region=w.town_a1, year=YEAR, title=TEMPLATE_MARK)
    services.drafting_start(actor=w.town_staff, template=template)
    agreement = Agreement.objects.get(template=template, party_b=w.village_a1x)
    agreement = services.agreement_transition(actor=w.town_staff, agreement=agreement, action="submit")
    item = agreement.items.order_by("position").first()
    note = services.note_add(actor=w.village_staff, agreement=agreement, text="建议增加经费", item=item,
                             field="funding_amount", proposed_value="4000")
    services.agreement_confirm(actor=w.town_staff, agreement=agreement, revision=1)
    agreement = services.agreement_confirm(actor=w.village_staff, agreement=agreement, revision=1)
    agreement = services.agreement_sign(actor=w.village_staff, agreement=agreement, signer_name="张", seal_number="村")
    agreement = services.agreement_sign(actor=w.town_staff, agreement=agreement, signer_name="李", seal_number="镇")
    agreement = services.agreement_transition(actor=w.town_staff, agreement=agreement, action="activate")
    services.progress_report(actor=w.village_staff, item=item, status="done")
    first, second = agreement.instalments.order_by("number")
    services.instalment_pay(actor=w.town_staff, instalment=first, paid_on=dt.date(YEAR, 6, 1), voucher_number="V-1")
    amendment = services.amendment_create(actor=w.town_staff, agreement=agreement, title="", content="补充条款",
                                          funding_delta=Decimal("100"))
    item_amendment = services.amendment_create(actor=w.town_staff, agreement=agreement, title="", content="事项调整")
    line = services.amendment_item_remove(actor=w.town_staff, amendment=item_amendment, version=item_amendment.version,
                                          item=agreement.items.order_by("position")[1], ends_on=dt.date(YEAR, 7, 1),
                                          funding_amount=Decimal("0"), reason="改由部门直接办理")
    council = services.council_create(actor=w.village_staff, region=w.village_a1x, name=COUNCIL_MARK)
    w._agreements = {"agreement": agreement, "item": item, "note": note, "unpaid": second, "amendment": amendment,
                     "item_amendment": item_amendment, "amendment_line": line,
                     "template": template, "template_item": template.items.first(), "council": council,
                     "job": DraftingJob.objects.get(template=template), "ledger": agreement.ledger.first()}
    return w._agreements


def _export_job(w):
    from zhengshe.agreements import services

    from .conftest import YEAR

    scenario(w)
    return services.export_start(actor=w.town_staff, region=w.town_a1, year=YEAR)


def _draft(w):
    """A draft agreement of the scenario's town (for pages that act on an unsigned agreement)."""
    from zhengshe.agreements.models import Agreement

    scenario(w)
    return Agreement.objects.filter(status="draft", party_a=w.town_a1).order_by("pk").first()


def pk(key):
    return lambda w: {"kwargs": {"pk": scenario(w)[key].pk}, "marker": scenario(w)["agreement"].party_b.code}


def post(name, key, **extra):
    return ScopeCase(lambda w: {"kwargs": {name: scenario(w)[key].pk, **extra}}, post_only=True)


def own_list(marker):
    return ScopeCase(lambda w: {"marker": marker(w)})


CASES = {
    "agreements:list": own_list(lambda w: scenario(w)["agreement"].party_b.code),
    "agreements:detail": ScopeCase(pk("agreement")),
    "agreements:edit": ScopeCase(pk("agreement")),
    "agreements:item_edit": ScopeCase(lambda w: {"kwargs": {"pk": scenario(w)["agreement"].pk,
                                                            "item_pk": scenario(w)["item"].pk}}),
    "agreements:action": post("pk", "agreement", action="terminate"),
    "agreements:confirm": post("pk", "agreement"),
    "agreements:note_add": post("pk", "agreement"),
    "agreements:proposal_decide": post("note_pk", "note"),
    "agreements:sign": ScopeCase(pk("agreement")),
    "agreements:diff": ScopeCase(pk("agreement")),
    "agreements:pdf": ScopeCase(pk("agreement")),
    "agreements:progress": post("item_pk", "item"),
    "agreements:pay": post("instalment_pk", "unpaid"),
    "agreements:adjust": post("pk", "agreement"),
    "agreements:amendment_create": ScopeCase(pk("agreement")),
    "agreements:amendment_detail": ScopeCase(pk("amendment")),
    "agreements:amendment_sign": post("pk", "amendment"),
    "agreements:amendment_cancel": post("pk", "amendment"),
    "agreements:amendment_pdf": ScopeCase(pk("amendment")),
    "agreements:amendment_plan": ScopeCase(pk("amendment")),
    "agreements:import": ScopeCase(lambda w: {"marker": None}),
    "agreements:offline": ScopeCase(lambda w: {"kwargs": {"pk": _draft(w).pk}, "marker": None}),
    "agreements:amendment_item_add": ScopeCase(pk("item_amendment")),
    "agreements:amendment_item_change": ScopeCase(lambda w: {"kwargs": {"pk": scenario(w)["item_amendment"].pk,
                                                                        "item_pk": scenario(w)["item"].pk}}),
    "agreements:amendment_item_remove": ScopeCase(lambda w: {"kwargs": {"pk": scenario(w)["item_amendment"].pk,
                                                                        "item_pk": scenario(w)["item"].pk}}),
    "agreements:amendment_item_withdraw": post("line_pk", "amendment_line"),
    "agreements:template_list": ScopeCase(lambda w: {"marker": scenario(w) and TEMPLATE_MARK}, owner="town_staff"),
    "agreements:template_create": ScopeCase(lambda w: {"marker": None}),
    "agreements:template_detail": ScopeCase(pk("template")),
    "agreements:template_item_edit": ScopeCase(pk("template_item")),
    "agreements:template_draft": post("pk", "template"),
    "agreements:template_item_add": post("pk", "template"),
    "agreements:template_item_remove": post("pk", "template_item"),
    "agreements:template_rebalance": post("pk", "template"),
    "agreements:job_detail": ScopeCase(pk("job")),
    "agreements:zip": ScopeCase(lambda w: {"marker": None}),
    "agreements:export_detail": ScopeCase(lambda w: {"kwargs": {"pk": _export_job(w).pk}}),
    "agreements:export_file": ScopeCase(lambda w: {"kwargs": {"pk": _export_job(w).pk}}),
    "agreements:funds": ScopeCase(lambda w: {"marker": scenario(w)["agreement"].party_b.code},
                                  extra_params={"group": "committee", "year": "2026"}),
    "agreements:ledger": own_list(lambda w: scenario(w)["agreement"].party_b_name),
    "agreements:council_list": own_list(lambda w: scenario(w) and COUNCIL_MARK),
    "agreements:council_create": ScopeCase(lambda w: {"marker": None}),
    # API
    "agreement-list": own_list(lambda w: scenario(w)["agreement"].party_b.code),
    "agreement-detail": ScopeCase(pk("agreement")),
    "agreement-funds": ScopeCase(pk("agreement")),
    "agreement-transition": post("pk", "agreement"),
    "agreement-confirm": post("pk", "agreement"),
    "agreement-sign": post("pk", "agreement"),
    "agreement-notes": post("pk", "agreement"),
    "agreement-progress": post("pk", "agreement"),
    "agreement-ledger-list": own_list(lambda w: scenario(w)["agreement"].party_b.code),
    "agreement-ledger-detail": ScopeCase(pk("ledger")),
    "agreement-template-list": ScopeCase(lambda w: {"marker": scenario(w) and TEMPLATE_MARK}, owner="town_staff"),
    "agreement-template-detail": ScopeCase(pk("template")),
    "agreement-template-draft": post("pk", "template"),
    "agreement-job-list": ScopeCase(lambda w: {"marker": scenario(w) and TEMPLATE_MARK and None}),
    "agreement-job-detail": ScopeCase(pk("job")),
}
