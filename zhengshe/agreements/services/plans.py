"""The payment plan a supplementary agreement sets: a change of money comes with its instalments (new ones, or new
amounts and dates for instalments not yet paid), and the amendment cannot be signed unless the plan then adds up to
the money in force, to the fen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from zhengshe.audit.services import record_event
from zhengshe.core.errors import ServiceError
from zhengshe.utilities.money import format_yuan, to_yuan

from ..choices import AmendmentStatus
from ..models import AmendmentInstalment, Instalment


def _allocated_now(agreement) -> Decimal:
    from ..selectors import ledger_totals

    return ledger_totals(agreement)["allocated"]


def plan_after(amendment) -> tuple[list[dict], Decimal]:
    """The agreement's instalments as they will stand once the amendment is in force (rows: number, label, amount,
    due, paid_on, changed: None / "new" / "changed"), and their total."""
    rows = list(amendment.plan_rows.select_related("instalment").order_by("position", "id"))
    changed = {r.instalment_id: r for r in rows if r.instalment_id}
    plan = []
    for inst in amendment.agreement.instalments.order_by("number"):
        row = changed.get(inst.pk)
        plan.append({"number": inst.number, "label": row.label if row else inst.label,
                     "amount": row.amount if row else inst.amount, "due": row.due_date if row else inst.due_date,
                     "paid_on": inst.paid_on, "old_amount": inst.amount, "changed": "changed" if row else None})
    number = plan[-1]["number"] if plan else 0
    for row in rows:
        if not row.instalment_id:
            number += 1
            plan.append({"number": number, "label": row.label, "amount": row.amount, "due": row.due_date,
                         "paid_on": None, "old_amount": None, "changed": "new"})
    return plan, to_yuan(sum((p["amount"] for p in plan), Decimal("0")))


def amendment_plan_problem(amendment) -> str | None:
    """Why the amendment's payment plan stops it being signed (Chinese), else None."""
    if amendment.status not in (AmendmentStatus.DRAFT, AmendmentStatus.SIGNED_BY_B):
        return None
    rows = list(amendment.plan_rows.select_related("instalment"))
    if not amendment.funding_delta and not rows:
        return None
    for row in rows:
        if row.instalment_id and row.instalment.paid_on:
            return _("%(label)s 已于 %(d)s 拨付，不能再调整；请改为增加新的拨付期次。") % {
                "label": row.instalment.label, "d": row.instalment.paid_on}
    money = to_yuan(_allocated_now(amendment.agreement) + amendment.funding_delta)
    _plan, planned = plan_after(amendment)
    if planned != money:
        return _("补充协议生效后协议经费为 %(money)s，拨付计划合计为 %(plan)s，相差 %(gap)s。请在本补充协议的"
                 "“拨付安排”中增加拨付期次或调整未拨付期次的金额，使两者一致后再签署。") % {
            "money": format_yuan(money), "plan": format_yuan(planned), "gap": format_yuan(abs(money - planned))}
    return None


def amendment_plan_proposal(amendment) -> list[dict]:
    """Rows that make the plan agree, for the form to start from: an increase as one new instalment due at the end
    of the term; a decrease taken from the unpaid instalments, the latest first."""
    agreement = amendment.agreement
    saved = list(amendment.plan_rows.select_related("instalment").order_by("position", "id"))
    if saved:
        return [{"instalment": r.instalment, "label": r.label, "amount": r.amount, "due_date": r.due_date}
                for r in saved]
    _plan, planned = plan_after(amendment)
    gap = to_yuan(_allocated_now(agreement) + amendment.funding_delta - planned)
    if gap > 0:
        return [{"instalment": None, "label": _("补充协议（%(n)d）经费") % {"n": amendment.number}, "amount": gap,
                 "due_date": agreement.term_end}]
    rows = []
    for inst in agreement.instalments.filter(paid_on__isnull=True).order_by("-number"):
        if gap >= 0:
            break
        cut = min(inst.amount, -gap)
        gap += cut
        rows.append({"instalment": inst, "label": inst.label, "amount": inst.amount - cut, "due_date": inst.due_date})
    return rows[::-1]


