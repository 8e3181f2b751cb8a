"""Every write of the organizations app: atomic, scope-checked, audited (``<entity>_<verb>(*, actor, …)``)."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.accounts.roles import Role
from zhengshe.audit.services import record_event, snapshot
from zhengshe.core.errors import ConflictError, NotAllowed, ServiceError
from zhengshe.core.scoping import Scope, user_roles_on

from . import workflows
from .choices import (
    GRADE_RANK,
    ApplicationStatus,
    ChangeStatus,
    CreditList,
    IncubationStatus,
    NotificationKind,
    ObjectionStatus,
    OrgStatus,
    OrgType,
    RegistrationKind,
    ReportStatus,
    RoundStatus,
)
from .credit_code import credit_code_errors
from .models import (
    REGISTERED_FACTS,
    AnnualReport,
    AuditFinding,
    Branch,
    ChangeRequest,
    CreditEntry,
    Evidence,
    ExpertScore,
    GradeApplication,
    GradeRound,
    Incubation,
    IncubationMilestone,
    IncubationService,
    Incubator,
    Indicator,
    IndicatorSet,
    Notification,
    Objection,
    Organization,
)

STAFF = {Role.DISTRICT_ADMIN, Role.TOWN_STAFF}
PROFILE_FACTS = ("contact_person", "contact_phone", "members", "full_time_staff", "social_workers", "volunteers",
                 "has_party_org", "party_org_name", "introduction")
REPORT_DEADLINE = (5, 31)  # to the registration office by 31 May (STANDARDS §2)
GRADE_YEARS = 5


# ---------------------------------------------------------------- helpers


def _covers(actor, region, roles) -> bool:
    scope = Scope.for_user(actor)
    return scope.is_superuser or scope.covers_path(region.path, roles)


def may_edit_registered_facts(actor, org: Organization) -> bool:
    """The registering office: the civil-affairs office, or the town for filed community organizations."""
    return workflows.registering_office(org, actor) is None


def _check_credit_code(org: Organization, actor, override_reason: str) -> None:
    """Blocking check of both check characters; an administrator may override with a recorded reason."""
    if not org.credit_code:
        if org.registration_kind == RegistrationKind.REGISTERED and org.status == OrgStatus.ACTIVE:
            raise ValidationError({"credit_code": _("已登记的社会组织须填写统一社会信用代码。")})
        return
    errors = credit_code_errors(org.credit_code)
    if not errors:
        org.credit_code_override = False
        org.credit_code_override_reason = ""
        return
    only_checks = all("校验" in e for e in errors)
    if only_checks and override_reason.strip() and Role.DISTRICT_ADMIN in Scope.for_user(actor).roles:
        org.credit_code_override = True
        org.credit_code_override_reason = override_reason.strip()[:200]
        return
    if only_checks:
        errors.append(_("如确属已核发的代码，可由民政管理员填写放行理由后保存（记入审计）。"))
    raise ValidationError({"credit_code": errors})


def _duplicate_check(org: Organization) -> None:
    if org.credit_code and Organization.objects.filter(credit_code=org.credit_code).exclude(pk=org.pk).exists():
        raise ValidationError({"credit_code": _("统一社会信用代码“%s”已被其他组织使用。") % org.credit_code})


def next_filing_number(region, year: int) -> str:
    """A filing number of the system's own for community organizations: BA + town code + year + serial."""
    town_code = region.code[:9] if len(region.code) >= 9 else region.code
    prefix = f"BA{town_code}{year}"
    last = (Organization.objects.filter(filing_number__startswith=prefix).order_by("-filing_number")
            .values_list("filing_number", flat=True).first())
    serial = int(last[len(prefix):]) + 1 if last else 1
    return f"{prefix}{serial:04d}"


def notify(*, kind, title, body="", organization=None, region=None, link="", dedupe_key="") -> Notification | None:
    """Leave a message for an organization or an office; with a key, the same message is never sent twice."""
    if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    return Notification.objects.create(kind=kind, title=title[:200], body=body, organization=organization,
                                       region=region, link=link, dedupe_key=dedupe_key)


# ---------------------------------------------------------------- registry


