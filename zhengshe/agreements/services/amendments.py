"""Supplementary agreements (补充协议): item-level changes, frozen once signed, with their own B-then-A signing."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.audit.services import record_event
from zhengshe.core.errors import ConflictError, ServiceError
from zhengshe.utilities.money import to_yuan

from ..choices import (
    SIGNED_STATUSES,
    AgreementKind,
    AgreementStatus,
    AmendmentItemKind,
    AmendmentStatus,
    LedgerKind,
)
from ..models import (
    Agreement,
    AgreementItem,
    Amendment,
    AmendmentItem,
    LedgerEntry,
)
from ..workflows import AMENDMENT_FLOW
from ._common import HUNDRED, _locked, _refresh_funds, _require_side, funding_for
from .plans import apply_plan
from .templates import _money_condition, assisted_list_for


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


def amendment_sign(*, actor, amendment, signer_name: str, seal_number: str, standing=None) -> Amendment:
    """Sign a supplementary agreement (B first, then A); in force after A, when its item and money changes apply.

    Refused while its item changes would leave the weights in force off 100 or rest on terms changed meanwhile.
    """
    agreement = amendment.agreement
    side = "b" if amendment.status == AmendmentStatus.DRAFT else "a"
    standing = _require_side(actor, agreement, side, standing)
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
        signed = AMENDMENT_FLOW.transition(amendment, f"sign_{side}", actor=actor, before_save=before_save,
                                           standing=standing)
        if standing.on_behalf(side):
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
    apply_plan(amendment, agreement)
    record_event("amendment.in_force", amendment, after={
        "items": [{"kind": line.kind, "number": line.number, "funding_change": str(line.funding_change)}
                  for line in lines], "funding_delta": str(amendment.funding_delta)})


def amendment_sign_problem(amendment) -> str | None:
    """Why the amendment cannot be signed now (in Chinese), else None: stale item lines, weights in force ≠ 100."""
    from ..effective import effective_items, terms_json, weight_total
    from .plans import amendment_plan_problem

    lines = list(amendment.items.all())
    if not lines:
        return amendment_plan_problem(amendment)
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
    return amendment_plan_problem(amendment)


def _locked_amendment(amendment, version) -> Amendment:
    locked = Amendment.objects.select_for_update(of=("self",)).select_related(
        "agreement__party_a", "agreement__party_b", "agreement__template").get(pk=amendment.pk)
    if version not in (None, "") and int(version) != locked.version:
        raise ConflictError(_("该补充协议已被他人修改（您编辑的是第 %(mine)s 次保存后的内容，当前已是第 %(now)s 次），"
                              "您填写的内容未保存，请对照最新内容后重新提交。") % {"mine": version, "now": locked.version})
    return locked


def _require_amendment_editor(actor, amendment) -> None:
    _require_side(actor, amendment.agreement, "a")
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
    from ..effective import effective_items

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
    from ..effective import terms_json, terms_of

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
    from ..effective import terms_json, terms_of

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
