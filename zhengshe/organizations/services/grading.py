"""Grade assessment rounds (1A–5A): indicator sets, publication with a notice window, confirmation, validity, expiry, certificates."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.accounts.roles import Role
from zhengshe.audit.services import record_event
from zhengshe.core.errors import NotAllowed, ServiceError
from zhengshe.core.scoping import user_roles_on

from .. import workflows
from ..choices import (
    GRADE_RANK,
    ApplicationStatus,
    NotificationKind,
    ObjectionStatus,
    OrgType,
    RoundStatus,
)
from ..models import (
    GradeApplication,
    GradeRound,
    Indicator,
    IndicatorSet,
    Objection,
    Organization,
)
from ._common import GRADE_YEARS, _covers
from .notifications import notify

DEFAULT_INDICATORS = {
    # dimension: [(indicator, max score)] — 1000 in all (a common local scheme; edit per office).
    "basic": [("法人资格与登记事项", 40), ("章程与备案", 30), ("办公场所与人员", 50), ("年度报告与检查", 60)],
    "governance": [("组织机构与民主决策", 100), ("党的建设", 60), ("人力资源管理", 60), ("财务管理与资产", 100),
                   ("档案与证书印章", 30)],
    "performance": [("业务活动与项目成效", 150), ("提供服务与承接政府职能", 100), ("信息公开与宣传", 50)],
    "social": [("服务对象满意度", 80), ("登记管理机关评价", 50), ("表彰奖励与社会影响", 40)],
}


def indicator_set_for(*, region, org_type: str) -> IndicatorSet | None:
    """The active indicator system for ``org_type`` in ``region`` or above, or None (a read: it never creates one)."""
    from zhengshe.core.scoping import ancestor_paths

    return (IndicatorSet.objects.filter(org_type=org_type, active=True, region__path__in=ancestor_paths(region.path))
            .order_by("-region__depth", "-id").first())


def indicator_set_ensure(*, region, org_type: str) -> IndicatorSet:
    """The indicator system in force, creating the default one in ``region`` when there is none — called by the
    writes that need it (an application started, scores submitted), never by a page that only shows it."""
    found = indicator_set_for(region=region, org_type=org_type)
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


@transaction.atomic
def round_set_separation(*, actor, rnd: GradeRound, required: bool, reason: str = "") -> GradeRound:
    """Turn separation of duties on or off for one grading round; off needs a recorded reason (audited)."""
    if not _covers(actor, rnd.region, {Role.DISTRICT_ADMIN}):
        raise NotAllowed()
    if not required and not reason.strip():
        raise ServiceError(_("关闭职责分离须填写理由。"), fields={"reason": [_("此项为必填项。")]})
    rnd = GradeRound.objects.select_for_update().get(pk=rnd.pk)
    if rnd.status == RoundStatus.CLOSED:
        raise ServiceError(_("本批次已结束，不能再修改职责分离设置。"))
    before = {"separate_duties": rnd.separate_duties, "separation_waiver": rnd.separation_waiver}
    rnd.separate_duties, rnd.separation_waiver = required, ("" if required else reason.strip())
    rnd.save(update_fields=["separate_duties", "separation_waiver", "updated_at"])
    record_event("organizations.round_separation", rnd, before=before,
                 after={"separate_duties": required, "separation_waiver": rnd.separation_waiver})
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
        workflows.APPLICATION_FLOW.bulk_transition(decided, "publish", actor=actor, internal=True)
    return rnd


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
            certificate = _("%(code)s评字〔%(y)d〕第%(n)03d号") % {"code": rnd.region.code, "y": rnd.year, "n": serial}
            app = workflows.APPLICATION_FLOW.transition(app, "confirm", actor=actor, internal=True, changes={
                "certificate_number": certificate, "valid_from": valid_from, "valid_to": valid_to})
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