@transaction.atomic
def organization_create(*, actor, data: dict, service_regions=(), override_reason: str = "") -> Organization:
    """Register (district office) or file (town, community organizations) one organization."""
    org = Organization(**data)
    region = org.region
    if not _covers(actor, region, STAFF):
        raise NotAllowed(_("该区划不在您的管理范围内。"))
    if not may_edit_registered_facts(actor, org):
        raise NotAllowed(_("街镇只能备案社区社会组织；登记须由民政部门办理。"))
    if org.registration_kind == RegistrationKind.FILED and not org.filing_number:
        org.filing_number = next_filing_number(region, (org.registered_on or timezone.localdate()).year)
    _check_credit_code(org, actor, override_reason)
    _duplicate_check(org)
    org.full_clean()
    org.save()
    if service_regions:
        org.service_regions.set(service_regions)
    record_event("organizations.create", org, after={"kind": org.registration_kind, "credit_code": org.credit_code,
                                                     "filing_number": org.filing_number})
    if org.credit_code_override:
        record_event("organizations.credit_code_override", org,
                     after={"credit_code": org.credit_code, "reason": org.credit_code_override_reason})
    return org


@transaction.atomic
def organization_update(*, actor, org: Organization, data: dict, version: int | None = None,
                        service_regions=None, reason: str = "", override_reason: str = ""):
    """Save a profile edit. The registering office changes anything directly; an organization user's
    changes of registered facts become a change request (returned second), the rest apply directly."""
    locked = Organization.objects.select_for_update().get(pk=org.pk)
    if version is not None and locked.version != int(version):
        raise ConflictError()
    roles = user_roles_on(actor, locked)
    if not roles & {Role.DISTRICT_ADMIN, Role.TOWN_STAFF, Role.ORG_USER}:
        raise NotAllowed()
    office = may_edit_registered_facts(actor, locked)
    if not office and Role.ORG_USER not in roles:
        raise NotAllowed(_("只有登记管理机关或本组织可以修改。"))
    direct, requested = {}, {}
    for key, value in data.items():
        if getattr(locked, key if key != "region" else "region") == value:
            continue
        if key in REGISTERED_FACTS and not office:
            requested[key] = value
        elif key in REGISTERED_FACTS or key in PROFILE_FACTS:
            direct[key] = value
    change = None
    if requested:
        change = change_request_submit(actor=actor, org=locked, changes=requested, reason=reason)
    if direct or service_regions is not None:
        before = snapshot(locked)
        for key, value in direct.items():
            setattr(locked, key, value)
        if "credit_code" in direct:
            _check_credit_code(locked, actor, override_reason)
            _duplicate_check(locked)
            if locked.credit_code_override:
                record_event("organizations.credit_code_override", locked,
                             after={"credit_code": locked.credit_code, "reason": locked.credit_code_override_reason})
        if "region" in direct and not _covers(actor, locked.region, STAFF):
            raise NotAllowed(_("该区划不在您的管理范围内。"))
        locked.full_clean()
        locked.version += 1
        locked.save()
        if service_regions is not None:
            locked.service_regions.set(service_regions)
        record_event("organizations.update", locked, before={k: before.get(k) for k in direct},
                     after={k: snapshot(locked).get(k) for k in direct})
    return locked, change


def _jsonable_change(key, value):
    if key == "region":
        return value.code if value is not None else None
    if isinstance(value, date):
        return value.isoformat()
    return value


@transaction.atomic
def change_request_submit(*, actor, org: Organization, changes: dict, reason: str = "") -> ChangeRequest:
    """An organization asks to change registered facts; nothing changes until the office approves."""
    if Role.ORG_USER not in user_roles_on(actor, org):
        raise NotAllowed()
    if ChangeRequest.objects.filter(organization=org, status=ChangeStatus.PENDING).exists():
        raise ServiceError(_("已有一份待审核的变更申请，请等待审核结果或先撤回。"))
    payload = {k: _jsonable_change(k, v) for k, v in changes.items()}
    before = {k: _jsonable_change(k, getattr(org, k)) for k in changes}
    req = ChangeRequest.objects.create(organization=org, changes=payload, before=before, reason=reason,
                                       submitted_by=actor)
    record_event("organizations.change_request", req, after=payload)
    notify(kind=NotificationKind.OTHER, region=org.region,
           title=_("%(org)s 提交了登记事项变更申请") % {"org": org.name}, link=req.get_absolute_url())
    return req


def _apply_change(req: ChangeRequest, actor) -> None:
    from zhengshe.regions.models import Region

    org = Organization.objects.select_for_update().get(pk=req.organization_id)
    for key, value in req.changes.items():
        if key == "region":
            value = Region.objects.get(code=value)
        elif key in ("registered_on", "founded_on") and value:
            value = date.fromisoformat(value)
        setattr(org, key, value)
    if "credit_code" in req.changes:
        _check_credit_code(org, actor, "")
        _duplicate_check(org)
    org.full_clean()
    org.version += 1
    org.save()


