"""Every write to agreements: atomic, scope- and side-checked, audited (``<entity>_<verb>(*, actor, ...)``).

Money is Decimal yuan rounded half-up to the fen (``zhengshe.utilities.money.to_yuan``), never floats.
Drafts are protected by optimistic locking: a write names the ``version`` the user edited; a stale one
raises ``ConflictError`` and nothing is written (the view re-shows the user's input with the message).
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.accounts.roles import Role
from zhengshe.audit.services import record_event
from zhengshe.core.errors import ConflictError, NotAllowed, ServiceError
from zhengshe.core.scoping import Scope, user_roles_on
from zhengshe.utilities.money import to_yuan

from .choices import (
    EDITABLE_STATUSES,
    PROPOSABLE_FIELDS,
    SIGNED_STATUSES,
    AgreementKind,
    AgreementStatus,
    AmendmentItemKind,
    AmendmentStatus,
    JobStatus,
    LedgerKind,
    ProgressStatus,
    ProposalStatus,
    Side,
)
from .models import (
    Agreement,
    AgreementItem,
    AgreementRevision,
    AgreementTemplate,
    Amendment,
    AmendmentItem,
    DraftingJob,
    ExportJob,
    Instalment,
    LedgerEntry,
    NegotiationNote,
    ProgressReport,
    ResidentsCouncil,
    TemplateItem,
)
from .workflows import AGREEMENT_FLOW, AMENDMENT_FLOW, BUTTON_ACTIONS, acts_for, on_behalf, user_side

HUNDRED = Decimal("100")
SEAL_MAX_BYTES = 2 * 1024 * 1024
FUNDS_ROLES = {Role.DISTRICT_ADMIN, Role.TOWN_STAFF}
DEFAULT_CLAUSES = {
    "clause_purpose": "为推进政社互动，规范基层群众自治组织协助政府管理工作，明确双方权利义务，根据《中华人民共和国村民委员会组织法》"
                      "《中华人民共和国城市居民委员会组织法》及本地协助政府工作事项清单，经双方平等协商，订立本协议。",
    "clause_evaluation": "甲乙双方实行双向评估。年终由甲方会同有关部门对乙方履行协议情况进行评估，乙方对甲方提供条件、经费拨付及"
                         "依法行政情况进行评估。评估结果作为经费结算、奖励和下一年度协议签订的依据。",
    "clause_breach_a": "甲方未按约定提供经费、人员、培训、设备或信息等条件的，乙方有权暂停相应协助事项并要求甲方限期改正；"
                       "甲方未经准入程序向乙方摊派协议以外事项的，乙方有权拒绝。",
    "clause_breach_b": "乙方未按约定完成协助事项的，甲方可根据评估结果扣减相应经费；情节严重的，甲方可提前终止本协议。",
    "clause_dispute": "本协议履行中发生争议的，由双方协商解决；协商不成的，提请上级民政部门（政社互动工作领导小组）协调处理。",
    "clause_other": "本协议一式三份，甲乙双方各执一份，报市民政局备案一份，自双方签字盖章之日起生效。",
}


# ---------------------------------------------------------------- helpers


def weight_problem(agreement) -> str | None:
    """None when the live items' weights sum to exactly 100, else the reason (in Chinese)."""
    weights = [w for w, removed in agreement.items.values_list("weight", "removed") if not removed]
    if not weights:
        return _("协议没有任何事项。")
    total = sum(weights, Decimal("0"))
    if total != HUNDRED:
        return _("各事项评估权重合计应为 100，当前为 %(total)s。") % {"total": total.normalize()}
    return None


def even_weights(count: int) -> list[Decimal]:
    """``count`` weights with two decimals summing to exactly 100 (the remainder goes to the last)."""
    if count <= 0:
        return []
    each = (HUNDRED / count).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    return [each] * (count - 1) + [HUNDRED - each * (count - 1)]


def funding_for(list_item, region) -> tuple[str, Decimal, int, Decimal]:
    """(basis, standard, quantity, amount) for one list item and one committee: standard × households/population."""
    basis = list_item.funding_basis if list_item.funding_follows else "none"
    standard = to_yuan(list_item.funding_amount or 0)
    quantity = {"per_household": region.households or 0, "per_capita": region.population or 0,
                "fixed": 1}.get(basis, 0)
    return basis, standard, quantity, to_yuan(standard * quantity)


def _require_side(actor, agreement, side: str) -> None:
    if not acts_for(agreement, actor, side):
        raise NotAllowed()


def _require_roles(actor, obj, roles) -> None:
    if actor is not None and not (user_roles_on(actor, obj) & set(roles)) and not getattr(actor, "is_superuser", False):
        raise NotAllowed()


def _locked(agreement, version=None) -> Agreement:
    locked = (Agreement.objects.select_for_update(of=("self",)).select_related("party_a", "party_b")
              .get(pk=agreement.pk))
    if version not in (None, "") and int(version) != locked.version:
        raise ConflictError(_("该协议已被他人修改（您编辑的是第 %(mine)s 次保存后的内容，当前已是第 %(now)s 次），"
                              "您填写的内容未保存，已在下方保留，请对照最新内容后重新提交。")
                            % {"mine": version, "now": locked.version})
    return locked


def _require_editable(agreement) -> None:
    if agreement.status not in EDITABLE_STATUSES:
        raise ServiceError(_("协议已签署或已终止，内容不可修改；如需变更请签订补充协议。"), code="frozen")


def snapshot(agreement) -> dict:
    """The agreement's negotiable content as JSON (what a revision keeps and the diff compares)."""
    items = []
    for item in agreement.items.select_related("identity").order_by("position", "id"):
        row = {"key": item.identity.key, "number": item.number, "title": item.title, "removed": item.removed,
               "funding_amount": str(item.funding_amount)}
        for name in AgreementItem.TERMS:
            value = getattr(item, name)
            row[name] = str(value) if isinstance(value, (Decimal, dt.date)) else value
        items.append(row)
    return {
        "title": agreement.title, "term_start": str(agreement.term_start), "term_end": str(agreement.term_end),
        "party_a_name": agreement.party_a_name, "party_b_name": agreement.party_b_name,
        "clauses": {name: getattr(agreement, name) for name in Agreement.CLAUSES},
        "items": items, "total_funding": str(agreement.total_funding),
    }


def _recompute_total(agreement) -> None:
    total = sum((a for a, removed in agreement.items.values_list("funding_amount", "removed") if not removed),
                Decimal("0"))
    agreement.total_funding = to_yuan(total)


def _bump(agreement, actor, note: str) -> Agreement:
    """After a content change: new revision number + snapshot, version + 1 (stale confirmations lapse)."""
    _recompute_total(agreement)
    agreement.revision += 1
    agreement.version += 1
    agreement.save()
    AgreementRevision.objects.create(agreement=agreement, number=agreement.revision, snapshot=snapshot(agreement),
                                     note=note[:300], author=actor if getattr(actor, "pk", None) else None)
    return agreement