def _clean_rows(agreement, rows) -> list[dict]:
    clean, seen = [], set()
    for n, row in enumerate(rows, start=1):
        where = _("第 %(n)d 行：") % {"n": n}
        inst = row.get("instalment")
        if inst is not None:
            if isinstance(inst, Instalment):
                inst = inst.pk
            inst = Instalment.objects.filter(pk=inst, agreement=agreement).first()
            if inst is None:
                raise ServiceError(where + _("所选期次不属于本协议。"))
            if inst.paid_on:
                raise ServiceError(where + _("%(label)s 已拨付，不能调整。") % {"label": inst.label})
            if inst.pk in seen:
                raise ServiceError(where + _("%(label)s 重复出现。") % {"label": inst.label})
            seen.add(inst.pk)
        label = str(row.get("label") or (inst.label if inst else "")).strip()
        if not label:
            raise ServiceError(where + _("请填写期次名称。"))
        try:
            amount = to_yuan(row.get("amount"))
        except (ArithmeticError, ValueError, TypeError):
            raise ServiceError(where + _("金额格式不正确。")) from None
        if amount < 0 or (inst is None and amount == 0):
            raise ServiceError(where + _("新增期次的金额须大于 0，调整后的金额不能为负数。"))
        due = row.get("due_date")
        if not isinstance(due, dt.date) or not agreement.term_start <= due <= agreement.term_end:
            raise ServiceError(where + _("应拨付日期须在协议履行期限内（%(a)s 至 %(b)s）。") % {
                "a": agreement.term_start, "b": agreement.term_end})
        clean.append({"instalment": inst, "label": label[:50], "amount": amount, "due_date": due})
    return clean


def amendment_plan_set(*, actor, amendment, version, rows: list[dict]):
    """Party A sets the payment plan rows of a draft supplementary agreement (replacing the previous ones)."""
    from .amendments import _locked_amendment, _require_amendment_editor

    with transaction.atomic():
        locked = _locked_amendment(amendment, version)
        _require_amendment_editor(actor, locked)
        clean = _clean_rows(locked.agreement, rows)
        before = [_row_json(r) for r in locked.plan_rows.all()]
        locked.plan_rows.all().delete()
        AmendmentInstalment.objects.bulk_create([AmendmentInstalment(amendment=locked, position=n, **r)
                                                 for n, r in enumerate(clean, start=1)])
        locked.version += 1
        locked.save()
        record_event("amendment.plan_set", locked, before={"rows": before},
                     after={"rows": [_row_json(AmendmentInstalment(**r)) for r in clean]})
    return locked


def _row_json(row) -> dict:
    return {"instalment": getattr(row.instalment, "label", None), "label": row.label, "amount": str(row.amount),
            "due_date": str(row.due_date)}


def apply_plan(amendment, agreement) -> None:
    """The amendment came into force: its rows change the unpaid instalments and add the new ones (audited)."""
    rows = list(amendment.plan_rows.order_by("position", "id"))
    number = agreement.instalments.order_by("-number").values_list("number", flat=True).first() or 0
    for row in rows:
        if row.instalment_id:
            inst = Instalment.objects.select_for_update().get(pk=row.instalment_id)
            before = {"label": inst.label, "amount": str(inst.amount), "due_date": str(inst.due_date)}
            inst.label, inst.amount, inst.due_date = row.label, row.amount, row.due_date
            inst.save()
        else:
            number += 1
            before = None
            inst = Instalment.objects.create(agreement=agreement, number=number, label=row.label, amount=row.amount,
                                             due_date=row.due_date)
        record_event("instalment.planned", agreement, before=before, after={
            "amendment": amendment.pk, "number": inst.number, "label": inst.label, "amount": str(inst.amount),
            "due_date": str(inst.due_date)})