def change_request_decide(*, actor, change: ChangeRequest, action: str, comment: str = "") -> ChangeRequest:
    """Approve (apply the changes), reject or withdraw a change request."""

    def stamp(obj):
        if action in ("approve", "reject"):
            obj.decided_by = actor
            obj.decided_at = timezone.now()
            obj.decision_comment = comment
        if action == "approve":
            _apply_change(obj, actor)

    with transaction.atomic():
        result = workflows.CHANGE_FLOW.transition(change, action, actor=actor, comment=comment, before_save=stamp)
        if action in ("approve", "reject"):
            notify(kind=NotificationKind.CHANGE_DECIDED, organization=result.organization,
                   title=_("登记事项变更申请已%(r)s") % {"r": result.get_status_display()}, body=comment,
                   link=result.get_absolute_url())
    return result


def organization_set_status(*, actor, org: Organization, action: str, comment: str = "") -> Organization:
    """Suspend, resume, deregister or revoke; every move has a history row."""
    return workflows.ORGANIZATION_FLOW.transition(org, action, actor=actor, comment=comment)


@transaction.atomic
def branch_save(*, actor, org: Organization, data: dict, branch: Branch | None = None) -> Branch:
    """Branches of a 社会团体 are recorded as the organization decides (no registration, seed 000)."""
    if org.org_type != OrgType.SOCIAL_GROUP:
        raise ServiceError(_("只有社会团体可以设立分支机构、代表机构。"))
    if not user_roles_on(actor, org) & {Role.ORG_USER, Role.DISTRICT_ADMIN}:
        raise NotAllowed()
    branch = branch or Branch(organization=org)
    for key, value in data.items():
        setattr(branch, key, value)
    branch.full_clean()
    branch.save()
    return branch


# ---------------------------------------------------------------- annual reports


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
                    report.status = ReportStatus.MISSING
                    report.save()
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


# ---------------------------------------------------------------- incubators


@transaction.atomic
def incubator_save(*, actor, data: dict, incubator: Incubator | None = None) -> Incubator:
    """District offices run district parks; towns run their street centres."""
    incubator = incubator or Incubator()
    for key, value in data.items():
        setattr(incubator, key, value)
    if not _covers(actor, incubator.region, STAFF):
        raise NotAllowed(_("该区划不在您的管理范围内。"))
    incubator.full_clean()
    incubator.save()
    return incubator


@transaction.atomic
def incubation_apply(*, actor, incubator: Incubator, organization: Organization, plan: str) -> Incubation:
    """An organization (or a worker on its behalf) applies to enter an incubator."""
    if not user_roles_on(actor, organization) & {Role.ORG_USER, Role.DISTRICT_ADMIN, Role.TOWN_STAFF}:
        raise NotAllowed()
    if Incubation.objects.filter(organization=organization,
                                 status__in=[IncubationStatus.APPLIED, IncubationStatus.INCUBATING]).exists():
        raise ServiceError(_("该组织已在孵化中或已有待审核的入驻申请。"))
    incubation = Incubation.objects.create(incubator=incubator, organization=organization, plan=plan,
                                           applied_on=timezone.localdate())
    record_event("organizations.incubation_apply", incubation, after={"incubator": incubator.name})
    return incubation


def incubation_transition(*, actor, incubation: Incubation, action: str, comment: str = "",
                          start_on: date | None = None, months: int | None = None) -> Incubation:
    """Admit (with the incubation period), reject, graduate (registration achieved) or exit."""

    def stamp(obj):
        today = timezone.localdate()
        if action == "admit":
            obj.start_on = start_on or today
            span = months or obj.incubator.default_months
            obj.end_on = obj.start_on + timedelta(days=round(span * 30.44))
            if Incubation.objects.filter(incubator=obj.incubator, status=IncubationStatus.INCUBATING).count() >= \
                    obj.incubator.capacity:
                raise ServiceError(_("孵化平台已满（可入驻 %d 家）。") % obj.incubator.capacity)
        if action == "graduate":
            org = obj.organization
            if org.status != OrgStatus.ACTIVE or not (org.credit_code or org.filing_number):
                raise ServiceError(_("出壳须先完成登记或备案（组织状态为“正常”，并有信用代码或备案编号）。"))
        if action in ("graduate", "exit"):
            obj.finished_on = today
            obj.outcome = comment

    return workflows.INCUBATION_FLOW.transition(incubation, action, actor=actor, comment=comment, before_save=stamp)


