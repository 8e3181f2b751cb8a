"""Credit records (民政部令第60号): the abnormal-activity and serious-violation lists, audit findings and their rectification."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.audit.services import record_event
from zhengshe.core.errors import NotAllowed, ServiceError

from ..choices import (
    CreditList,
    NotificationKind,
)
from ..models import (
    AuditFinding,
    CreditEntry,
    Organization,
)
from .notifications import notify
from .registry import may_edit_registered_facts


@transaction.atomic
def credit_include(*, actor, org: Organization, list_kind: str, reason: str, detail: str = "",
                   included_on: date | None = None, decision_number: str = "") -> CreditEntry:
    """Put an organization on the abnormal-activity list or the serious-dishonesty list (民政部令第60号)."""
    if not may_edit_registered_facts(actor, org):
        raise NotAllowed(_("只有登记管理机关可以列入信用名录。"))
    if CreditEntry.objects.filter(organization=org, list_kind=list_kind, removed_on__isnull=True).exists():
        raise ServiceError(_("该组织已在此名录中。"))
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
        two_years = date(entry.included_on.year + 2, entry.included_on.month, min(entry.included_on.day, 28))
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
