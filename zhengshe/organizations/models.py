"""Social organizations: the registry, organization accounts' annual reports and change requests,
incubators, 1A–5A grade assessment, credit lists and audit findings, and notifications.

Every model is scoped along the region tree through the organization's ``region`` (where it is
based) and, for organization users, through the organization itself.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhengshe.accounts.roles import Role
from zhengshe.core.models import BaseModel
from zhengshe.core.protected import BlindIndexField, ProtectedField

from .choices import (
    ApplicationStatus,
    BranchKind,
    Category,
    ChangeStatus,
    CreditList,
    CreditReason,
    Dimension,
    FindingSeverity,
    Grade,
    IncubationStatus,
    IncubatorLevel,
    InspectionResult,
    ObjectionStatus,
    OrgStatus,
    OrgType,
    RegistrationKind,
    RegistrationLevel,
    ReportStatus,
    RoundStatus,
    ServiceKind,
)

STAFF = {Role.DISTRICT_ADMIN, Role.TOWN_STAFF}
ORG_SIDE = {Role.DISTRICT_ADMIN, Role.TOWN_STAFF, Role.ORG_USER}

# Facts written in the registration certificate: an organization user can only change them through
# a change request reviewed by the registering office (issue 6 §2).
REGISTERED_FACTS = ("name", "credit_code", "legal_representative", "org_type", "category", "registration_kind",
                    "registration_authority", "registration_level", "registered_on", "founded_on", "region",
                    "business_scope", "address")


class Organization(BaseModel):
    """A social organization: registered (社会团体, 民办非企业单位, 基金会) or filed (社区社会组织)."""

    name = models.CharField(_("名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="organizations",
                               verbose_name=_("所在区划"))
    org_type = models.CharField(_("组织类型"), max_length=24, choices=OrgType.choices, default=OrgType.SOCIAL_GROUP)
    category = models.CharField(_("类别"), max_length=24, choices=Category.choices, default=Category.OTHER)
    registration_kind = models.CharField(_("登记/备案"), max_length=12, choices=RegistrationKind.choices,
                                         default=RegistrationKind.REGISTERED)
    registration_level = models.CharField(_("登记层级"), max_length=12, choices=RegistrationLevel.choices,
                                          default=RegistrationLevel.COUNTY)
    registration_authority = models.CharField(_("登记管理机关"), max_length=100, blank=True)
    filing_number = models.CharField(_("备案编号"), max_length=32, blank=True, db_index=True)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    registered_on = models.DateField(_("登记（备案）日期"), null=True, blank=True)
    legal_representative = models.CharField(_("法定代表人（负责人）"), max_length=50, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    # Encrypted at rest (SM4-GCM), masked on every screen and in the audit trail, found by its blind index.
    contact_phone = ProtectedField(_("联系电话"), kind="phone", max_length=20, blank=True)
    contact_phone_index = BlindIndexField(source="contact_phone")
    address = models.CharField(_("住所"), max_length=200, blank=True)
    business_scope = models.TextField(_("业务范围"), blank=True)
    service_regions = models.ManyToManyField("regions.Region", blank=True, related_name="served_by_organizations",
                                             verbose_name=_("服务区域"))
    members = models.PositiveIntegerField(_("会员数"), default=0)
    full_time_staff = models.PositiveIntegerField(_("专职工作人员"), default=0)
    social_workers = models.PositiveIntegerField(_("持证社工"), default=0)
    volunteers = models.PositiveIntegerField(_("志愿者"), default=0)
    has_party_org = models.BooleanField(_("已建立党组织"), default=False)
    party_org_name = models.CharField(_("党组织名称"), max_length=100, blank=True)
    introduction = models.TextField(_("简介"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=OrgStatus.choices, default=OrgStatus.ACTIVE,
                              db_index=True)
    credit_code_override = models.BooleanField(_("信用代码校验已由管理员放行"), default=False)
    credit_code_override_reason = models.CharField(_("放行理由"), max_length=200, blank=True)
    # Denormalised from the confirmed grade (kept by services); validity is always checked by date.
    grade = models.CharField(_("评估等级"), max_length=2, choices=Grade.choices, blank=True)
    grade_valid_from = models.DateField(_("等级有效期自"), null=True, blank=True)
    grade_valid_to = models.DateField(_("等级有效期至"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    scope_region_field = "region"
    scope_target_fields = {"organization": "pk"}
    # Who sees the contact phone in full (on request, audited) and in exports: the civil-affairs office.
    scope_roles = {"change": ORG_SIDE, "manage": STAFF, "reveal": {Role.DISTRICT_ADMIN}}

    class Meta:
        verbose_name = _("社会组织")
        verbose_name_plural = _("社会组织")
        indexes = [models.Index(fields=["org_type", "category"]), models.Index(fields=["name"])]
        constraints = [
            models.UniqueConstraint(fields=["credit_code"], condition=~Q(credit_code=""),
                                    name="organization_unique_credit_code"),
            models.UniqueConstraint(fields=["filing_number"], condition=~Q(filing_number=""),
                                    name="organization_unique_filing_number"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organizations:detail", args=[self.pk])

    @property
    def identifier(self) -> str:
        return self.credit_code or self.filing_number

    def grade_valid_on(self, day: date) -> str:
        """The grade held on ``day`` ('' when none or expired)."""
        started = self.grade_valid_from is None or self.grade_valid_from <= day
        return self.grade if self.grade and started and self.grade_valid_to and self.grade_valid_to >= day else ""


class OrgScoped(BaseModel):
    """Rows hanging on one organization: visible where the organization is, and to its own users."""

    scope_region_field = "organization__region"
    scope_target_fields = {"organization": "organization"}
    scope_roles = {"change": ORG_SIDE, "manage": STAFF}

    class Meta:
        abstract = True


class Branch(OrgScoped):
    """A branch or representative office of a 社会团体, set up as the organization itself decides (seed 000)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="branches",
                                     verbose_name=_("社会团体"))
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=16, choices=BranchKind.choices, default=BranchKind.BRANCH)
    established_on = models.DateField(_("设立日期"), null=True, blank=True)
    terminated_on = models.DateField(_("终止日期"), null=True, blank=True)
    head = models.CharField(_("负责人"), max_length=50, blank=True)
    business_scope = models.CharField(_("业务范围"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("分支（代表）机构")
        verbose_name_plural = _("分支（代表）机构")
        ordering = ["established_on", "id"]

    def __str__(self):
        return self.name


class ChangeRequest(OrgScoped):
    """A requested change of registered facts, decided by the registering office."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="change_requests",
                                     verbose_name=_("社会组织"))
    changes = models.JSONField(_("申请变更"), default=dict)
    before = models.JSONField(_("变更前"), default=dict)
    reason = models.TextField(_("变更理由"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=ChangeStatus.choices, default=ChangeStatus.PENDING,
                              db_index=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("申请人"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("审核人"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_comment = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("登记事项变更申请")
        verbose_name_plural = _("登记事项变更申请")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.organization} · {_('变更申请')} #{self.pk}"

    def get_absolute_url(self):
        return reverse("organizations:change_detail", args=[self.pk])


class AnnualReport(OrgScoped):
    """The annual report (年度报告/年检) of one organization for one year, due at the registration office."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="annual_reports",
                                     verbose_name=_("社会组织"))
    year = models.PositiveSmallIntegerField(_("报告年度"))
    deadline = models.DateField(_("报送截止日期"))
    status = models.CharField(_("状态"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT,
                              db_index=True)
    activities = models.TextField(_("业务活动情况"), blank=True)
    projects = models.TextField(_("开展项目情况"), blank=True)
    revenue = models.DecimalField(_("本年收入（元）"), max_digits=14, decimal_places=2, default=0)
    expenditure = models.DecimalField(_("本年支出（元）"), max_digits=14, decimal_places=2, default=0)
    net_assets = models.DecimalField(_("年末净资产（元）"), max_digits=14, decimal_places=2, default=0)
    government_funding = models.DecimalField(_("其中政府购买服务收入（元）"), max_digits=14, decimal_places=2, default=0)
    staff = models.PositiveIntegerField(_("专职工作人员"), default=0)
    social_workers = models.PositiveIntegerField(_("持证社工"), default=0)
    volunteers = models.PositiveIntegerField(_("志愿者"), default=0)
    members = models.PositiveIntegerField(_("会员数"), default=0)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    late = models.BooleanField(_("逾期报送"), default=False)
    result = models.CharField(_("检查结论"), max_length=12, choices=InspectionResult.choices, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("审核人"))
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        verbose_name = _("年度报告")
        verbose_name_plural = _("年度报告")
        ordering = ["-year", "organization_id"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="annual_report_once_a_year")]

    def __str__(self):
        return f"{self.organization} · {self.year}{_('年度报告')}"

    def get_absolute_url(self):
        return reverse("organizations:report_detail", args=[self.pk])


class Incubator(BaseModel):
    """An incubation park or centre (孵化园/孵化中心) at district, street or community level."""

    name = models.CharField(_("名称"), max_length=200)
    level = models.CharField(_("层级"), max_length=12, choices=IncubatorLevel.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="incubators",
                               verbose_name=_("所在区划"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("上级孵化平台"))
    operator = models.CharField(_("运营方"), max_length=200, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    area = models.DecimalField(_("面积（㎡）"), max_digits=10, decimal_places=2, null=True, blank=True)
    capacity = models.PositiveIntegerField(_("可入驻数"), default=10)
    funding = models.DecimalField(_("专项资金（元）"), max_digits=14, decimal_places=2, default=0)
    opened_on = models.DateField(_("启用日期"), null=True, blank=True)
    default_months = models.PositiveSmallIntegerField(_("孵化期（月）"), default=12)

    scope_region_field = "region"
    scope_visible_from_below = True
    scope_roles = {"manage": STAFF}

    class Meta:
        verbose_name = _("孵化平台")
        verbose_name_plural = _("孵化平台")
        ordering = ["region__path", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organizations:incubator_detail", args=[self.pk])


class Incubation(OrgScoped):
    """One organization's stay in an incubator: application, review, period, graduation or exit."""

    incubator = models.ForeignKey(Incubator, on_delete=models.PROTECT, related_name="incubations",
                                  verbose_name=_("孵化平台"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="incubations",
                                     verbose_name=_("社会组织"))
    status = models.CharField(_("状态"), max_length=12, choices=IncubationStatus.choices,
                              default=IncubationStatus.APPLIED, db_index=True)
    plan = models.TextField(_("入驻申请（服务方向与计划）"), blank=True)
    applied_on = models.DateField(_("申请日期"), default=date.today)
    start_on = models.DateField(_("入驻日期"), null=True, blank=True)
    end_on = models.DateField(_("孵化期满"), null=True, blank=True)
    finished_on = models.DateField(_("出壳/退出日期"), null=True, blank=True)
    outcome = models.TextField(_("出壳（退出）说明"), blank=True)

    class Meta:
        verbose_name = _("入驻孵化")
        verbose_name_plural = _("入驻孵化")
        ordering = ["-applied_on", "-id"]

    def __str__(self):
        return f"{self.organization} @ {self.incubator}"

    def get_absolute_url(self):
        return reverse("organizations:incubation_detail", args=[self.pk])


class IncubationService(BaseModel):
    """A service an incubated organization received (training, space, mentoring …)."""

    incubation = models.ForeignKey(Incubation, on_delete=models.PROTECT, related_name="services",
                                   verbose_name=_("入驻孵化"))
    kind = models.CharField(_("服务类型"), max_length=16, choices=ServiceKind.choices)
    provided_on = models.DateField(_("日期"))
    hours = models.DecimalField(_("时长（小时）"), max_digits=6, decimal_places=1, default=0)
    description = models.CharField(_("内容"), max_length=300)

    scope_region_field = "incubation__organization__region"
    scope_target_fields = {"organization": "incubation__organization"}

    class Meta:
        verbose_name = _("孵化服务")
        verbose_name_plural = _("孵化服务")
        ordering = ["provided_on", "id"]

    def __str__(self):
        return self.description


class IncubationMilestone(BaseModel):
    """A milestone of an incubation plan (e.g. 章程制定, 首个项目, 登记申请)."""

    incubation = models.ForeignKey(Incubation, on_delete=models.PROTECT, related_name="milestones",
                                   verbose_name=_("入驻孵化"))
    title = models.CharField(_("里程碑"), max_length=200)
    due_on = models.DateField(_("计划日期"), null=True, blank=True)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    scope_region_field = "incubation__organization__region"
    scope_target_fields = {"organization": "incubation__organization"}

    class Meta:
        verbose_name = _("孵化里程碑")
        verbose_name_plural = _("孵化里程碑")
        ordering = ["due_on", "id"]

    def __str__(self):
        return self.title


class IndicatorSet(BaseModel):
    """The assessment indicator system for one organization type, configured by a civil-affairs office."""

    name = models.CharField(_("名称"), max_length=200)
    org_type = models.CharField(_("适用组织类型"), max_length=24, choices=OrgType.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("制定机关所在区划"))
    total = models.PositiveIntegerField(_("满分"), default=1000)
    active = models.BooleanField(_("启用"), default=True)

    scope_region_field = "region"
    scope_visible_from_below = True
    scope_roles = {"manage": {Role.DISTRICT_ADMIN}}

    class Meta:
        verbose_name = _("评估指标体系")
        verbose_name_plural = _("评估指标体系")
        ordering = ["org_type", "-id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organizations:indicator_set", args=[self.pk])


class Indicator(BaseModel):
    """One scored indicator; its maximum is its weight (the four dimensions' maxima add up to the total)."""

    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.PROTECT, related_name="indicators",
                                      verbose_name=_("指标体系"))
    dimension = models.CharField(_("一级指标"), max_length=16, choices=Dimension.choices)
    name = models.CharField(_("指标"), max_length=200)
    max_score = models.DecimalField(_("分值"), max_digits=7, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    scope_region_field = "indicator_set__region"
    scope_visible_from_below = True

    class Meta:
        verbose_name = _("评估指标")
        verbose_name_plural = _("评估指标")
        ordering = ["indicator_set_id", "order", "id"]

    def __str__(self):
        return self.name


class GradeRound(BaseModel):
    """A yearly assessment round run by a civil-affairs office over its region."""

    year = models.PositiveSmallIntegerField(_("年度"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("组织评估的区划"))
    name = models.CharField(_("名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    declaration_deadline = models.DateField(_("申报截止"), null=True, blank=True)
    threshold_5a = models.DecimalField(_("5A 最低分"), max_digits=7, decimal_places=2, default=900)
    threshold_4a = models.DecimalField(_("4A 最低分"), max_digits=7, decimal_places=2, default=800)
    threshold_3a = models.DecimalField(_("3A 最低分"), max_digits=7, decimal_places=2, default=700)
    threshold_2a = models.DecimalField(_("2A 最低分"), max_digits=7, decimal_places=2, default=600)
    threshold_1a = models.DecimalField(_("1A 最低分"), max_digits=7, decimal_places=2, default=500)
    notice_start = models.DateField(_("公示开始"), null=True, blank=True)
    notice_end = models.DateField(_("公示截止（异议期）"), null=True, blank=True)
    announced_on = models.DateField(_("公告日期"), null=True, blank=True)
    issuer = models.CharField(_("发文机关"), max_length=100, blank=True)
    separate_duties = models.BooleanField(
        _("职责分离"), default=True,
        help_text=_("每份申报的初审、结束评分、评估委员会审定须至少由两名不同人员办理；关闭须记录理由"))
    separation_waiver = models.TextField(_("不实行职责分离的理由"), blank=True)

    scope_region_field = "region"
    scope_roles = {"manage": {Role.DISTRICT_ADMIN}}

    class Meta:
        verbose_name = _("等级评估批次")
        verbose_name_plural = _("等级评估批次")
        ordering = ["-year", "-id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organizations:round_detail", args=[self.pk])

    def thresholds(self) -> list[tuple[str, object]]:
        return [("5A", self.threshold_5a), ("4A", self.threshold_4a), ("3A", self.threshold_3a),
                ("2A", self.threshold_2a), ("1A", self.threshold_1a)]

    def grade_for(self, score) -> str:
        """The grade a score reaches under this round's thresholds ('' = below 1A)."""
        for grade, minimum in self.thresholds():
            if score is not None and score >= minimum:
                return grade
        return ""


class GradeApplication(OrgScoped):
    """An organization's declaration in a round, through review, scoring, decision, notice and grade."""

    round = models.ForeignKey(GradeRound, on_delete=models.PROTECT, related_name="applications",
                              verbose_name=_("评估批次"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="grade_applications",
                                     verbose_name=_("社会组织"))
    status = models.CharField(_("状态"), max_length=12, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.DRAFT, db_index=True)
    requested_grade = models.CharField(_("申报等级"), max_length=2, choices=Grade.choices, default=Grade.A3)
    self_assessment = models.TextField(_("自评报告"), blank=True)
    self_score = models.DecimalField(_("自评分"), max_digits=7, decimal_places=2, null=True, blank=True)
    declared_at = models.DateTimeField(_("申报时间"), null=True, blank=True)
    score = models.DecimalField(_("专家评分（平均）"), max_digits=7, decimal_places=2, null=True, blank=True)
    proposed_grade = models.CharField(_("建议等级"), max_length=2, choices=Grade.choices, blank=True)
    decided_grade = models.CharField(_("审定等级"), max_length=2, choices=Grade.choices, blank=True)
    committee_comment = models.TextField(_("评估委员会意见"), blank=True)
    certificate_number = models.CharField(_("证书编号"), max_length=40, blank=True)
    valid_from = models.DateField(_("有效期自"), null=True, blank=True)
    valid_to = models.DateField(_("有效期至"), null=True, blank=True)
    expiry_notified = models.BooleanField(_("已发到期提醒"), default=False)

    class Meta:
        verbose_name = _("等级评估申报")
        verbose_name_plural = _("等级评估申报")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["round", "organization"], name="grade_application_once")]

    def __str__(self):
        return f"{self.organization} · {self.round.year}{_('年度等级评估')}"

    def get_absolute_url(self):
        return reverse("organizations:application_detail", args=[self.pk])


def evidence_path(instance, filename):
    return f"organizations/evidence/{instance.application_id}/{instance.sha256[:16]}"


class Evidence(BaseModel):
    """An evidence file of a self-declaration; stored outside the web root, served as an attachment."""

    application = models.ForeignKey(GradeApplication, on_delete=models.PROTECT, related_name="evidence",
                                    verbose_name=_("申报"))
    title = models.CharField(_("材料名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("上传人"))

    scope_region_field = "application__organization__region"
    scope_target_fields = {"organization": "application__organization"}

    class Meta:
        verbose_name = _("评估材料")
        verbose_name_plural = _("评估材料")
        ordering = ["id"]

    def __str__(self):
        return self.title


class ExpertScore(BaseModel):
    """One expert's score on one indicator of one application."""

    application = models.ForeignKey(GradeApplication, on_delete=models.PROTECT, related_name="scores",
                                    verbose_name=_("申报"))
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("专家"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("指标"))
    score = models.DecimalField(_("得分"), max_digits=7, decimal_places=2)
    comment = models.CharField(_("评语"), max_length=300, blank=True)

    scope_region_field = "application__organization__region"

    class Meta:
        verbose_name = _("专家评分")
        verbose_name_plural = _("专家评分")
        constraints = [models.UniqueConstraint(fields=["application", "expert", "indicator"],
                                               name="expert_score_once")]

    def __str__(self):
        return f"{self.indicator}: {self.score}"


class Objection(BaseModel):
    """An objection raised during the public notice (公示) of a proposed grade."""

    application = models.ForeignKey(GradeApplication, on_delete=models.PROTECT, related_name="objections",
                                    verbose_name=_("申报"))
    submitter = models.CharField(_("提出人"), max_length=50)
    contact = models.CharField(_("联系方式"), max_length=50, blank=True)
    content = models.TextField(_("异议内容"))
    status = models.CharField(_("状态"), max_length=12, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    resolution = models.TextField(_("处理意见"), blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("处理人"))
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    scope_region_field = "application__organization__region"
    scope_roles = {"view": STAFF | {Role.LEADER}}

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["created_at"]

    def __str__(self):
        return f"{_('异议')} #{self.pk}"


class CreditEntry(OrgScoped):
    """Inclusion in the abnormal-activity list or the serious-dishonesty list, and its removal."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="credit_entries",
                                     verbose_name=_("社会组织"))
    list_kind = models.CharField(_("名录"), max_length=12, choices=CreditList.choices)
    reason = models.CharField(_("列入事由"), max_length=24, choices=CreditReason.choices)
    detail = models.TextField(_("具体情形"), blank=True)
    decision_number = models.CharField(_("决定书文号"), max_length=60, blank=True)
    included_on = models.DateField(_("列入日期"))
    included_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("列入经办人"))
    removed_on = models.DateField(_("移出日期"), null=True, blank=True)
    removal_reason = models.TextField(_("移出理由"), blank=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("移出经办人"))

    scope_roles = {"change": STAFF, "manage": STAFF}

    class Meta:
        verbose_name = _("信用名录记录")
        verbose_name_plural = _("信用名录记录")
        ordering = ["-included_on", "-id"]
        indexes = [models.Index(fields=["list_kind", "removed_on"])]

    def __str__(self):
        return f"{self.organization} · {self.get_list_kind_display()}"

    @property
    def active(self) -> bool:
        return self.removed_on is None


class AuditFinding(OrgScoped):
    """A finding of an audit or inspection (e.g. the commissioned financial audits in Zhoushan)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="audit_findings",
                                     verbose_name=_("社会组织"))
    year = models.PositiveSmallIntegerField(_("所属年度"))
    auditor = models.CharField(_("审计（检查）机构"), max_length=200)
    found_on = models.DateField(_("发现日期"))
    severity = models.CharField(_("程度"), max_length=12, choices=FindingSeverity.choices,
                                default=FindingSeverity.MINOR)
    finding = models.TextField(_("发现问题"))
    rectification_due = models.DateField(_("整改期限"), null=True, blank=True)
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True)

    scope_roles = {"change": STAFF, "manage": STAFF}

    class Meta:
        verbose_name = _("审计检查发现")
        verbose_name_plural = _("审计检查发现")
        ordering = ["-found_on", "-id"]

    def __str__(self):
        return f"{self.organization} · {self.auditor}"