def _incubation_staff(actor, incubation):
    if not user_roles_on(actor, incubation.incubator) & STAFF:
        raise NotAllowed(_("只有孵化平台所在地的工作人员可以记录。"))
    if incubation.status != IncubationStatus.INCUBATING:
        raise ServiceError(_("只有孵化中的组织可以记录服务和里程碑。"))


@transaction.atomic
def incubation_add_service(*, actor, incubation: Incubation, data: dict) -> IncubationService:
    _incubation_staff(actor, incubation)
    service = IncubationService(incubation=incubation, **data)
    service.full_clean()
    service.save()
    return service


@transaction.atomic
def incubation_add_milestone(*, actor, incubation: Incubation, data: dict) -> IncubationMilestone:
    _incubation_staff(actor, incubation)
    milestone = IncubationMilestone(incubation=incubation, **data)
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_done(*, actor, milestone: IncubationMilestone, done_on: date | None = None) -> IncubationMilestone:
    _incubation_staff(actor, milestone.incubation)
    milestone.done_on = done_on or timezone.localdate()
    milestone.save()
    return milestone


# ---------------------------------------------------------------- grade assessment

DEFAULT_INDICATORS = {
    # dimension: [(indicator, max score)] — 1000 in all (a common local scheme; edit per office).
    "basic": [("法人资格与登记事项", 40), ("章程与备案", 30), ("办公场所与人员", 50), ("年度报告与检查", 60)],
    "governance": [("组织机构与民主决策", 100), ("党的建设", 60), ("人力资源管理", 60), ("财务管理与资产", 100),
                   ("档案与证书印章", 30)],
    "performance": [("业务活动与项目成效", 150), ("提供服务与承接政府职能", 100), ("信息公开与宣传", 50)],
    "social": [("服务对象满意度", 80), ("登记管理机关评价", 50), ("表彰奖励与社会影响", 40)],
}


def indicator_set_for(*, region, org_type: str) -> IndicatorSet:
    """The active indicator system for ``org_type`` in ``region`` or above (a default one is created if none)."""
    from zhengshe.core.scoping import ancestor_paths

    found = (IndicatorSet.objects.filter(org_type=org_type, active=True, region__path__in=ancestor_paths(region.path))
             .order_by("-region__depth", "-id").first())
    if found:
        return found
    county = region
    with transaction.atomic():
        iset = IndicatorSet.objects.create(name=_("%(t)s评估指标（默认）") % {"t": OrgType(org_type).label},
                                           org_type=org_type, region=county)
        order = 0
        for dimension, rows in DEFAULT_INDICATORS.items():
            for name, score in rows:
                order += 1
                Indicator.objects.create(indicator_set=iset, dimension=dimension, name=name,
                                         max_score=Decimal(score), order=order)
    return iset


@transaction.atomic
def indicator_weights_update(*, actor, indicator_set: IndicatorSet, weights: dict[int, Decimal]) -> IndicatorSet:
    """Change indicator maxima (the weights); they must add up to the set's total."""
    if Role.DISTRICT_ADMIN not in user_roles_on(actor, indicator_set) or not _covers(
            actor, indicator_set.region, {Role.DISTRICT_ADMIN}):
        raise NotAllowed()
    indicators = {i.pk: i for i in indicator_set.indicators.all()}
    total = sum(Decimal(weights.get(pk, i.max_score)) for pk, i in indicators.items())
    if total != indicator_set.total:
        raise ServiceError(_("各指标分值合计须为 %(t)d（当前 %(s)s）。") % {"t": indicator_set.total, "s": total})
    before = {i.name: str(i.max_score) for i in indicators.values()}
    for pk, value in weights.items():
        if pk in indicators and indicators[pk].max_score != Decimal(value):
            indicators[pk].max_score = Decimal(value)
            indicators[pk].save()
    record_event("organizations.indicator_weights", indicator_set, before=before,
                 after={i.name: str(i.max_score) for i in indicators.values()})
    return indicator_set


@transaction.atomic
def round_create(*, actor, data: dict) -> GradeRound:
    rnd = GradeRound(**data)
    if not _covers(actor, rnd.region, {Role.DISTRICT_ADMIN}):
        raise NotAllowed(_("只有民政部门可以组织等级评估。"))
    thresholds = [t for _g, t in rnd.thresholds()]
    if thresholds != sorted(thresholds, reverse=True):
        raise ValidationError(_("各等级最低分须由高到低。"))
    rnd.full_clean()
    rnd.save()
    record_event("organizations.round_create", rnd, after={"year": rnd.year})
    return rnd


