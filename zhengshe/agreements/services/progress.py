"""Committees reporting progress on the items they assist with."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.audit.services import record_event
from zhengshe.core.errors import NotAllowed, ServiceError

from ..choices import (
    AgreementKind,
    AgreementStatus,
    AmendmentItemKind,
    AmendmentStatus,
    ProgressStatus,
)
from ..models import (
    Agreement,
    ProgressReport,
)
from ..workflows import standing_on


def progress_report(*, actor, item, status: str, note: str = "") -> ProgressReport:
    """Party B reports an item done / in progress / not done (with a note); the latest report counts."""
    agreement = Agreement.objects.select_related("party_a", "party_b").get(pk=item.agreement_id)
    standing = standing_on(agreement, actor)
    if not standing.acts_for("b") and not (agreement.kind == AgreementKind.COUNCIL and standing.acts_for("a")):
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
