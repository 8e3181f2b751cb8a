"""Money that follows the task (费随事转): paying instalments and adjusting funds (rewards, withholdings), exact to the fen."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.accounts.roles import Role
from zhengshe.audit.services import record_event
from zhengshe.core.errors import NotAllowed, ServiceError
from zhengshe.utilities.money import to_yuan

from ..choices import (
    SIGNED_STATUSES,
    AgreementStatus,
    LedgerKind,
)
from ..models import (
    Agreement,
    Instalment,
    LedgerEntry,
)
from ..workflows import standing_on
from ._common import _refresh_funds


def _require_funds_actor(actor, agreement) -> None:
    if actor is None:  # a system job acting on a person's confirmed decision
        return
    if getattr(actor, "is_superuser", False):
        return
    standing = standing_on(agreement, actor)
    if Role.DISTRICT_ADMIN in standing.roles or (Role.TOWN_STAFF in standing.roles and standing.acts_for("a")):
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