def round_transition(*, actor, rnd: GradeRound, action: str, comment: str = "", notice_days: int = 7,
                     today: date | None = None) -> GradeRound:
    """Open, close declaration, publish the notice (公示) or confirm after the objection window."""
    today = today or timezone.localdate()
    if action == "publish":
        return round_publish(actor=actor, rnd=rnd, notice_days=notice_days, today=today)
    if action == "confirm":
        return round_confirm(actor=actor, rnd=rnd, today=today)
    return workflows.ROUND_FLOW.transition(rnd, action, actor=actor, comment=comment)


def round_publish(*, actor, rnd: GradeRound, notice_days: int = 7, today: date | None = None) -> GradeRound:
    """Publish decided grades for a public notice with an objection window of ``notice_days`` days."""
    today = today or timezone.localdate()
    if notice_days < 5:
        raise ServiceError(_("公示期不得少于 5 天。"))
    with transaction.atomic():
        open_apps = rnd.applications.filter(status__in=[ApplicationStatus.DECLARED, ApplicationStatus.SCORING,
                                                        ApplicationStatus.COMMITTEE])
        if open_apps.exists():
            raise ServiceError(_("还有 %d 份申报未完成评审或审定，不能公示。") % open_apps.count())
        decided = list(rnd.applications.filter(status=ApplicationStatus.DECIDED))
        if not decided:
            raise ServiceError(_("没有待公示的审定结果。"))

        def stamp(obj):
            obj.notice_start = today
            obj.notice_end = today + timedelta(days=notice_days)

        rnd = workflows.ROUND_FLOW.transition(rnd, "publish", actor=actor, before_save=stamp)
        for app in decided:
            _set_app_status(app, ApplicationStatus.NOTICE, actor, "publish")
    return rnd


def _set_app_status(app, status, actor, action, comment=""):
    """Round-level moves of an application (publish, confirm): history row and audit like the engine's."""
    from django.contrib.contenttypes.models import ContentType

    from zhengshe.core.models import StatusChange

    old = app.status
    app.status = status
    app.save()
    StatusChange.objects.create(content_type=ContentType.objects.get_for_model(GradeApplication),
                                object_id=str(app.pk), action=action, from_status=old, to_status=status,
                                actor=actor if getattr(actor, "pk", None) else None, comment=comment)
    record_event(f"organizations.grade_application.{action}", app, before={"status": old}, after={"status": status})


def grade_validity(announced: date) -> tuple[date, date]:
    """2026 rules: from 1 January after the announcement to 31 December of the fifth year."""
    return date(announced.year + 1, 1, 1), date(announced.year + GRADE_YEARS, 12, 31)


def round_confirm(*, actor, rnd: GradeRound, today: date | None = None) -> GradeRound:
    """After the objection window: confirm grades, number certificates, announce, update organizations."""
    today = today or timezone.localdate()
    with transaction.atomic():
        rnd = GradeRound.objects.select_for_update().get(pk=rnd.pk)
        if rnd.status != RoundStatus.NOTICE:
            raise ServiceError(_("只有公示中的批次可以确认。"))
        if rnd.notice_end and today <= rnd.notice_end:
            raise ServiceError(_("公示期至 %(d)s，期满后方可确认。") % {"d": rnd.notice_end})
        if Objection.objects.filter(application__round=rnd, status=ObjectionStatus.OPEN).exists():
            raise ServiceError(_("还有未处理的异议。"))
        if rnd.applications.filter(status__in=[ApplicationStatus.COMMITTEE, ApplicationStatus.DECIDED]).exists():
            raise ServiceError(_("有异议成立后重新审定的结果尚未重新公示。"))

        def stamp(obj):
            obj.announced_on = today

        rnd = workflows.ROUND_FLOW.transition(rnd, "confirm", actor=actor, before_save=stamp)
        valid_from, valid_to = grade_validity(today)
        serial = GradeApplication.objects.filter(round__region=rnd.region, round__year=rnd.year).exclude(
            certificate_number="").count()
        for app in rnd.applications.filter(status=ApplicationStatus.NOTICE).select_related("organization").order_by(
                "-decided_grade", "organization__name"):
            serial += 1
            app.certificate_number = _("%(code)s评字〔%(y)d〕第%(n)03d号") % {
                "code": rnd.region.code, "y": rnd.year, "n": serial}
            app.valid_from, app.valid_to = valid_from, valid_to
            _set_app_status(app, ApplicationStatus.CONFIRMED, actor, "confirm")
            org = app.organization
            before = {"grade": org.grade, "grade_valid_to": org.grade_valid_to}
            org.grade, org.grade_valid_from, org.grade_valid_to = app.decided_grade, valid_from, valid_to
            org.save()
            record_event("organizations.grade_awarded", org, before=before,
                         after={"grade": org.grade, "valid_from": valid_from, "valid_to": valid_to,
                                "certificate": app.certificate_number})
            notify(kind=NotificationKind.GRADING, organization=org,
                   title=_("评估等级确认为 %(g)s") % {"g": app.decided_grade},
                   body=_("有效期 %(a)s 至 %(b)s。") % {"a": valid_from, "b": valid_to}, link=app.get_absolute_url())
    return rnd