def _refresh_funds(agreement_id: int) -> None:
    """Rewrite the agreement's cached ledger sums from its ledger (called after every new ledger line)."""
    from .selectors import ledger_totals

    agreement = Agreement.objects.get(pk=agreement_id)
    totals = ledger_totals(agreement)
    for kind in ("allocated", "paid", "withheld", "awarded"):
        setattr(agreement, f"funds_{kind}", totals[kind])
    agreement.save(update_fields=["funds_allocated", "funds_paid", "funds_withheld", "funds_awarded", "updated_at"])


# ---------------------------------------------------------------- templates and lists


def assisted_list_for(region, kind: str = "assisted"):
    """The published list of ``kind`` in force for ``region`` (catalog's selector when present)."""
    try:
        from zhengshe.catalog.selectors import list_in_force
    except ImportError:
        list_in_force = None
    if list_in_force is not None:
        return list_in_force(region, kind)
    from zhengshe.catalog.models import DutyList
    from zhengshe.core.scoping import ancestor_paths

    return (DutyList.objects.filter(kind=kind, status="published", region__path__in=ancestor_paths(region.path))
            .order_by("-region__depth", "-version").first())


def template_create(*, actor, region, year: int, title: str = "", kind: str = AgreementKind.STANDARD,
                    list_items=None, **fields) -> AgreementTemplate:
    """A template for ``region``'s agreements of ``year``; items default to the whole list in force, even weights."""
    roles = {Role.TOWN_STAFF} if kind == AgreementKind.STANDARD else {Role.VILLAGE_STAFF}
    _require_roles(actor, region, roles | ({Role.DISTRICT_ADMIN} if kind == AgreementKind.STANDARD else set()))
    expected_level = "town" if kind == AgreementKind.STANDARD else "village"
    if region.level != expected_level:
        raise ServiceError(_("甲方区划层级不符：镇（街道）协议的甲方须为镇（街道），“2+1”协议的甲方须为村（居）委会。"))
    list_kind = "assisted" if kind == AgreementKind.STANDARD else "council"
    duty_list = fields.pop("duty_list", None) or assisted_list_for(region, list_kind)
    if list_items is None:
        if duty_list is None:
            raise ServiceError(_("未找到适用于%(region)s的已发布清单，请先发布清单。") % {"region": region.name})
        list_items = list(duty_list.items.select_related("identity").order_by("position", "number"))
    if not list_items:
        raise ServiceError(_("请至少选择一个协议事项。"))
    with transaction.atomic():
        suffix = "政府" if region.name.endswith(("镇", "乡")) else "办事处" if region.name.endswith("街道") else (
            "居民委员会" if region.is_community else "村民委员会")
        template = AgreementTemplate(
            region=region, year=year, kind=kind, duty_list=duty_list, created_by=actor,
            title=title or (f"{year}年度基层群众自治组织协助政府管理协议书" if kind == AgreementKind.STANDARD
                            else f"{year}年度居民自治理事会协助事项协议书"),
            party_a_name=fields.pop("party_a_name", "") or (
                f"{region.name}人民{suffix}" if suffix == "政府" else f"{region.name}{suffix}"),
            term_start=fields.pop("term_start", None) or dt.date(year, 1, 1),
            term_end=fields.pop("term_end", None) or dt.date(year, 12, 31),
            number_prefix=fields.pop("number_prefix", "") or f"{region.name[:2]}协",
            instalment_plan=fields.pop("instalment_plan", None) or default_instalment_plan(year),
            **{**DEFAULT_CLAUSES, **fields},
        )
        template.full_clean(exclude=["duty_list", "created_by"])
        template.save()
        weights = even_weights(len(list_items))
        TemplateItem.objects.bulk_create([
            TemplateItem(template=template, list_item=li, position=i, weight=weights[i],
                         requirements=li.description or li.title,
                         conditions_money=_money_condition(li), payment_schedule=_("按协议拨付计划分期拨付"),
                         indicator=_("按时按质完成%(title)s") % {"title": li.title})
            for i, li in enumerate(list_items)])
        record_event("agreement_template.created", template, after={"items": len(list_items), "year": year})
    return template


def _money_condition(list_item) -> str:
    if not list_item.funding_follows or list_item.funding_basis == "none":
        return ""
    unit = {"per_household": "元/户·年", "per_capita": "元/人·年", "fixed": "元/年"}.get(list_item.funding_basis, "")
    return _("按%(amount)s%(unit)s的标准拨付工作经费（费随事转）") % {"amount": to_yuan(list_item.funding_amount),
                                                              "unit": unit}


def default_instalment_plan(year: int) -> list[dict]:
    return [{"label": "第一期", "percent": "60", "due": f"{year}-06-30"},
            {"label": "第二期（评估后结算）", "percent": "40", "due": f"{year}-12-31"}]


def instalment_plan_problem(plan) -> str | None:
    try:
        total = sum((Decimal(str(p["percent"])) for p in plan), Decimal("0"))
        for p in plan:
            dt.date.fromisoformat(p["due"])
            if not str(p.get("label", "")).strip():
                raise ValueError
    except (KeyError, ValueError, TypeError, ArithmeticError):
        return _("拨付计划格式不正确：每期须有名称、比例和应拨付日期（YYYY-MM-DD）。")
    if plan and total != HUNDRED:
        return _("拨付计划各期比例合计应为 100，当前为 %(t)s。") % {"t": total}
    return None


def template_update(*, actor, template, version, data: dict) -> AgreementTemplate:
    """Change a template's header, clauses and plan (optimistic locking); agreements already drafted keep theirs."""
    _require_roles(actor, template, {Role.TOWN_STAFF, Role.DISTRICT_ADMIN, Role.VILLAGE_STAFF})
    with transaction.atomic():
        locked = AgreementTemplate.objects.select_for_update().get(pk=template.pk)
        if version not in (None, "") and int(version) != locked.version:
            raise ConflictError()
        problem = instalment_plan_problem(data.get("instalment_plan", locked.instalment_plan))
        if problem:
            raise ServiceError(problem, fields={"instalment_plan": [problem]})
        for key, value in data.items():
            setattr(locked, key, value)
        locked.version += 1
        locked.full_clean(exclude=["duty_list", "created_by"])
        locked.save()
    return locked


def template_item_update(*, actor, item: TemplateItem, data: dict) -> TemplateItem:
    """Change one template item's default terms (weights are validated when drafting)."""
    _require_roles(actor, item, {Role.TOWN_STAFF, Role.DISTRICT_ADMIN, Role.VILLAGE_STAFF})
    with transaction.atomic():
        for key, value in data.items():
            setattr(item, key, value)
        item.save()
    return item


