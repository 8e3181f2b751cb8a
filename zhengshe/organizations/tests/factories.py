"""Builders for organizations test data (plain functions; fast, explicit)."""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from ..choices import ApplicationStatus, OrgType, RegistrationKind, RoundStatus
from ..credit_code import make_credit_code
from ..models import (
    AnnualReport,
    ChangeRequest,
    CreditEntry,
    Evidence,
    GradeApplication,
    GradeRound,
    Incubation,
    IncubationMilestone,
    Incubator,
    Objection,
    Organization,
)

_serial = [1000]

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def org(region, name="甲1x社区互助会", **kw) -> Organization:
    _serial[0] += 1
    kind = kw.pop("registration_kind", RegistrationKind.REGISTERED)
    org_type = kw.pop("org_type", OrgType.SOCIAL_GROUP)
    code = kw.pop("credit_code", None)
    if code is None:
        code = make_credit_code("1", region.code[:6], _serial[0]) if kind == RegistrationKind.REGISTERED else ""
    defaults = dict(category="charity", registration_level="county", registration_authority="甲县民政局",
                    registered_on=date(2018, 3, 1), founded_on=date(2018, 1, 1), legal_representative="王法人",
                    contact_person="李联系", contact_phone="13912345678", address="甲县幸福路8号")
    defaults.update(kw)
    return Organization.objects.create(name=name, region=region, credit_code=code, registration_kind=kind,
                                       org_type=org_type, **defaults)


def report(o, year=2025, **kw) -> AnnualReport:
    return AnnualReport.objects.create(organization=o, year=year, deadline=date(year + 1, 5, 31), **kw)


def change(o, user) -> ChangeRequest:
    return ChangeRequest.objects.create(organization=o, changes={"name": "甲1x新名称协会"}, before={"name": o.name},
                                        submitted_by=user)


def credit(o, **kw) -> CreditEntry:
    defaults = dict(list_kind="abnormal", reason="report_missing", included_on=date(2026, 6, 10))
    defaults.update(kw)
    return CreditEntry.objects.create(organization=o, **defaults)


def incubator(region, name="甲1x社区孵化中心", **kw) -> Incubator:
    return Incubator.objects.create(name=name, level=kw.pop("level", "community"), region=region, **kw)


def incubation(inc, o, **kw) -> Incubation:
    return Incubation.objects.create(incubator=inc, organization=o, plan="为老服务", **kw)


def milestone(incb) -> IncubationMilestone:
    return IncubationMilestone.objects.create(incubation=incb, title="制定章程")


def grade_round(region, year=2026, status=RoundStatus.DECLARING, **kw) -> GradeRound:
    return GradeRound.objects.create(year=year, region=region, name=f"甲县{year}年度社会组织等级评估", status=status, **kw)


def application(rnd, o, status=ApplicationStatus.DRAFT, **kw) -> GradeApplication:
    return GradeApplication.objects.create(round=rnd, organization=o, status=status, **kw)


def evidence(app, user) -> Evidence:
    from django.core.files.base import ContentFile

    e = Evidence(application=app, title="章程", original_name="章程.pdf", content_type="application/pdf",
                 size=len(PDF_BYTES), sha256="0" * 64, uploaded_by=user)
    e.file.save("zhangcheng.pdf", ContentFile(PDF_BYTES), save=False)
    e.save()
    return e


def objection(app) -> Objection:
    return Objection.objects.create(application=app, submitter="群众甲", contact="13800000000", content="材料不实")


def notification(region=None, o=None, title="甲1x通知标题"):
    from zhengshe.organizations.services.notifications import notify

    return notify(kind="other", title=title, region=region, organization=o)[0]


def pdf_upload(name="章程.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def score_all(app, expert, value_ratio=Decimal("0.85")):
    from ..services import expert_scores_submit, indicator_set_ensure

    iset = indicator_set_ensure(region=app.round.region, org_type=app.organization.org_type)
    scores = {i.pk: ((i.max_score * value_ratio).quantize(Decimal("0.01")), "") for i in iset.indicators.all()}
    return expert_scores_submit(actor=expert, app=app, scores=scores)