@transaction.atomic
def application_start(*, actor, rnd: GradeRound, organization: Organization) -> GradeApplication:
    """An organization opens its declaration in a round (eligibility per STANDARDS §2)."""
    if Role.ORG_USER not in user_roles_on(actor, organization) and Role.DISTRICT_ADMIN not in user_roles_on(actor, organization):
        raise NotAllowed()
    if rnd.status != RoundStatus.DECLARING:
        raise ServiceError(_("本批次不在申报期内。"))
    if not organization.region.path.startswith(rnd.region.path):
        raise ServiceError(_("该组织不在本批次的评估范围内。"))
    problems = declaration_problems(organization, rnd)
    if problems:
        raise ServiceError("；".join(problems))
    app, created = GradeApplication.objects.get_or_create(round=rnd, organization=organization)
    if created:
        record_event("organizations.grade_application.start", app, after={"round": rnd.name})
    return app


def declaration_problems(org: Organization, rnd: GradeRound) -> list[str]:
    """Why ``org`` may not declare in ``rnd``: registered two full years, active, not on the serious list."""
    problems = []
    if org.registration_kind != RegistrationKind.REGISTERED:
        problems.append(_("备案的社区社会组织不参加等级评估。"))
    if org.status != OrgStatus.ACTIVE:
        problems.append(_("组织状态不是“正常”。"))
    if org.registered_on and org.registered_on > date(rnd.year - 2, 12, 31):
        problems.append(_("登记满两个年度后方可申报（登记于 %s）。") % org.registered_on)
    if org.credit_entries.filter(list_kind=CreditList.SERIOUS, removed_on__isnull=True).exists():
        problems.append(_("已列入严重违法失信名单。"))
    return problems


@transaction.atomic
def application_save(*, actor, app: GradeApplication, data: dict) -> GradeApplication:
    if Role.ORG_USER not in user_roles_on(actor, app):
        raise NotAllowed()
    if app.status not in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED):
        raise ServiceError(_("申报已提交，不能再修改。"))
    for key, value in data.items():
        setattr(app, key, value)
    app.full_clean()
    app.save()
    return app


ALLOWED_EVIDENCE = {  # magic bytes → (content type, extension)
    b"%PDF-": ("application/pdf", "pdf"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"PK\x03\x04": ("application/zip", "zip"),  # .docx / .xlsx (checked further below)
}
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


def sniff_type(head: bytes, data: bytes) -> tuple[str, str] | None:
    """The file's real type from its content (never its name or the browser's claim)."""
    for magic, kind in ALLOWED_EVIDENCE.items():
        if head.startswith(magic):
            if magic == b"PK\x03\x04":
                if b"word/" in data[:200_000]:
                    return ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
                if b"xl/" in data[:200_000]:
                    return ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
                return None
            return kind
    return None


@transaction.atomic
def evidence_add(*, actor, app: GradeApplication, upload, title: str) -> Evidence:
    """Attach an evidence file: size limit, type by content, stored outside the web root."""
    from django.core.files.base import ContentFile

    if Role.ORG_USER not in user_roles_on(actor, app):
        raise NotAllowed()
    if app.status not in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED):
        raise ServiceError(_("申报已提交，不能再上传材料。"))
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ServiceError(_("文件过大（上限 10 MB）。"))
    data = upload.read()
    kind = sniff_type(data[:16], data)
    if kind is None:
        raise ServiceError(_("文件类型不支持：只接受 PDF、JPG、PNG、Word（.docx）、Excel（.xlsx）。"))
    digest = hashlib.sha256(data).hexdigest()
    evidence = Evidence(application=app, title=(title or upload.name)[:200], original_name=upload.name[:200],
                        content_type=kind[0], size=len(data), sha256=digest, uploaded_by=actor)
    evidence.file.save(f"{digest[:16]}.{kind[1]}", ContentFile(data), save=False)
    evidence.save()
    return evidence


