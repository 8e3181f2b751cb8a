"""Projects (政府购买服务 · 公益创投): residents' needs, the services catalogue, calls and the organizations'
applications. Money is Decimal to the fen; every write goes through ``services``; statuses through ``workflows``."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhengshe.core.models import BaseModel, VersionedModel

from .choices import (
    MIN_GRADE_CHOICES,
    ApplicationStatus,
    Buyer,
    CallKind,
    CallStatus,
    CatalogueKind,
    ContractStatus,
    MilestoneStatus,
    NeedSource,
    ReviewStatus,
)

MONEY = dict(max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])


class Need(BaseModel):
    """One need a village or community found among its residents in a year (from a survey, paper forms, a
    meeting or visits), with how many residents named it; ranked within the community and year by that count."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="project_needs",
                               verbose_name=_("村（社区）"))
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField(_("需求"), max_length=120)
    category = models.CharField(_("服务类别"), max_length=40)
    description = models.TextField(_("说明"), blank=True)
    source = models.CharField(_("来源"), max_length=16, choices=NeedSource.choices, default=NeedSource.SURVEY)
    residents = models.PositiveIntegerField(_("提出人数"), default=0)
    respondents = models.PositiveIntegerField(_("参与调查人数"), default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("记录人"))

    scope_region_field = "region"

    class Meta:
        verbose_name = _("居民需求")
        verbose_name_plural = _("居民需求")
        ordering = ["region__path", "-year", "-residents", "id"]
        constraints = [models.UniqueConstraint(fields=["region", "year", "title"], name="need_once_per_year")]

    def __str__(self):
        return f"{self.title}（{self.region.name} {self.year}）"

    def get_absolute_url(self):
        return reverse("projects:need_detail", args=[self.pk])


class ServiceItem(BaseModel):
    """An item of a county's purchasable-services catalogue or community basic public services catalogue."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="service_items",
                               verbose_name=_("发布区划"))
    kind = models.CharField(_("目录"), max_length=16, choices=CatalogueKind.choices, default=CatalogueKind.PURCHASABLE)
    code = models.CharField(_("编号"), max_length=20)
    name = models.CharField(_("服务名称"), max_length=120)
    category = models.CharField(_("类别"), max_length=40)
    unit = models.CharField(_("计量单位"), max_length=20, default="项")
    typical_price = models.DecimalField(_("参考单价（元）"), **MONEY)
    buyers = models.JSONField(_("可购买主体"), default=list)

    scope_region_field = "region"
    scope_visible_from_below = True

    class Meta:
        verbose_name = _("服务目录事项")
        verbose_name_plural = _("服务目录事项")
        ordering = ["region__path", "kind", "code"]
        constraints = [models.UniqueConstraint(fields=["region", "kind", "code"], name="service_item_code_unique")]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("projects:service_detail", args=[self.pk])

    def buyers_display(self) -> str:
        labels = dict(Buyer.choices)
        return "、".join(str(labels.get(b, b)) for b in self.buyers)


class Call(VersionedModel):
    """A buyer's call for projects: a purchase of services or a venture-philanthropy round, with its budget, the
    needs and catalogue items it answers, who may apply (checked automatically), dates and the review rubric."""

    buyer_region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="project_calls",
                                     verbose_name=_("购买主体"))
    number = models.CharField(_("编号"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    kind = models.CharField(_("方式"), max_length=16, choices=CallKind.choices)
    title = models.CharField(_("名称"), max_length=120)
    description = models.TextField(_("征集说明"))
    budget = models.DecimalField(_("预算（元）"), **MONEY)
    max_per_project = models.DecimalField(_("单个项目上限（元）"), null=True, blank=True, **MONEY)
    opens_on = models.DateField(_("开始申报日期"))
    closes_on = models.DateField(_("申报截止日期"))
    min_grade = models.CharField(_("最低评估等级"), max_length=2, choices=MIN_GRADE_CHOICES, blank=True, default="3A")
    org_types = models.JSONField(_("可申报的组织类型"), default=list, blank=True)
    local_only = models.BooleanField(_("限本区域登记的组织"), default=True)
    rubric = models.JSONField(_("评审细则"), default=list)
    needs = models.ManyToManyField(Need, blank=True, related_name="calls", verbose_name=_("回应的需求"))
    items = models.ManyToManyField(ServiceItem, blank=True, related_name="calls", verbose_name=_("目录事项"))
    status = models.CharField(_("状态"), max_length=16, choices=CallStatus.choices, default=CallStatus.DRAFT)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("创建人"))

    scope_region_field = "buyer_region"

    class Meta:
        verbose_name = _("项目征集")
        verbose_name_plural = _("项目征集")
        ordering = ["-year", "-closes_on", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")),
                                              name="call_closes_after_it_opens")]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("projects:call_detail", args=[self.pk])

    def get_public_url(self):
        return reverse("projects_public:call", args=[self.number])


class Application(VersionedModel):
    """A social organization's application to a call: proposal, target group, indicators, budget lines and team;
    a draft until submitted before the deadline, when its eligibility is checked with every reason."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("项目征集"))
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                     related_name="project_applications", verbose_name=_("申报组织"))
    title = models.CharField(_("项目名称"), max_length=120)
    proposal = models.TextField(_("项目方案"), blank=True)
    target_group = models.CharField(_("服务对象"), max_length=200, blank=True)
    beneficiaries = models.PositiveIntegerField(_("预计受益人数"), default=0)
    indicators = models.JSONField(_("绩效指标"), default=list, blank=True)
    budget_lines = models.JSONField(_("预算明细"), default=list, blank=True)
    team = models.TextField(_("项目团队"), blank=True)
    requested = models.DecimalField(_("申请金额（元）"), default=Decimal("0"), **MONEY)
    award_amount = models.DecimalField(_("资助金额（元）"), null=True, blank=True, **MONEY)
    status = models.CharField(_("状态"), max_length=16, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.DRAFT)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("填报人"))

    scope_region_field = "call__buyer_region"
    scope_target_fields = {"organization": "organization"}

    class Meta:
        verbose_name = _("项目申报")
        verbose_name_plural = _("项目申报")
        ordering = ["call_id", "id"]
        constraints = [models.UniqueConstraint(fields=["call", "organization"], name="one_application_per_call")]

    def __str__(self):
        return f"{self.title}（{self.organization.name}）"

    def get_absolute_url(self):
        return reverse("projects:application_detail", args=[self.pk])


