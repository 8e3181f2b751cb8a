"""Moving an agreement through its workflow: submitting, signing by both sides (seal images), allocating the money."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.audit.services import record_event
from zhengshe.core.errors import NotAllowed, ServiceError
from zhengshe.utilities.money import split_to_fen, to_yuan

from ..choices import (
    AgreementStatus,
    LedgerKind,
)
from ..models import (
    Agreement,
    Instalment,
    LedgerEntry,
)
from ..workflows import AGREEMENT_FLOW, BUTTON_ACTIONS
from ._common import HUNDRED, SEAL_MAX_BYTES, _refresh_funds, standing_for
from .templates import default_instalment_plan


def agreement_transition(*, actor, agreement, action: str, comment: str = "", standing=None) -> Agreement:
    """A plain workflow move (submit, redraft, activate, evaluate, close, terminate)."""
    if action not in BUTTON_ACTIONS | {"terminate"}:
        raise ServiceError(_("签署请使用签署页面。"))

    def before_save(obj):
        if action == "terminate":
            obj.terminated_reason = comment.strip()
        if action in ("submit", "redraft"):
            obj.confirmed_a_revision = obj.confirmed_b_revision = 0

    return AGREEMENT_FLOW.transition(agreement, action, actor=actor, comment=comment, before_save=before_save,
                                     standing=standing_for(actor, agreement, standing))


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


def agreement_sign(*, actor, agreement, signer_name: str, seal_number: str = "", seal_image=None,
                   standing=None) -> Agreement:
    """Sign for the actor's side: records who, as whom, when and the seal; the second signature allocates the money.
    ``standing`` is the actor's standing the page already derived (derived here otherwise), used for every check."""
    standing = standing_for(actor, agreement, standing)
    side = standing.side
    if side == "a" and standing.on_behalf("b"):
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
        signed = AGREEMENT_FLOW.transition(agreement, f"sign_{side}", actor=actor, before_save=before_save,
                                           standing=standing)
        if standing.on_behalf(side):
            record_event("agreement.signed_on_behalf", signed, after={
                "side": side, "council": signed.council_id, "signer_name": signer_name.strip()})
        if signed.status == AgreementStatus.SIGNED_BY_A:
            _allocate(signed, actor)
    return signed


def _allocate(agreement, actor, on=None) -> None:
    """Both sides signed: one allocation line per funded item, and the instalments from the template's plan.
    ``on``: the signing date when it was not today (a paper agreement recorded afterwards)."""
    today = on or timezone.localdate()
    items = [i for i in agreement.items.filter(removed=False, added_by__isnull=True) if i.funding_amount > 0]
    LedgerEntry.objects.bulk_create([
        LedgerEntry(agreement=agreement, kind=LedgerKind.ALLOCATE, amount=i.funding_amount, item=i, entry_date=today,
                    reason=_("协议签署，核定事项经费"), source="agreement", actor=actor) for i in items])
    total = to_yuan(sum((i.funding_amount for i in items), Decimal("0")))
    plan = (agreement.template.instalment_plan if agreement.template_id else None) or \
        default_instalment_plan(agreement.year)
    rows, given = [], Decimal("0")
    amounts = [to_yuan(p["amount"]) for p in plan if p.get("amount") not in (None, "")]
    rescaled = bool(amounts) and sum(amounts, Decimal("0")) != total
    if amounts and len(amounts) == len(plan) and total > 0:
        # a plan by amount: as written when it adds up; else (items changed in negotiation) in proportion, audited
        amounts = split_to_fen(total, amounts) if rescaled else amounts
    for n, part in enumerate(plan, start=1):
        if amounts and len(amounts) == len(plan):
            amount = amounts[n - 1]
        else:
            amount = total - given if n == len(plan) else to_yuan(total * Decimal(str(part["percent"])) / HUNDRED)
        given += amount
        rows.append(Instalment(agreement=agreement, number=n, label=part["label"], amount=amount,
                               due_date=dt.date.fromisoformat(part["due"])))
    if total > 0:
        Instalment.objects.bulk_create(rows)
    _refresh_funds(agreement.pk)
    record_event("ledger.allocated", agreement, after={"allocated": str(total), "items": len(items),
                                                       "instalments": [str(r.amount) for r in rows],
                                                       "plan_rescaled": rescaled})
