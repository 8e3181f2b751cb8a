"""An organization's application in a grading round: declaration, evidence uploads, expert scores, decision and objections."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Sum
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
    CreditList,
    NotificationKind,
    ObjectionStatus,
    OrgStatus,
    RegistrationKind,
    RoundStatus,
)
from ..models import (
    Evidence,
    ExpertScore,
    GradeApplication,
    GradeRound,
    Objection,
    Organization,
)
from .grading import indicator_set_ensure
from .notifications import notify


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
        indicator_set_ensure(region=rnd.region, org_type=organization.org_type)  # what the experts will score on
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
    iset = indicator_set_ensure(region=app.round.region, org_type=app.organization.org_type)
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
    objection = workflows.OBJECTION_FLOW.transition(objection, "uphold" if upheld else "dismiss", actor=actor,
                                                    internal=True, comment=resolution, changes={
                                                        "resolution": resolution, "resolved_by": actor,
                                                        "resolved_at": timezone.now()})
    if upheld and app.status == ApplicationStatus.NOTICE:
        workflows.APPLICATION_FLOW.transition(app, "objection_upheld", actor=actor, internal=True, comment=resolution)
    return objection
