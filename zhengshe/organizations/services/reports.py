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


MONEY = ("revenue", "expenditure", "net_assets", "government_funding")


def _yuan(value) -> str:
    return f"{value:,.2f}"


def report_problems(report: AnnualReport) -> tuple[dict[str, list[str]], list[str]]:
    """The report's figures checked against each other: errors (field → messages) block saving; warnings are
    plausible but unusual figures the organization must confirm before it submits.

    Errors: income, spending and the government part are not negative, the government part is within the
    income, every headcount is a whole number ≥ 0. Warnings: negative net assets, spending above income,
    more certified social workers than full-time staff, government funding with nobody to do the work."""
    errors: dict[str, list[str]] = {}
    for field in ("revenue", "expenditure", "government_funding"):
        value = getattr(report, field)
        if value is not None and value < 0:
            errors.setdefault(field, []).append(_("金额不能为负数（填写的是 %s 元）。") % _yuan(value))
    for field in ("staff", "social_workers", "volunteers", "members"):
        value = getattr(report, field)
        if value is not None and value < 0:
            errors.setdefault(field, []).append(_("人数不能为负数。"))
    revenue, funding = report.revenue or 0, report.government_funding or 0
    if funding > revenue and "revenue" not in errors:
        errors.setdefault("government_funding", []).append(
            _("其中政府购买服务收入（%(f)s 元）不能大于本年收入（%(r)s 元）。") % {"f": _yuan(funding), "r": _yuan(revenue)})
    warnings: list[str] = []
    if report.net_assets is not None and report.net_assets < 0:
        warnings.append(_("年末净资产为负数（%s 元），即资不抵债，请核实。") % _yuan(report.net_assets))
    spent = report.expenditure or 0
    if spent > revenue and revenue >= 0:
        warnings.append(_("本年支出（%(e)s 元）大于本年收入（%(r)s 元），差额 %(d)s 元，请核实是否动用以前年度结余。") % {
            "e": _yuan(spent), "r": _yuan(revenue), "d": _yuan(spent - revenue)})
    if (report.social_workers or 0) > (report.staff or 0):
        warnings.append(_("持证社工（%(s)d 人）多于专职工作人员（%(t)d 人），请核实是否含兼职人员。") % {
            "s": report.social_workers, "t": report.staff or 0})
    if funding > 0 and not report.staff and not report.volunteers:
        warnings.append(_("有政府购买服务收入，但专职工作人员和志愿者均为 0，请核实。"))
    return errors, warnings


@transaction.atomic
def annual_report_save(*, actor, report: AnnualReport, data: dict, version: int | None = None,
                       submit: bool = False, acknowledged: bool = False) -> AnnualReport:
    """Save the form; with ``submit`` also send it to the registration office (late if past the deadline).

    Figures that contradict each other are refused (``report_problems``); a report with warnings is saved as a
    draft, and submitted only once the organization confirms them (``acknowledged``), which is recorded."""
    locked = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if version is not None and locked.version != int(version):
        raise ConflictError()
    if not user_roles_on(actor, locked) & {Role.ORG_USER, Role.DISTRICT_ADMIN, Role.TOWN_STAFF}:
        raise NotAllowed()
    if locked.status not in (ReportStatus.DRAFT, ReportStatus.MISSING, ReportStatus.RETURNED):
        raise ServiceError(_("报告已报送，不能再修改。"))
    for key, value in data.items():
        setattr(locked, key, value)
    errors, warnings = report_problems(locked)
    if errors:
        raise ServiceError(_("年度报告的数据有误，请按标出的字段修改。"), fields=errors)
    if submit and warnings and not acknowledged:
        raise ServiceError(_("请核实以下提示，确认无误后勾选“已核实上述提示，数据无误”再报送：%s") % "".join(warnings),
                           fields={"acknowledge": [_("请核实提示后勾选。")]})
    locked.version += 1
    locked.full_clean()
    locked.save()
    if submit and warnings:
        record_event("organizations.report_warnings_confirmed", locked, after={"warnings": warnings})
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
