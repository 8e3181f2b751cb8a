"""Annual reports (年度报告): drafting, review, and the yearly sweep that marks missing reports and tells the offices."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.accounts.roles import Role
from zhengshe.audit.services import record_event
from zhengshe.core.errors import ConflictError, NotAllowed, ServiceError
from zhengshe.core.scoping import user_roles_on

from .. import workflows
from ..choices import (
    NotificationKind,
    OrgStatus,
    RegistrationKind,
    ReportStatus,
)
from ..models import (
    AnnualReport,
    Organization,
)
from ._common import REPORT_DEADLINE
from .notifications import notify


def report_deadline(year: int) -> date:
    return date(year + 1, *REPORT_DEADLINE)


def annual_report_for(*, actor, org: Organization, year: int, persist: bool = True) -> AnnualReport:
    """The organization's report for ``year`` (a new draft, prefilled from the profile, if none yet).

    With ``persist=False`` a missing report comes back unsaved, so merely opening the form writes nothing.
    """
    if not user_roles_on(actor, org) & {Role.ORG_USER, Role.DISTRICT_ADMIN, Role.TOWN_STAFF}:
        raise NotAllowed()
    report = AnnualReport.objects.filter(organization=org, year=year).first()
    if report is None:
        if year >= timezone.localdate().year:
            raise ServiceError(_("%(y)d 年度尚未结束，不能填报该年度报告。") % {"y": year})
        report = AnnualReport(
            organization=org, year=year, deadline=report_deadline(year), staff=org.full_time_staff,
            social_workers=org.social_workers, volunteers=org.volunteers, members=org.members)
        if persist:
            report.save()
    return report


@transaction.atomic
def annual_report_save(*, actor, report: AnnualReport, data: dict, version: int | None = None,
                       submit: bool = False) -> AnnualReport:
    """Save the form; with ``submit`` also send it to the registration office (late if past the deadline)."""
    locked = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if version is not None and locked.version != int(version):
        raise ConflictError()
    if not user_roles_on(actor, locked) & {Role.ORG_USER, Role.DISTRICT_ADMIN, Role.TOWN_STAFF}:
        raise NotAllowed()
    if locked.status not in (ReportStatus.DRAFT, ReportStatus.MISSING, ReportStatus.RETURNED):
        raise ServiceError(_("报告已报送，不能再修改。"))
    for key, value in data.items():
        setattr(locked, key, value)
    locked.version += 1
    locked.full_clean()
    locked.save()
    if submit:
        def stamp(obj):
            obj.submitted_at = timezone.now()
            obj.late = timezone.localdate() > obj.deadline

        locked = workflows.REPORT_FLOW.transition(locked, "submit", actor=actor, before_save=stamp)
    return locked


def annual_report_review(*, actor, report: AnnualReport, action: str, result: str = "", comment: str = ""):
    """Accept (with the inspection result 合格/基本合格/不合格) or return a submitted report."""
    if action == "accept" and not result:
        raise ServiceError(_("请选择检查结论。"))

    def stamp(obj):
        obj.reviewed_by = actor
        obj.review_comment = comment
        if action == "accept":
            obj.result = result

    report = workflows.REPORT_FLOW.transition(report, action, actor=actor, comment=comment, before_save=stamp)
    notify(kind=NotificationKind.OTHER, organization=report.organization,
           title=_("%(y)d 年度报告：%(s)s") % {"y": report.year, "s": report.get_status_display()}, body=comment,
           link=report.get_absolute_url())
    return report


def _report_obliged(year: int):
    """Registered, active organizations registered before the end of ``year`` owe a report for it."""
    return Organization.objects.filter(registration_kind=RegistrationKind.REGISTERED, status=OrgStatus.ACTIVE).exclude(
        registered_on__gt=date(year, 12, 31))


def annual_reports_sweep(*, today: date | None = None) -> dict:
    """Remind before the deadline (30 and 7 days), flag missing reports after it and tell the offices.

    The job behind ``tasks.annual_report_reminders``; safe to run every day (messages are de-duplicated).
    """
    today = today or timezone.localdate()
    year = today.year - 1
    deadline = report_deadline(year)
    obliged = _report_obliged(year)
    done = AnnualReport.objects.filter(year=year).exclude(status__in=[ReportStatus.DRAFT, ReportStatus.MISSING])
    pending = obliged.exclude(pk__in=done.values("organization_id")).select_related("region")
    stats = {"reminded": 0, "flagged": 0, "year": year}
    days_left = (deadline - today).days
    with transaction.atomic():
        if 0 <= days_left <= 30:
            stage = "7" if days_left <= 7 else "30"
            for org in pending:
                if notify(kind=NotificationKind.REPORT_DUE, organization=org,
                          title=_("请于 %(d)s 前报送 %(y)d 年度报告") % {"d": deadline, "y": year},
                          link=f"/organizations/{org.pk}/reports/{year}/", dedupe_key=f"report-due-{year}-{stage}-{org.pk}"):
                    stats["reminded"] += 1
        elif days_left < 0:
            per_office: dict = {}
            for org in pending:
                report = AnnualReport.objects.filter(organization=org, year=year).first()
                if report is None:
                    report = AnnualReport.objects.create(organization=org, year=year, deadline=deadline,
                                                         status=ReportStatus.MISSING)
                elif report.status == ReportStatus.DRAFT:
                    report = workflows.REPORT_FLOW.transition(report, "mark_missing", actor=None, internal=True)
                else:
                    continue
                record_event("organizations.annual_report_missing", report, after={"year": year})
                notify(kind=NotificationKind.REPORT_MISSING, organization=org,
                       title=_("%(y)d 年度报告已逾期，请尽快补报") % {"y": year},
                       body=_("逾期未报可能被列入活动异常名录。"), link=report.get_absolute_url(),
                       dedupe_key=f"report-missing-{year}-{org.pk}")
                if org.region.depth >= 3:  # the county (registration office) the organization belongs to
                    per_office.setdefault(org.region.path.split("/")[2], []).append(org)
                stats["flagged"] += 1
            _notify_offices(per_office, year)
    return stats


def _notify_offices(per_office: dict, year: int) -> None:
    from zhengshe.regions.models import Region

    counties = {r.code: r for r in Region.objects.filter(code__in=list(per_office))}
    for code, orgs in per_office.items():
        region = counties.get(code)
        if region is None:
            continue
        notify(kind=NotificationKind.REPORT_MISSING, region=region,
               title=_("%(y)d 年度报告：%(n)d 家社会组织逾期未报") % {"y": year, "n": len(orgs)},
               body="、".join(o.name for o in orgs[:50]), link=f"/organizations/reports/?year={year}&status=missing",
               dedupe_key=f"report-missing-office-{year}-{code}-{len(orgs)}")
