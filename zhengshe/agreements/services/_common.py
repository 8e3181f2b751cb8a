"""Helpers shared by the agreements services: locking, side and role checks, weights, revisions, ledger sums."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from zhengshe.accounts.roles import Role
from zhengshe.core.errors import ConflictError, NotAllowed, ServiceError
from zhengshe.core.scoping import Scope, user_roles_on
from zhengshe.utilities.money import to_yuan

from ..choices import (
    EDITABLE_STATUSES,
)
from ..models import (
    Agreement,
    AgreementItem,
    AgreementRevision,
)
from ..workflows import standing_on

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


def _require_side(actor, agreement, side: str, standing=None):
    """The actor's standing on ``agreement`` (reused when given), refused unless it acts for ``side``."""
    standing = standing_for(actor, agreement, standing)
    if not standing.acts_for(side):
        raise NotAllowed()
    return standing


def standing_for(actor, agreement, standing=None):
    """The standing a view already derived for this actor, else derive it now (once per action)."""
    if standing is not None and standing.user == actor:
        return standing
    return standing_on(agreement, actor)


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
    from ..selectors import ledger_totals

    agreement = Agreement.objects.get(pk=agreement_id)
    totals = ledger_totals(agreement)
    for kind in ("allocated", "paid", "withheld", "awarded"):
        setattr(agreement, f"funds_{kind}", totals[kind])
    agreement.save(update_fields=["funds_allocated", "funds_paid", "funds_withheld", "funds_awarded", "updated_at"])


def validate_version(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        raise ValidationError(_("版本号不正确。")) from None


def scope_has(actor, *roles) -> bool:
    return Scope.for_user(actor).has_role(*roles)
