"""Negotiation of a draft: edits under optimistic locking, notes and proposals, both sides' confirmation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.audit.services import record_event
from zhengshe.core.errors import ConflictError, NotAllowed, ServiceError
from zhengshe.utilities.money import to_yuan

from ..choices import (
    EDITABLE_STATUSES,
    PROPOSABLE_FIELDS,
    AgreementKind,
    AgreementStatus,
    ProposalStatus,
    Side,
)
from ..models import (
    Agreement,
    AgreementItem,
    NegotiationNote,
)
from ..workflows import PROPOSAL_FLOW
from ._common import _bump, _locked, _require_editable, _require_side, standing_for


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


def note_add(*, actor, agreement, text: str, item=None, field: str = "", proposed_value: str = "",
             standing=None) -> NegotiationNote:
    """A comment in the negotiation thread; party B may attach a proposal to change one term of one item."""
    side = standing_for(actor, agreement, standing).side
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
        standing = _require_side(actor, agreement, "a")
        _require_editable(agreement)
        if note.status != ProposalStatus.PENDING:
            raise ServiceError(_("该建议已答复。"))
        if not accept and not response.strip():
            raise ServiceError(_("不采纳时请说明理由。"), fields={"response": [_("此项为必填项。")]})

        def before_save(obj):
            obj.decided_by, obj.decided_at, obj.response = actor, timezone.now(), response.strip()

        note = PROPOSAL_FLOW.transition(note, "accept" if accept else "reject", actor=actor, comment=response.strip(),
                                        before_save=before_save, standing=standing)
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


def agreement_confirm(*, actor, agreement, revision: int, standing=None) -> Agreement:
    """One side confirms the revision it has read; both must confirm the current revision before signing."""
    with transaction.atomic():
        locked = _locked(agreement)
        standing = standing_for(actor, locked, standing)
        side = standing.side
        if side is None:
            raise NotAllowed()
        if locked.status != AgreementStatus.NEGOTIATING:
            raise ServiceError(_("只有协商中的协议需要确认。"))
        if int(revision) != locked.revision:
            raise ConflictError(_("协议已更新为第 %(n)d 版，请阅读最新内容后再确认。") % {"n": locked.revision})
        # A committee worker confirms for its council too only while the council has no account (audited).
        sides = [side] + (["b"] if side == "a" and standing.on_behalf("b") else [])
        for s in sides:
            setattr(locked, f"confirmed_{s}_revision", locked.revision)
        locked.save()
        record_event("agreement.confirmed", locked, after={"side": side, "revision": locked.revision})
        if len(sides) > 1:
            record_event("agreement.confirmed_on_behalf", locked, after={
                "side": "b", "council": locked.council_id, "revision": locked.revision})
    return locked