def application_transition(*, actor, app: GradeApplication, action: str, comment: str = "") -> GradeApplication:
    """Declare, withdraw, preliminary review (accept/return/reject), close scoring, not graded."""

    def stamp(obj):
        if action == "declare":
            obj.declared_at = timezone.now()
        if action == "close_scoring":
            obj.score = application_score(obj)
            obj.proposed_grade = obj.round.grade_for(obj.score)

    if action == "decide":
        raise ServiceError(_("请在审定表单中选择等级。"))
    return workflows.APPLICATION_FLOW.transition(app, action, actor=actor, comment=comment, before_save=stamp)


def application_score(app: GradeApplication) -> Decimal | None:
    """The average over experts of each expert's total."""
    totals = (ExpertScore.objects.filter(application=app).values("expert_id").annotate(total=Sum("score"))
              .aggregate(avg=Avg("total")))
    value = totals["avg"]
    return Decimal(value).quantize(Decimal("0.01")) if value is not None else None


@transaction.atomic
def expert_scores_submit(*, actor, app: GradeApplication, scores: dict[int, tuple[Decimal, str]]) -> Decimal:
    """An expert scores every indicator of the application's indicator system (replacing their earlier scores)."""
    if Role.EXPERT not in user_roles_on(actor, app):
        raise NotAllowed(_("只有本地区评估专家可以评分。"))
    if app.status != ApplicationStatus.SCORING:
        raise ServiceError(_("该申报不在专家评分阶段。"))
    iset = indicator_set_for(region=app.round.region, org_type=app.organization.org_type)
    indicators = {i.pk: i for i in iset.indicators.all()}
    missing = [i.name for pk, i in indicators.items() if pk not in scores]
    if missing:
        raise ServiceError(_("以下指标未评分：%s") % "、".join(missing))
    errors = {}
    for pk, (value, _comment) in scores.items():
        ind = indicators.get(pk)
        if ind is None:
            continue
        if value is None or value < 0 or value > ind.max_score:
            errors[str(pk)] = [_("得分须在 0 至 %s 之间") % ind.max_score]
    if errors:
        raise ServiceError(_("有得分超出范围。"), fields=errors)
    ExpertScore.objects.filter(application=app, expert=actor).delete()
    for pk, (value, comment) in scores.items():
        if pk in indicators:
            ExpertScore.objects.create(application=app, expert=actor, indicator=indicators[pk], score=value,
                                       comment=comment[:300])
    total = sum(v for pk, (v, _c) in scores.items() if pk in indicators)
    record_event("organizations.expert_score", app, after={"expert": actor.username, "total": total})
    return total


def application_decide(*, actor, app: GradeApplication, grade: str, comment: str = "") -> GradeApplication:
    """The assessment committee's decision: a grade no higher than the score reaches (comment if lower)."""
    proposed = app.proposed_grade or app.round.grade_for(app.score)
    if not grade:
        raise ServiceError(_("请选择审定等级。"))
    if not proposed or GRADE_RANK[grade] > GRADE_RANK[proposed]:
        raise ServiceError(_("审定等级不得高于评分所达等级（%s）。") % (proposed or _("未达 1A")))
    if grade != proposed and not comment.strip():
        raise ServiceError(_("审定等级低于建议等级时须写明理由。"))

    def stamp(obj):
        obj.decided_grade = grade
        obj.committee_comment = comment

    return workflows.APPLICATION_FLOW.transition(app, "decide", actor=actor, comment=comment, before_save=stamp)


@transaction.atomic
def objection_submit(*, application: GradeApplication, submitter: str, contact: str, content: str,
                     today: date | None = None) -> Objection:
    """Anyone may object to a published grade during the notice window (public page, no login)."""
    today = today or timezone.localdate()
    rnd = application.round
    if application.status != ApplicationStatus.NOTICE or rnd.status != RoundStatus.NOTICE:
        raise ServiceError(_("该结果不在公示期内。"))
    if not (rnd.notice_start and rnd.notice_end and rnd.notice_start <= today <= rnd.notice_end):
        raise ServiceError(_("公示期为 %(a)s 至 %(b)s，已不在异议期内。") % {"a": rnd.notice_start, "b": rnd.notice_end})
    if not submitter.strip() or not content.strip():
        raise ValidationError(_("请填写提出人和异议内容。"))
    objection = Objection.objects.create(application=application, submitter=submitter.strip()[:50],
                                         contact=contact.strip()[:50], content=content.strip()[:5000])
    record_event("organizations.objection", objection, after={"application": application.pk})
    notify(kind=NotificationKind.GRADING, region=rnd.region,
           title=_("等级评估公示收到异议：%s") % application.organization.name, link=application.get_absolute_url())
    return objection


