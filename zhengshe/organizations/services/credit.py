"""Credit records (民政部令第60号): the abnormal-activity and serious-violation lists, audit findings and their rectification."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.audit.services import record_event
from zhengshe.core.errors import NotAllowed, ServiceError

from ..choices import (
    GROUNDS,
    NEEDS_DECISION,
    CreditList,
    CreditReason,
    NotificationKind,
)
from ..models import (
    AuditFinding,
    CreditEntry,
    Organization,
)
from .notifications import notify
from .registry import may_edit_registered_facts


def _years_later(day: date, years: int) -> date:
    return date(day.year + years, day.month, min(day.day, 28) if day.month == 2 else day.day)


def abnormal_since(org: Organization, day: date) -> CreditEntry | None:
    """The abnormal-list entry ``org`` has stood on without a break up to ``day`` (the oldest such), if any."""
    return (CreditEntry.objects.filter(organization=org, list_kind=CreditList.ABNORMAL, included_on__lte=day)
            .exclude(removed_on__lte=day).order_by("included_on", "id").first())


def _ground_errors(org, list_kind: str, reason: str, day: date, detail: str, decision_number: str) -> dict:
    """Why the ground cited does not stand (field → messages): it must be one of the list's grounds in the rules,
    ``abnormal_two_years`` needs two full years on the abnormal list, decisions need their number."""
    if list_kind not in GROUNDS:
        return {"list_kind": [_("请选择名录。")]}
    if reason not in GROUNDS[list_kind]:
        label = dict(CreditList.choices)[list_kind]
        return {"reason": [_("“%(r)s”不是《社会组织信用信息管理办法》规定的列入%(l)s的情形，请从列表中选择。") % {
            "r": dict(CreditReason.choices).get(reason, reason), "l": label}]}
    if reason == CreditReason.ABNORMAL_TWO_YEARS:
        since = abnormal_since(org, day)
        if since is None:
            return {"reason": [_("该组织在 %s 不在活动异常名录中：须先列入活动异常名录，满 2 年仍未移出的方可据此列入"
                                 "严重违法失信名单。") % day.isoformat()]}
        due = _years_later(since.included_on, 2)
        if day < due:
            return {"reason": [_("该组织于 %(a)s 列入活动异常名录，至 %(b)s 方满 2 年。") % {
                "a": since.included_on.isoformat(), "b": due.isoformat()}]}
    if reason in NEEDS_DECISION and not decision_number.strip():
        return {"decision_number": [_("该情形以行政处罚或撤销决定为依据，请填写决定书文号。")]}
    if reason == CreditReason.OTHER and not detail.strip():
        return {"detail": [_("请写明所依据的法律、行政法规条款和具体情形。")]}
    return {}


@transaction.atomic
def credit_include(*, actor, org: Organization, list_kind: str, reason: str, detail: str = "",
                   included_on: date | None = None, decision_number: str = "") -> CreditEntry:
    """Put an organization on the abnormal-activity list or the serious-dishonesty list (民政部令第60号), on one of
    the grounds the rules give for that list (``GROUNDS``), after the abnormal-list step where the ground needs it."""
    if not may_edit_registered_facts(actor, org):
        raise NotAllowed(_("只有登记管理机关可以列入信用名录。"))
    if CreditEntry.objects.filter(organization=org, list_kind=list_kind, removed_on__isnull=True).exists():
        raise ServiceError(_("该组织已在此名录中。"))
    day = included_on or timezone.localdate()
    errors = _ground_errors(org, list_kind, reason, day, detail, decision_number)
    if errors:
        raise ServiceError(next(iter(errors.values()))[0], fields=errors)
    if reason == CreditReason.ABNORMAL_TWO_YEARS and not detail.strip():
        since = abnormal_since(org, day)
        detail = _("自 %(d)s 列入活动异常名录（事由：%(r)s），满 2 年未移出。") % {
            "d": since.included_on.isoformat(), "r": since.get_reason_display()}
    entry = CreditEntry(organization=org, list_kind=list_kind, reason=reason, detail=detail,
                        included_on=included_on or timezone.localdate(), decision_number=decision_number,
                        included_by=actor)
    entry.full_clean()
    entry.save()
    record_event("organizations.credit_include", entry, after={"list": list_kind, "reason": reason})
    notify(kind=NotificationKind.CREDIT, organization=org,
           title=_("已被列入%(l)s") % {"l": entry.get_list_kind_display()}, body=detail)
    return entry


@transaction.atomic
def credit_remove(*, actor, entry: CreditEntry, reason: str, removed_on: date | None = None) -> CreditEntry:
    """Remove after verified rectification; the serious list only after two clean years."""
    removed_on = removed_on or timezone.localdate()
    entry = CreditEntry.objects.select_for_update().get(pk=entry.pk)
    if not may_edit_registered_facts(actor, entry.organization):
        raise NotAllowed(_("只有登记管理机关可以移出信用名录。"))
    if entry.removed_on:
        raise ServiceError(_("该记录已移出。"))
    if not reason.strip():
        raise ServiceError(_("请填写移出理由。"))
    if removed_on < entry.included_on:
        raise ServiceError(_("移出日期不能早于列入日期。"))
    if entry.list_kind == CreditList.SERIOUS:
        two_years = _years_later(entry.included_on, 2)
        if removed_on < two_years:
            raise ServiceError(_("严重违法失信名单须满 2 年（%s 之后）方可移出。") % two_years)
    entry.removed_on, entry.removal_reason, entry.removed_by = removed_on, reason, actor
    entry.save()
    record_event("organizations.credit_remove", entry, after={"reason": reason})
    return entry


@transaction.atomic
def finding_add(*, actor, org: Organization, data: dict) -> AuditFinding:
    if not may_edit_registered_facts(actor, org):
        raise NotAllowed()
    finding = AuditFinding(organization=org, **data)
    finding.full_clean()
    finding.save()
    return finding


@transaction.atomic
def finding_rectified(*, actor, finding: AuditFinding, on: date | None = None) -> AuditFinding:
    if not may_edit_registered_facts(actor, finding.organization):
        raise NotAllowed()
    finding.rectified_on = on or timezone.localdate()
    finding.save()
    return finding