def template_item_add(*, actor, template, list_item) -> TemplateItem:
    """Put one more item of the template's list into the template (weights are then re-balanced by the user)."""
    _require_roles(actor, template, {Role.TOWN_STAFF, Role.DISTRICT_ADMIN, Role.VILLAGE_STAFF})
    if template.duty_list_id and list_item.duty_list_id != template.duty_list_id:
        raise ServiceError(_("只能从模板所依据的清单中选择事项。"))
    if template.items.filter(list_item__identity_id=list_item.identity_id).exists():
        raise ServiceError(_("该事项已在模板中。"))
    position = (template.items.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    return TemplateItem.objects.create(
        template=template, list_item=list_item, position=position, requirements=list_item.description or list_item.title,
        conditions_money=_money_condition(list_item), payment_schedule=_("按协议拨付计划分期拨付"),
        indicator=_("按时按质完成%(title)s") % {"title": list_item.title})


def template_item_remove(*, actor, item) -> None:
    """Leave one item out of the template (agreements already drafted keep theirs; the removal is audited)."""
    _require_roles(actor, item, {Role.TOWN_STAFF, Role.DISTRICT_ADMIN, Role.VILLAGE_STAFF})
    if item.template.items.count() <= 1:
        raise ServiceError(_("模板至少保留一个事项。"))
    item.delete()


def template_rebalance(*, actor, template) -> None:
    """Spread the evaluation weights evenly over the template's items (summing to exactly 100)."""
    _require_roles(actor, template, {Role.TOWN_STAFF, Role.DISTRICT_ADMIN, Role.VILLAGE_STAFF})
    with transaction.atomic():
        items = list(template.items.order_by("position", "id"))
        for item, weight in zip(items, even_weights(len(items)), strict=True):
            if item.weight != weight:
                item.weight = weight
                item.save()


def template_weight_problem(template) -> str | None:
    total = sum(template.items.values_list("weight", flat=True), Decimal("0"))
    if total != HUNDRED:
        return _("模板各事项评估权重合计应为 100，当前为 %(total)s。") % {"total": total.normalize()}
    return None


# ---------------------------------------------------------------- bulk drafting


def drafting_parties(template) -> list[tuple]:
    """(party B region, council or None) for every committee (or council) the template drafts for, in code order."""
    from zhengshe.regions.models import Region

    if template.kind == AgreementKind.COUNCIL:
        return [(c.region, c) for c in ResidentsCouncil.objects.filter(region=template.region, is_active=True)
                .select_related("region").order_by("name")]
    villages = Region.objects.filter(parent=template.region, level="village", is_active=True).order_by("code")
    return [(v, None) for v in villages]


def drafting_start(*, actor, template) -> DraftingJob:
    """Queue the bulk drafting of ``template`` as a background job; the page polls the returned job row."""
    _require_roles(actor, template, {Role.TOWN_STAFF, Role.DISTRICT_ADMIN, Role.VILLAGE_STAFF})
    problem = template_weight_problem(template) or instalment_plan_problem(template.instalment_plan)
    if problem:
        raise ServiceError(problem)
    from .tasks import run_drafting_job

    with transaction.atomic():
        job = DraftingJob.objects.create(template=template, region=template.region, year=template.year,
                                         requested_by=actor, total=len(drafting_parties(template)))
        record_event("agreement.bulk_draft_requested", job, after={"template": template.pk, "total": job.total})
    run_drafting_job.enqueue(job.pk)
    job.refresh_from_db()
    return job


def drafting_run(job_id: int) -> DraftingJob:
    """Draft one agreement per committee; skip those that exist (idempotent); progress saved per chunk."""
    from zhengshe.core.context import acting_as

    job = DraftingJob.objects.select_related("template__region", "requested_by").get(pk=job_id)
    if job.finished:
        return job
    with acting_as(job.requested_by, source="job"):
        try:
            _drafting_loop(job)
        except Exception as exc:  # the job row must say what went wrong; the page shows it
            job.status = JobStatus.FAILED
            job.message = f"{job.message}\n{_('起草失败：')}{exc}".strip()
            job.finished_at = timezone.now()
            job.save()
            raise
    return job


def _drafting_loop(job) -> None:
    template = job.template
    parties = drafting_parties(template)
    existing = set(Agreement.objects.filter(party_a=template.region, year=template.year, kind=template.kind)
                   .values_list("party_b_id", "council_id"))
    titems = list(template.items.select_related("list_item__identity").order_by("position", "id"))
    job.status, job.total, job.started_at, job.done = JobStatus.RUNNING, len(parties), timezone.now(), 0
    job.save()
    warnings = []
    for start in range(0, len(parties), 25):
        with transaction.atomic():
            for seq, (region, council) in enumerate(parties[start:start + 25], start=start + 1):
                if (region.pk, council.pk if council else None) in existing:
                    job.skipped_count += 1
                    continue
                if not region.households or not region.population:
                    warnings.append(_("%(name)s 缺少户数或人口，按人头/户数计算的经费为 0，请补录后在协商中调整。")
                                    % {"name": region.name})
                try:
                    with transaction.atomic():
                        _draft_one(template, region, council, titems, seq, job.requested_by)
                    job.created_count += 1
                except IntegrityError:  # drafted meanwhile by a concurrent run
                    job.skipped_count += 1
            job.done = min(job.total, start + 25)
            job.save(update_fields=["done", "created_count", "skipped_count", "status", "updated_at"])
    job.status, job.finished_at = JobStatus.DONE, timezone.now()
    job.message = "\n".join(warnings)
    job.save()
    record_event("agreement.bulk_drafted", job, after={"created": job.created_count, "skipped": job.skipped_count})


def _draft_one(template, region, council, titems, seq: int, actor) -> Agreement:
    party_b_name = council.name if council else f"{region.name}{'居民委员会' if region.is_community else '村民委员会'}"
    agreement = Agreement(
        kind=template.kind, template=template, year=template.year, title=template.title,
        number=f"{template.number_prefix}〔{template.year}〕{seq}号" if template.number_prefix else "",
        term_start=template.term_start, term_end=template.term_end, party_a=template.region,
        party_a_name=template.party_a_name, party_a_department=template.party_a_department, party_b=region,
        council=council, party_b_name=party_b_name, b_signs_first=template.b_signs_first,
        households_basis=region.households, population_basis=region.population, created_by=actor,
        **{name: getattr(template, name) for name in Agreement.CLAUSES})
    items = []
    for ti in titems:
        li = ti.list_item
        basis, standard, quantity, amount = funding_for(li, region)
        items.append(AgreementItem(
            list_item=li, identity=li.identity, position=ti.position, number=li.number, category=li.category,
            title=li.title, funding_basis=basis, funding_standard=standard, funding_quantity=quantity,
            funding_amount=amount, **{name: getattr(ti, name) for name in AgreementItem.TERMS}))
    agreement.total_funding = to_yuan(sum((i.funding_amount for i in items), Decimal("0")))
    agreement.save()
    for item in items:
        item.agreement = agreement
    # One typed event per agreement lists its items (bulk insert skips the per-row change log).
    AgreementItem.objects.bulk_create(items)
    AgreementRevision.objects.create(agreement=agreement, number=1, snapshot=snapshot(agreement),
                                     note=_("批量起草"), author=actor)
    record_event("agreement.drafted", agreement, after={
        "items": [{"number": i.number, "funding_amount": str(i.funding_amount), "weight": str(i.weight)}
                  for i in items], "total_funding": str(agreement.total_funding)})
    return agreement


# ---------------------------------------------------------------- negotiation


def agreement_update(*, actor, agreement, version, data: dict, note: str = "") -> Agreement:
    """Party A edits a draft's header/clauses. Stale ``version`` → ConflictError, nothing written."""
    with transaction.atomic():
        locked = _locked(agreement, version)
        _require_side(actor, locked, "a")
        _require_editable(locked)
        allowed = {"title", "term_start", "term_end", "party_a_department", *Agreement.CLAUSES}
        changed = {k: v for k, v in data.items() if k in allowed and getattr(locked, k) != v}
        for key, value in changed.items():
            setattr(locked, key, value)
        locked.full_clean(exclude=["a_seal_image", "b_seal_image"])
        if changed:
            _bump(locked, actor, note or _("甲方修改协议条款"))
            record_event("agreement.updated", locked, after={"fields": sorted(changed), "revision": locked.revision})
    return locked


def agreement_item_update(*, actor, agreement, version, item, data: dict, note: str = "") -> Agreement:
    """Party A edits one item's terms or money during drafting/negotiation (optimistic locking on the agreement)."""
    with transaction.atomic():
        locked = _locked(agreement, version)
        _require_side(actor, locked, "a")
        _require_editable(locked)
        item = AgreementItem.objects.select_for_update().get(pk=item.pk, agreement=locked)
        allowed = set(AgreementItem.TERMS) | {"funding_amount", "removed"}
        changed = {}
        for key, value in data.items():
            if key in allowed:
                if key in ("funding_amount", "weight"):
                    value = to_yuan(value)
                    if value < 0:
                        raise ServiceError(_("金额和权重不能为负数。"))
                if getattr(item, key) != value:
                    changed[key] = value
                    setattr(item, key, value)
        if changed:
            item.save()
            _bump(locked, actor, note or _("甲方修改事项 %(n)s") % {"n": item.number})
            record_event("agreement.item_updated", locked, after={"item": item.number, **changed})
    return locked


def note_add(*, actor, agreement, text: str, item=None, field: str = "", proposed_value: str = "") -> NegotiationNote:
    """A comment in the negotiation thread; party B may attach a proposal to change one term of one item."""
    side = user_side(agreement, actor)
    if side is None:
        raise NotAllowed()
    if agreement.status not in EDITABLE_STATUSES:
        raise ServiceError(_("协议已签署，协商已结束；如需变更请签订补充协议。"), code="frozen")
    if not text.strip():
        raise ServiceError(_("请填写意见。"), fields={"text": [_("此项为必填项。")]})
    if field:
        if side != Side.B and agreement.kind == AgreementKind.STANDARD:
            raise ServiceError(_("修改建议由乙方提出；甲方可直接修改协议内容。"))
        if field not in PROPOSABLE_FIELDS or item is None or item.agreement_id != agreement.pk:
            raise ServiceError(_("请选择要修改的事项和内容。"))
        _validate_proposed(field, proposed_value)
    note = NegotiationNote.objects.create(
        agreement=agreement, side=side, author=actor, text=text.strip(), item=item, field=field,
        proposed_value=proposed_value.strip(), status=ProposalStatus.PENDING if field else "",
        revision=agreement.revision)
    record_event("agreement.proposal" if field else "agreement.comment", agreement,
                 after={"note": note.pk, "item": getattr(item, "number", ""), "field": field,
                        "proposed": proposed_value})
    return note


def _validate_proposed(field: str, value: str):
    try:
        if field in ("funding_amount", "weight"):
            parsed = Decimal(value.strip().replace(",", ""))
            if parsed < 0:
                raise ValueError
            return to_yuan(parsed)
        if field == "deadline":
            return dt.date.fromisoformat(value.strip()) if value.strip() else None
    except (ArithmeticError, ValueError):
        raise ServiceError(_("建议的值格式不正确（金额、权重填数字，日期填 YYYY-MM-DD）。"),
                           fields={"proposed_value": [_("格式不正确")]}) from None
    return value.strip()


def proposal_decide(*, actor, note: NegotiationNote, accept: bool, response: str = "") -> NegotiationNote:
    """Party A accepts (the change is applied as a new revision) or declines a proposal, with a reply."""
    with transaction.atomic():
        note = (NegotiationNote.objects.select_for_update(of=("self",)).select_related("agreement", "item")
                .get(pk=note.pk))
        agreement = _locked(note.agreement)
        _require_side(actor, agreement, "a")
        _require_editable(agreement)
        if note.status != ProposalStatus.PENDING:
            raise ServiceError(_("该建议已答复。"))
        if not accept and not response.strip():
            raise ServiceError(_("不采纳时请说明理由。"), fields={"response": [_("此项为必填项。")]})
        note.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.REJECTED
        note.decided_by, note.decided_at, note.response = actor, timezone.now(), response.strip()
        note.save()
        if accept:
            item = AgreementItem.objects.select_for_update().get(pk=note.item_id)
            if note.field == "remove":
                item.removed = True
            else:
                setattr(item, note.field, _validate_proposed(note.field, note.proposed_value))
            item.save()
            _bump(agreement, actor, _("采纳乙方建议：事项 %(n)s %(f)s") % {
                "n": item.number, "f": PROPOSABLE_FIELDS[note.field]})
        record_event("agreement.proposal_accepted" if accept else "agreement.proposal_rejected", agreement,
                     after={"note": note.pk, "response": note.response})
    return note


def agreement_confirm(*, actor, agreement, revision: int) -> Agreement:
    """One side confirms the revision it has read; both must confirm the current revision before signing."""
    with transaction.atomic():
        locked = _locked(agreement)
        side = user_side(locked, actor)
        if side is None:
            raise NotAllowed()
        if locked.status != AgreementStatus.NEGOTIATING:
            raise ServiceError(_("只有协商中的协议需要确认。"))
        if int(revision) != locked.revision:
            raise ConflictError(_("协议已更新为第 %(n)d 版，请阅读最新内容后再确认。") % {"n": locked.revision})
        # A committee worker confirms for its council too only while the council has no account (audited).
        sides = [side] + (["b"] if side == "a" and on_behalf(locked, actor, "b") else [])
        for s in sides:
            setattr(locked, f"confirmed_{s}_revision", locked.revision)
        locked.save()
        record_event("agreement.confirmed", locked, after={"side": side, "revision": locked.revision})
        if len(sides) > 1:
            record_event("agreement.confirmed_on_behalf", locked, after={
                "side": "b", "council": locked.council_id, "revision": locked.revision})
    return locked


def agreement_transition(*, actor, agreement, action: str, comment: str = "") -> Agreement:
    """A plain workflow move (submit, redraft, activate, evaluate, close, terminate)."""
    if action not in BUTTON_ACTIONS | {"terminate"}:
        raise ServiceError(_("签署请使用签署页面。"))

    def before_save(obj):
        if action == "terminate":
            obj.terminated_reason = comment.strip()
        if action in ("submit", "redraft"):
            obj.confirmed_a_revision = obj.confirmed_b_revision = 0

    return AGREEMENT_FLOW.transition(agreement, action, actor=actor, comment=comment, before_save=before_save)


def _check_seal_image(upload) -> str:
    """Content-checked seal image (PNG/JPEG, ≤ 2 MB); returns the file extension. Raises ServiceError."""
    if upload.size > SEAL_MAX_BYTES:
        raise ServiceError(_("印章图片过大（上限 2 MB）。"), fields={"seal_image": [_("文件过大")]})
    head = upload.read(16)
    upload.seek(0)
    ext = ".png" if head.startswith(b"\x89PNG\r\n\x1a\n") else ".jpg" if head.startswith(b"\xff\xd8\xff") else ""
    if not ext:
        raise ServiceError(_("印章图片须为 PNG 或 JPEG 格式。"), fields={"seal_image": [_("文件类型不正确")]})
    from PIL import Image

    try:
        with Image.open(upload) as img:
            img.verify()
    except Exception:
        raise ServiceError(_("印章图片已损坏或无法识别。"), fields={"seal_image": [_("无法识别")]}) from None
    upload.seek(0)
    return ext


def agreement_sign(*, actor, agreement, signer_name: str, seal_number: str = "", seal_image=None) -> Agreement:
    """Sign for the actor's side: records who, as whom, when and the seal; the second signature allocates the money."""
    side = user_side(agreement, actor)
    if side == "a" and on_behalf(agreement, actor, "b"):
        # "2+1" council without an account: the committee's worker records the council's signature when it is due.
        side = "b" if agreement.status in (AgreementStatus.NEGOTIATING, AgreementStatus.AWAITING_B) and (
            agreement.b_signs_first or agreement.a_signed_at) and not agreement.b_signed_at else "a"
    if side is None:
        raise NotAllowed()
    if getattr(agreement, f"{side}_signed_at"):
        raise ServiceError(_("您方已签署本协议，不能重复签署；对方签署须由对方办理。"))
    if not signer_name.strip():
        raise ServiceError(_("请填写签署代表姓名。"), fields={"signer_name": [_("此项为必填项。")]})
    if not seal_number.strip() and seal_image is None:
        raise ServiceError(_("请上传印章图片或填写印章编号。"), fields={"seal_number": [_("二者至少填一项")]})
    ext = _check_seal_image(seal_image) if seal_image is not None else ""

    def before_save(obj):
        setattr(obj, f"{side}_signed_by", actor)
        setattr(obj, f"{side}_signer_name", signer_name.strip())
        setattr(obj, f"{side}_signed_at", timezone.now())
        setattr(obj, f"{side}_seal_number", seal_number.strip())
        if seal_image is not None:
            getattr(obj, f"{side}_seal_image").save(f"{obj.pk}-{side}-{secrets.token_hex(8)}{ext}", seal_image,
                                                      save=False)
        obj.version += 1

    with transaction.atomic():
        signed = AGREEMENT_FLOW.transition(agreement, f"sign_{side}", actor=actor, before_save=before_save)
        if on_behalf(agreement, actor, side):
            record_event("agreement.signed_on_behalf", signed, after={
                "side": side, "council": signed.council_id, "signer_name": signer_name.strip()})
        if signed.status == AgreementStatus.SIGNED_BY_A:
            _allocate(signed, actor)
    return signed


def _allocate(agreement, actor) -> None:
    """Both sides signed: one allocation line per funded item, and the instalments from the template's plan."""
    today = timezone.localdate()
    items = [i for i in agreement.items.filter(removed=False, added_by__isnull=True) if i.funding_amount > 0]
    LedgerEntry.objects.bulk_create([
        LedgerEntry(agreement=agreement, kind=LedgerKind.ALLOCATE, amount=i.funding_amount, item=i, entry_date=today,
                    reason=_("协议签署，核定事项经费"), source="agreement", actor=actor) for i in items])
    total = to_yuan(sum((i.funding_amount for i in items), Decimal("0")))
    plan = (agreement.template.instalment_plan if agreement.template_id else None) or \
        default_instalment_plan(agreement.year)
    rows, given = [], Decimal("0")
    for n, part in enumerate(plan, start=1):
        amount = total - given if n == len(plan) else to_yuan(total * Decimal(str(part["percent"])) / HUNDRED)
        given += amount
        rows.append(Instalment(agreement=agreement, number=n, label=part["label"], amount=amount,
                               due_date=dt.date.fromisoformat(part["due"])))
    if total > 0:
        Instalment.objects.bulk_create(rows)
    _refresh_funds(agreement.pk)
    record_event("ledger.allocated", agreement, after={"allocated": str(total), "items": len(items),
                                                       "instalments": [str(r.amount) for r in rows]})


# ---------------------------------------------------------------- amendments


def amendment_create(*, actor, agreement, title: str, content: str, funding_delta=Decimal("0")) -> Amendment:
    """Party A drafts a supplementary agreement to a signed one; the original is never touched."""
    with transaction.atomic():
        locked = _locked(agreement)
        _require_side(actor, locked, "a")
        if locked.status not in SIGNED_STATUSES - {AgreementStatus.CLOSED}:
            raise ServiceError(_("只有已签署、尚未结束的协议可以签订补充协议。"))
        if not content.strip():
            raise ServiceError(_("请填写补充条款。"), fields={"content": [_("此项为必填项。")]})
        number = (locked.amendments.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        amendment = Amendment.objects.create(
            agreement=locked, number=number, title=title.strip() or f"{locked.title}补充协议（{number}）",
            content=content.strip(), funding_delta=to_yuan(funding_delta), created_by=actor)
        record_event("amendment.created", amendment, after={"number": number,
                                                            "funding_delta": str(amendment.funding_delta)})
    return amendment


def amendment_sign(*, actor, amendment, signer_name: str, seal_number: str) -> Amendment:
    """Sign a supplementary agreement (B first, then A); in force after A, when its item and money changes apply.

    Refused while its item changes would leave the weights in force off 100 or rest on terms changed meanwhile.
    """
    agreement = amendment.agreement
    side = "b" if amendment.status == AmendmentStatus.DRAFT else "a"
    if not acts_for(agreement, actor, side):
        raise NotAllowed()
    if not signer_name.strip() or not seal_number.strip():
        raise ServiceError(_("请填写签署代表姓名和印章编号。"))

    def before_save(obj):
        setattr(obj, f"{side}_signed_by", actor)
        setattr(obj, f"{side}_signer_name", signer_name.strip())
        setattr(obj, f"{side}_signed_at", timezone.now())
        setattr(obj, f"{side}_seal_number", seal_number.strip())
        obj.version += 1

    with transaction.atomic():
        Agreement.objects.select_for_update(of=("self",)).get(pk=agreement.pk)  # one amendment comes in force at a time
        signed = AMENDMENT_FLOW.transition(amendment, f"sign_{side}", actor=actor, before_save=before_save)
        if on_behalf(agreement, actor, side):
            record_event("amendment.signed_on_behalf", signed, after={
                "side": side, "council": agreement.council_id, "signer_name": signer_name.strip()})
        if signed.status == AmendmentStatus.IN_FORCE:
            _amendment_take_effect(signed, agreement, actor)
    return signed


def _amendment_take_effect(amendment, agreement, actor) -> None:
    """Added items become rows of their own (marked ``added_by``); money changes are booked item by item."""
    lines = list(amendment.items.select_related("list_item", "item").order_by("position", "id"))
    today = timezone.localdate()
    entries = []
    if lines:
        position = (agreement.items.order_by("-position").values_list("position", flat=True).first() or 0)
        for line in lines:
            target = line.item
            if line.kind == AmendmentItemKind.ADD:
                position += 1
                basis, standard, quantity, _amount = funding_for(line.list_item, agreement.party_b)
                target = AgreementItem.objects.create(
                    agreement=agreement, list_item=line.list_item, identity_id=line.identity_id, position=position,
                    number=line.number, category=line.category, title=line.title, funding_basis=basis,
                    funding_standard=standard, funding_quantity=quantity, funding_amount=line.funding_amount,
                    added_by=line, **{name: getattr(line, name) for name in AgreementItem.TERMS})
            change = to_yuan(line.funding_change)
            if change:
                entries.append((LedgerKind.ALLOCATE if change > 0 else LedgerKind.REDUCE, abs(change), target,
                                _("补充协议（%(n)d）%(kind)s %(item)s") % {
                                    "n": amendment.number, "kind": line.get_kind_display(), "item": line.number}))
    elif amendment.funding_delta:
        kind = LedgerKind.ALLOCATE if amendment.funding_delta > 0 else LedgerKind.REDUCE
        entries.append((kind, abs(amendment.funding_delta), None,
                        _("补充协议（%(n)d）调整经费") % {"n": amendment.number}))
    for kind, amount, item, reason in entries:
        entry = LedgerEntry.objects.create(
            agreement=agreement, kind=kind, amount=amount, item=item, amendment=amendment, entry_date=today,
            reason=reason[:300], source="amendment", reference=str(amendment.pk), actor=actor)
        record_event(f"ledger.{kind}", agreement, after={"amount": str(entry.amount), "amendment": amendment.pk,
                                                         "item": getattr(item, "number", "")})
    if entries:
        _refresh_funds(agreement.pk)
    record_event("amendment.in_force", amendment, after={
        "items": [{"kind": line.kind, "number": line.number, "funding_change": str(line.funding_change)}
                  for line in lines], "funding_delta": str(amendment.funding_delta)})


def amendment_sign_problem(amendment) -> str | None:
    """Why the amendment cannot be signed now (in Chinese), else None: stale item lines, weights in force ≠ 100."""
    from .effective import effective_items, terms_json, weight_total

    lines = list(amendment.items.all())
    if not lines:
        return None
    agreement = amendment.agreement
    if amendment.status == AmendmentStatus.DRAFT or amendment.status == AmendmentStatus.SIGNED_BY_B:
        current = {e.item.pk: e for e in effective_items(agreement, before=amendment) if e.item is not None}
        taken = set(agreement.items.values_list("identity_id", flat=True))
        for line in lines:
            if line.kind == AmendmentItemKind.ADD and line.identity_id in taken:
                return _("事项 %(n)s 已在协议中，不能重复增加。") % {"n": line.number}
            if line.kind != AmendmentItemKind.ADD:
                entry = current.get(line.item_id)
                if entry is None:
                    return _("事项 %(n)s 已不在履行中（已被其他补充协议终止），请撤回对该事项的变更。") % {"n": line.number}
                if terms_json(entry.terms) != line.base:
                    return _("事项 %(n)s 的内容已被其他补充协议修改，请撤回该项变更后按现行内容重新填写。") % {
                        "n": line.number}
    items = effective_items(agreement, before=amendment, including=amendment)
    total = weight_total(items)
    if not items:
        return _("补充协议生效后协议将没有任何事项，请保留至少一个事项。")
    if total != HUNDRED:
        return _("补充协议生效后，履行中各事项的评估权重合计应为 100，当前为 %(total)s；请调整事项权重后再签署。") % {
            "total": total.normalize()}
    return None


# ---------------------------------------------------------------- amendment items (item-level changes)


def _locked_amendment(amendment, version) -> Amendment:
    locked = Amendment.objects.select_for_update(of=("self",)).select_related(
        "agreement__party_a", "agreement__party_b", "agreement__template").get(pk=amendment.pk)
    if version not in (None, "") and int(version) != locked.version:
        raise ConflictError(_("该补充协议已被他人修改（您编辑的是第 %(mine)s 次保存后的内容，当前已是第 %(now)s 次），"
                              "您填写的内容未保存，请对照最新内容后重新提交。") % {"mine": version, "now": locked.version})
    return locked


def _require_amendment_editor(actor, amendment) -> None:
    if not acts_for(amendment.agreement, actor, "a"):
        raise NotAllowed()
    if amendment.status != AmendmentStatus.DRAFT:
        raise ServiceError(_("补充协议已签署或已撤销，其中的事项变更不可再修改。"), code="frozen")


def _clean_terms(data: dict, *, reason: str) -> dict:
    """Validated item terms from a form: money and weight non-negative Decimals, a reason."""
    if not (reason or "").strip():
        raise ServiceError(_("请填写变更理由。"), fields={"reason": [_("此项为必填项。")]})
    terms = {k: v for k, v in data.items() if k in AgreementItem.TERMS or k == "funding_amount"}
    for key in ("funding_amount", "weight"):
        if key in terms:
            try:
                terms[key] = to_yuan(terms[key] if terms[key] not in (None, "") else 0)
            except (ArithmeticError, ValueError, TypeError):
                raise ServiceError(_("金额或权重格式不正确。"), fields={key: [_("格式不正确")]}) from None
            if terms[key] < 0:
                raise ServiceError(_("金额和权重不能为负数。"), fields={key: [_("不能为负数")]})
    if terms.get("weight", Decimal("0")) > HUNDRED:
        raise ServiceError(_("权重不能超过 100。"), fields={"weight": [_("不能超过 100")]})
    for key, value in terms.items():
        if isinstance(value, str):
            terms[key] = value.strip()
    return terms


def _touch_amendment(locked, actor) -> None:
    """After a line changed: the money change follows the item lines, version + 1 (stale forms are refused)."""
    changes = [line.funding_change for line in locked.items.all()]
    if changes:
        locked.funding_delta = to_yuan(sum(changes, Decimal("0")))
    locked.version += 1
    locked.save()


def _refuse_manual_delta(locked) -> None:
    if locked.funding_delta and not locked.items.exists():
        raise ServiceError(_("本补充协议已填写经费调整 %(d)s 元。调整事项后经费调整按事项自动计算，为免重复计算，"
                             "请撤销本补充协议并重新起草（经费调整填 0），再逐项调整事项。")
                           % {"d": locked.funding_delta})


def _in_force_entry(locked, item):
    from .effective import effective_items

    for entry in effective_items(locked.agreement, before=locked):
        if entry.item is not None and entry.item.pk == item.pk:
            return entry
    raise ServiceError(_("该事项不在履行中，不能变更或终止。"))


def amendment_item_add(*, actor, amendment, version, list_item, data: dict, reason: str) -> AmendmentItem:
    """Add one item of the published list (that exact version) to the agreement by this draft amendment."""
    with transaction.atomic():
        locked = _locked_amendment(amendment, version)
        agreement = locked.agreement
        _require_amendment_editor(actor, locked)
        _refuse_manual_delta(locked)
        list_kind = "assisted" if agreement.kind == AgreementKind.STANDARD else "council"
        allowed_lists = {getattr(agreement.template, "duty_list_id", None),
                         getattr(assisted_list_for(agreement.party_a, list_kind), "pk", None)} - {None}
        if list_item is None or list_item.duty_list_id not in allowed_lists:
            raise ServiceError(_("只能从已发布的协助事项清单中选择要增加的事项。"), fields={"list_item": [_("请选择")]})
        if agreement.items.filter(identity_id=list_item.identity_id).exists() or \
                locked.items.filter(identity_id=list_item.identity_id).exists():
            raise ServiceError(_("事项 %(n)s 已在协议或本补充协议中，不能重复增加；如需调整请使用“变更”。")
                               % {"n": list_item.number}, fields={"list_item": [_("已在协议中")]})
        terms = _clean_terms(data, reason=reason)
        if "funding_amount" not in terms or terms["funding_amount"] in (None, ""):
            terms["funding_amount"] = funding_for(list_item, agreement.party_b)[3]
        defaults = {"requirements": list_item.description or list_item.title,
                    "conditions_money": _money_condition(list_item), "payment_schedule": _("按协议拨付计划分期拨付"),
                    "indicator": _("按时按质完成%(title)s") % {"title": list_item.title}}
        for key, value in defaults.items():
            if not terms.get(key):
                terms[key] = value
        line = AmendmentItem.objects.create(
            amendment=locked, kind=AmendmentItemKind.ADD, list_item=list_item, identity_id=list_item.identity_id,
            number=list_item.number, category=list_item.category, title=list_item.title, reason=reason.strip(),
            position=locked.items.count() + 1, **terms)
        _touch_amendment(locked, actor)
        record_event("amendment.item_added", locked, after={"item": line.number, "funding_amount":
                                                           str(line.funding_amount), "weight": str(line.weight)})
    return line


def amendment_item_change(*, actor, amendment, version, item, data: dict, reason: str) -> AmendmentItem:
    """Change the terms of one item in force (requirements, conditions, money, schedule, indicator, weight)."""
    from .effective import terms_json, terms_of

    with transaction.atomic():
        locked = _locked_amendment(amendment, version)
        _require_amendment_editor(actor, locked)
        _refuse_manual_delta(locked)
        if locked.items.filter(item=item).exists():
            raise ServiceError(_("本补充协议已包含对该事项的变更，请先撤回原变更。"))
        entry = _in_force_entry(locked, item)
        terms = {**terms_of(entry), **_clean_terms(data, reason=reason)}
        if terms_json(terms) == terms_json(terms_of(entry)):
            raise ServiceError(_("内容与现行条款相同，未作任何修改。"))
        line = AmendmentItem.objects.create(
            amendment=locked, kind=AmendmentItemKind.CHANGE, item=item, number=entry.number, category=entry.category,
            title=entry.title, reason=reason.strip(), base=terms_json(terms_of(entry)),
            position=locked.items.count() + 1, **terms)
        _touch_amendment(locked, actor)
        record_event("amendment.item_changed", locked, after={
            "item": line.number, "fields": sorted(k for k, v in terms_json(terms).items() if line.base.get(k) != v)})
    return line


def amendment_item_remove(*, actor, amendment, version, item, ends_on, funding_amount, reason: str) -> AmendmentItem:
    """End one item in force from ``ends_on``; ``funding_amount`` is what party B keeps for the part done."""
    from .effective import terms_json, terms_of

    with transaction.atomic():
        locked = _locked_amendment(amendment, version)
        agreement = locked.agreement
        _require_amendment_editor(actor, locked)
        _refuse_manual_delta(locked)
        if locked.items.filter(item=item).exists():
            raise ServiceError(_("本补充协议已包含对该事项的变更，请先撤回原变更。"))
        entry = _in_force_entry(locked, item)
        if ends_on is None or not (agreement.term_start <= ends_on <= agreement.term_end):
            raise ServiceError(_("终止日期须在协议履行期限内（%(a)s 至 %(b)s）。") % {
                "a": agreement.term_start, "b": agreement.term_end}, fields={"ends_on": [_("日期不正确")]})
        kept = _clean_terms({"funding_amount": funding_amount}, reason=reason)["funding_amount"]
        if kept > entry.funding_amount:
            raise ServiceError(_("保留的经费不能超过该事项现行经费 %(a)s 元。") % {"a": entry.funding_amount},
                               fields={"funding_amount": [_("超过现行经费")]})
        line = AmendmentItem.objects.create(
            amendment=locked, kind=AmendmentItemKind.REMOVE, item=item, number=entry.number, category=entry.category,
            title=entry.title, reason=reason.strip(), base=terms_json(terms_of(entry)), ends_on=ends_on,
            position=locked.items.count() + 1, **{**terms_of(entry), "funding_amount": kept})
        _touch_amendment(locked, actor)
        record_event("amendment.item_removed", locked, after={"item": line.number, "ends_on": ends_on,
                                                             "funding_kept": str(kept)})
    return line


def amendment_item_withdraw(*, actor, line, version) -> Amendment:
    """Take one item line back out of a draft amendment (the removal is audited with what it said)."""
    with transaction.atomic():
        locked = _locked_amendment(line.amendment, version)
        _require_amendment_editor(actor, locked)
        line = AmendmentItem.objects.select_for_update().get(pk=line.pk, amendment=locked)
        record_event("amendment.item_withdrawn", locked, before={
            "kind": line.kind, "item": line.number, "funding_amount": str(line.funding_amount), "reason": line.reason})
        line.delete()
        if not locked.items.exists():
            locked.funding_delta = Decimal("0")
        _touch_amendment(locked, actor)
    return locked


def amendment_cancel(*, actor, amendment, reason: str) -> Amendment:
    return AMENDMENT_FLOW.transition(amendment, "cancel", actor=actor, comment=reason)


# ---------------------------------------------------------------- progress


def progress_report(*, actor, item, status: str, note: str = "") -> ProgressReport:
    """Party B reports an item done / in progress / not done (with a note); the latest report counts."""
    agreement = Agreement.objects.select_related("party_a", "party_b").get(pk=item.agreement_id)
    if not acts_for(agreement, actor, "b") and not (agreement.kind == AgreementKind.COUNCIL
                                                    and acts_for(agreement, actor, "a")):
        raise NotAllowed()
    if agreement.status not in (AgreementStatus.SIGNED_BY_A, AgreementStatus.IN_FORCE):
        raise ServiceError(_("协议生效后才能报告事项进展。"))
    if status not in ProgressStatus.values:
        raise ServiceError(_("请选择完成情况。"))
    if item.removed:
        raise ServiceError(_("该事项已在协商中删除。"))
    ended = item.amendment_changes.filter(kind=AmendmentItemKind.REMOVE, amendment__status=AmendmentStatus.IN_FORCE,
                                          ends_on__lte=timezone.localdate()).first()
    if ended is not None:
        raise ServiceError(_("该事项已由补充协议（%(n)d）自 %(d)s 起终止。") % {"n": ended.amendment.number,
                                                                     "d": ended.ends_on})
    if status != ProgressStatus.DONE and not note.strip():
        raise ServiceError(_("未完成或推进中的事项请说明情况。"), fields={"note": [_("此项为必填项。")]})
    report = ProgressReport.objects.create(item=item, status=status, note=note.strip(), reported_by=actor)
    record_event("agreement.progress", agreement, after={"item": item.number, "status": status})
    return report


# ---------------------------------------------------------------- funds


def _require_funds_actor(actor, agreement) -> None:
    if actor is None:  # a system job acting on a person's confirmed decision
        return
    if getattr(actor, "is_superuser", False):
        return
    roles = user_roles_on(actor, agreement)
    if Role.DISTRICT_ADMIN in roles or (Role.TOWN_STAFF in roles and acts_for(agreement, actor, "a")):
        return
    raise NotAllowed()


def _require_money_status(agreement) -> None:
    if agreement.status not in SIGNED_STATUSES | {AgreementStatus.TERMINATED}:
        raise ServiceError(_("协议尚未由双方签署，不能记录经费。"))


def instalment_pay(*, actor, instalment, paid_on: dt.date, voucher_number: str, amount=None) -> LedgerEntry:
    """Record the payment of one instalment (date, voucher number); a late payment counts against the town."""
    with transaction.atomic():
        inst = Instalment.objects.select_for_update(of=("self",)).select_related(
            "agreement__party_a", "agreement__party_b") \
            .get(pk=instalment.pk)
        agreement = inst.agreement
        _require_funds_actor(actor, agreement)
        _require_money_status(agreement)
        if inst.paid_on:
            raise ServiceError(_("该期经费已于 %(d)s 拨付。") % {"d": inst.paid_on})
        if not voucher_number.strip():
            raise ServiceError(_("请填写凭证号。"), fields={"voucher_number": [_("此项为必填项。")]})
        if paid_on > timezone.localdate():
            raise ServiceError(_("拨付日期不能晚于今天。"), fields={"paid_on": [_("日期不正确")]})
        amount = to_yuan(inst.amount if amount in (None, "") else amount)
        if amount <= 0:
            raise ServiceError(_("金额须大于 0。"))
        inst.paid_on = paid_on
        inst.save()
        entry = LedgerEntry.objects.create(
            agreement=agreement, kind=LedgerKind.PAY, amount=amount, instalment=inst, entry_date=paid_on,
            voucher_number=voucher_number.strip(), reason=inst.label, source="payment", actor=actor)
        record_event("ledger.pay", agreement, after={"instalment": inst.label, "amount": str(amount),
                                                     "voucher": entry.voucher_number, "paid_on": paid_on,
                                                     "due": inst.due_date, "late": inst.is_late})
        _refresh_funds(agreement.pk)
    return entry


def funds_adjust(*, actor, agreement, kind: str, amount, reason: str, source: str = "evaluation",
                 reference: str = "") -> LedgerEntry:
    """Withhold from or award to an agreement's money (e.g. after evaluation): one ledger line, audited.

    ``kind`` is "withhold" or "award"; ``amount`` a Decimal > 0. Returns the ledger entry.
    """
    if kind not in (LedgerKind.WITHHOLD, LedgerKind.AWARD):
        raise ServiceError(_("经费调整类别只能是扣减或奖励。"))
    if isinstance(amount, float):
        raise ServiceError(_("金额不能使用浮点数。"))
    try:
        amount = to_yuan(amount)
    except (ArithmeticError, ValueError, TypeError):
        raise ServiceError(_("金额格式不正确。")) from None
    if amount <= 0:
        raise ServiceError(_("金额须大于 0。"), fields={"amount": [_("金额须大于 0")]})
    if not str(reason or "").strip():
        raise ServiceError(_("请填写扣减或奖励的事由。"), fields={"reason": [_("此项为必填项。")]})
    with transaction.atomic():
        locked = (Agreement.objects.select_for_update(of=("self",)).select_related("party_a", "party_b")
              .get(pk=agreement.pk))
        _require_funds_actor(actor, locked)
        _require_money_status(locked)
        entry = LedgerEntry.objects.create(
            agreement=locked, kind=kind, amount=amount, entry_date=timezone.localdate(), reason=str(reason)[:300],
            source=source[:40], reference=str(reference)[:100], actor=actor if getattr(actor, "pk", None) else None)
        record_event(f"ledger.{kind}", locked, after={"amount": str(amount), "reason": entry.reason,
                                                      "source": source, "reference": entry.reference},
                     user=actor if getattr(actor, "pk", None) else None)
        _refresh_funds(locked.pk)
    return entry


# ---------------------------------------------------------------- councils and exports


def council_create(*, actor, region, name: str, chair: str = "") -> ResidentsCouncil:
    """Register a residents' council of a committee (party B of "2+1" agreements)."""
    _require_roles(actor, region, {Role.VILLAGE_STAFF, Role.TOWN_STAFF})
    if region.level != "village":
        raise ServiceError(_("理事会须隶属于村（社区）。"))
    if not name.strip():
        raise ServiceError(_("请填写理事会名称。"))
    try:
        with transaction.atomic():
            return ResidentsCouncil.objects.create(region=region, name=name.strip(), chair=chair.strip())
    except IntegrityError:
        raise ServiceError(_("该村（社区）已有同名理事会。")) from None


def export_start(*, actor, region, year: int) -> ExportJob:
    """Queue a ZIP of the region's agreement PDFs (for towns too large to stream at once)."""
    from .selectors import agreements_for_zip
    from .tasks import run_export_job

    total = agreements_for_zip(actor, region, year).count()
    if not total:
        raise ServiceError(_("没有可下载的协议。"))
    export_cleanup()
    job = ExportJob.objects.create(region=region, year=year, requested_by=actor, total=total)
    record_event("agreement.export_requested", job, after={"total": total})
    run_export_job.enqueue(job.pk)
    job.refresh_from_db()
    return job


def export_cleanup(max_age_hours: int = 24) -> int:
    """Remove ZIPs nobody downloaded within ``max_age_hours`` (temporary export files are not kept)."""
    import os

    removed = 0
    cutoff = timezone.now() - dt.timedelta(hours=max_age_hours)
    for job in ExportJob.objects.filter(downloaded_at__isnull=True, finished_at__lt=cutoff).exclude(file_path=""):
        if os.path.exists(job.file_path):
            os.unlink(job.file_path)
            removed += 1
        job.file_path = ""
        job.message = _("超过 %(h)d 小时未下载，文件已删除。") % {"h": max_age_hours}
        job.save(update_fields=["file_path", "message", "updated_at"])
    return removed


def export_run(job_id: int) -> ExportJob:
    """Write the ZIP under the data directory (outside the web root); the download view deletes it afterwards."""
    from django.conf import settings

    from zhengshe.core.context import acting_as

    from .pdf import write_zip
    from .selectors import agreements_for_zip

    job = ExportJob.objects.select_related("region", "requested_by").get(pk=job_id)
    with acting_as(job.requested_by, source="job"):
        job.status, job.started_at = JobStatus.RUNNING, timezone.now()
        job.save()
        folder = settings.DATA_DIR / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"agreements-{job.pk}-{secrets.token_hex(8)}.zip"
        try:
            with open(path, "wb") as out:
                for done, _chunk in enumerate(write_zip(agreements_for_zip(job.requested_by, job.region, job.year),
                                                        out), start=1):
                    if done % 10 == 0:
                        job.done = done
                        job.save(update_fields=["done", "updated_at"])
        except Exception as exc:
            job.status, job.message, job.finished_at = JobStatus.FAILED, str(exc), timezone.now()
            job.save()
            raise
        job.file_path, job.status, job.done, job.finished_at = str(path), JobStatus.DONE, job.total, timezone.now()
        job.save()
    return job


def validate_version(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        raise ValidationError(_("版本号不正确。")) from None


def scope_has(actor, *roles) -> bool:
    return Scope.for_user(actor).has_role(*roles)