@transaction.atomic
def objection_resolve(*, actor, objection: Objection, upheld: bool, resolution: str) -> Objection:
    """Upheld: the application goes back to the committee (and must be published again); dismissed: stays."""
    app = objection.application
    if Role.DISTRICT_ADMIN not in user_roles_on(actor, app):
        raise NotAllowed()
    if objection.status != ObjectionStatus.OPEN:
        raise ServiceError(_("该异议已处理。"))
    if not resolution.strip():
        raise ServiceError(_("请填写处理意见。"))
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    objection.resolution = resolution
    objection.resolved_by = actor
    objection.resolved_at = timezone.now()
    objection.save()
    if upheld and app.status == ApplicationStatus.NOTICE:
        _set_app_status(app, ApplicationStatus.COMMITTEE, actor, "objection_upheld", resolution)
    return objection


def grade_expiry_sweep(*, today: date | None = None, warn_days: int = 180) -> dict:
    """Remind organizations whose grade expires within ``warn_days``, and clear grades that have expired."""
    today = today or timezone.localdate()
    stats = {"warned": 0, "expired": 0}
    with transaction.atomic():
        soon = Organization.objects.filter(grade__gt="", grade_valid_to__gte=today,
                                           grade_valid_to__lte=today + timedelta(days=warn_days))
        for org in soon:
            if notify(kind=NotificationKind.GRADE_EXPIRING, organization=org,
                      title=_("评估等级 %(g)s 将于 %(d)s 到期") % {"g": org.grade, "d": org.grade_valid_to},
                      body=_("可在到期前参加新一轮等级评估。"), dedupe_key=f"grade-expiring-{org.pk}-{org.grade_valid_to}"):
                stats["warned"] += 1
        for org in Organization.objects.filter(grade__gt="", grade_valid_to__lt=today):
            before = {"grade": org.grade, "grade_valid_to": org.grade_valid_to}
            notify(kind=NotificationKind.GRADE_EXPIRED, organization=org,
                   title=_("评估等级 %(g)s 已于 %(d)s 到期") % {"g": org.grade, "d": org.grade_valid_to},
                   dedupe_key=f"grade-expired-{org.pk}-{org.grade_valid_to}")
            org.grade = ""
            org.save()
            record_event("organizations.grade_expired", org, before=before, after={"grade": ""})
            stats["expired"] += 1
    return stats


def certificate_pdf(app: GradeApplication) -> bytes:
    """The grade certificate (OfficialDocument), for a confirmed grade."""
    from zhengshe.utilities.dates import chinese_date
    from zhengshe.utilities.pdf import OfficialDocument

    if app.status != ApplicationStatus.CONFIRMED:
        raise ServiceError(_("等级确认后才能打印证书。"))
    rnd = app.round
    org = app.organization
    issuer = rnd.issuer or _("%s民政局") % rnd.region.name
    doc = OfficialDocument(_("社会组织评估等级证书"), issuer=issuer, doc_number=app.certificate_number)
    doc.paragraph(_("%(org)s：") % {"org": org.name}, "plain")
    doc.paragraph(_("经社会组织评估委员会评定并公示，你单位在 %(y)d 年度社会组织等级评估中被评为 %(g)s 级社会组织。") % {
        "y": rnd.year, "g": app.decided_grade})
    doc.table([_("项目"), _("内容")], [
        [_("统一社会信用代码"), org.credit_code or org.filing_number],
        [_("组织类型"), org.get_org_type_display()],
        [_("评估等级"), app.decided_grade],
        [_("证书编号"), app.certificate_number],
        [_("有效期"), _("%(a)s 至 %(b)s") % {"a": chinese_date(app.valid_from), "b": chinese_date(app.valid_to)}],
    ])
    if GRADE_RANK.get(app.decided_grade, 0) >= 3:
        doc.paragraph(_("获得 3A 以上评估等级的社会组织，可优先获得政府转移职能、购买服务和奖励。"))
    doc.signatures([{"party": issuer, "signer": "", "date": rnd.announced_on}])
    return doc.render()


# ---------------------------------------------------------------- credit and supervision


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


@transaction.atomic
def notification_read(*, actor, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
    return notification


__all__ = [n for n in dir() if not n.startswith("_")] + ["IntegrityError"]