class Review(BaseModel):
    """One reviewer's scoring of one application against the call's rubric, after declaring no conflict of
    interest; a reviewer linked to the applicant is recused automatically, one with a declared conflict recuses."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="reviews",
                                    verbose_name=_("项目申报"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="project_reviews",
                                 verbose_name=_("评审专家"))
    status = models.CharField(_("状态"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    no_conflict = models.BooleanField(_("已声明无利益冲突"), default=False)
    recusal_reason = models.CharField(_("回避原因"), max_length=200, blank=True)
    scores = models.JSONField(_("各项得分"), default=dict, blank=True)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("评审意见"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    scope_region_field = "application__call__buyer_region"

    class Meta:
        verbose_name = _("项目评审")
        verbose_name_plural = _("项目评审")
        ordering = ["application_id", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="one_review_per_reviewer")]

    def __str__(self):
        return f"{self.application.title} · {self.reviewer}"

    def get_absolute_url(self):
        return reverse("projects:review_detail", args=[self.pk])


class Contract(VersionedModel):
    """The task book (任务书) of an award: deliverables, the indicators with their targets, the budget by line and
    the payments tied to milestones, which add up to the award exactly; signed by the organization, then the buyer."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="contract",
                                       verbose_name=_("立项项目"))
    number = models.CharField(_("合同编号"), max_length=50, unique=True)
    amount = models.DecimalField(_("合同金额（元）"), **MONEY)
    starts_on = models.DateField(_("服务期自"))
    ends_on = models.DateField(_("服务期至"))
    deliverables = models.TextField(_("服务内容与成果"))
    indicators = models.JSONField(_("绩效指标"), default=list)
    budget_lines = models.JSONField(_("预算明细"), default=list)
    status = models.CharField(_("状态"), max_length=16, choices=ContractStatus.choices, default=ContractStatus.DRAFT)
    org_signed_at = models.DateTimeField(_("承接方签署时间"), null=True, blank=True)
    buyer_signed_at = models.DateTimeField(_("购买方签署时间"), null=True, blank=True)

    scope_region_field = "application__call__buyer_region"
    scope_target_fields = {"organization": "application__organization"}

    class Meta:
        verbose_name = _("项目合同")
        verbose_name_plural = _("项目合同")
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                              name="contract_ends_after_it_starts")]

    def __str__(self):
        return f"{self.number} {self.application.title}"

    def get_absolute_url(self):
        return reverse("projects:contract_detail", args=[self.pk])


class Milestone(BaseModel):
    """A milestone of a contract, with its due date and the payment released when it is accepted."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="milestones",
                                 verbose_name=_("项目合同"))
    position = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("节点"), max_length=120)
    due_on = models.DateField(_("完成期限"))
    payment = models.DecimalField(_("拨付金额（元）"), **MONEY)
    status = models.CharField(_("状态"), max_length=16, choices=MilestoneStatus.choices,
                              default=MilestoneStatus.PENDING)
    report = models.TextField(_("进展报告"), blank=True)
    indicator_values = models.JSONField(_("指标完成值"), default=dict, blank=True)
    spent = models.DecimalField(_("本节点支出（元）"), null=True, blank=True, **MONEY)
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    paid_on = models.DateField(_("拨付日期"), null=True, blank=True)

    scope_region_field = "contract__application__call__buyer_region"
    scope_target_fields = {"organization": "contract__application__organization"}

    class Meta:
        verbose_name = _("项目节点")
        verbose_name_plural = _("项目节点")
        ordering = ["contract_id", "position"]
        constraints = [models.UniqueConstraint(fields=["contract", "position"], name="milestone_position_unique")]

    def __str__(self):
        return f"{self.position}. {self.title}"
