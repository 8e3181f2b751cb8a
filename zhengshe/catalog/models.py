"""The two lists (两份清单) and the third "2+1" list, versioned per issuing region and year.

A ``DutyList`` is one version of one kind of list issued by a county/city; it applies to the whole
subtree of its region. Its ``ListItem`` rows belong to that version only; an ``ItemIdentity`` gives an
item a stable identity across versions, so agreements and evaluations that cite "item X" keep
following it when v2 rewrites its text. Publishing v2 supersedes v1 without touching v1's rows.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhengshe.core.models import BaseModel, VersionedModel

from .choices import (
    AdmissionStatus,
    AskKind,
    AskOutcome,
    BurdenKind,
    BurdenState,
    BurdenSubtype,
    FundingBasis,
    ListKind,
    ListStatus,
    TargetMode,
)

STAFF = frozenset({"district_admin", "town_staff", "leader", "sys_admin"})


class DutyList(BaseModel):
    """One version of a list (duties by law, assisted matters, or the residents' council list)."""

    kind = models.CharField(_("清单类别"), max_length=16, choices=ListKind.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="duty_lists",
                               verbose_name=_("发布区划"))
    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    title = models.CharField(_("标题"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=ListStatus.choices, default=ListStatus.DRAFT)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_versions",
                                 verbose_name=_("上一版本"))
    superseded_at = models.DateTimeField(_("被取代时间"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    scope_region_field = "region"
    scope_visible_from_below = True  # a county's list applies to (and is read by) every village under it

    class Meta:
        verbose_name = _("清单")
        verbose_name_plural = _("清单")
        ordering = ["region__path", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["region", "kind", "version"], name="duty_list_version_unique"),
        ]

    def __str__(self):
        return f"{self.title}（第 {self.version} 版）"

    def get_absolute_url(self):
        return reverse("catalog:list_detail", args=[self.pk])


class ItemIdentity(BaseModel):
    """The stable identity of a list item across versions (what agreements and indicators cite)."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("发布区划"))
    kind = models.CharField(_("清单类别"), max_length=16, choices=ListKind.choices)
    key = models.CharField(_("事项标识"), max_length=40,
                           help_text=_("跨版本不变的事项标识，默认取首次出现时的编号"))

    scope_region_field = "region"
    scope_visible_from_below = True

    class Meta:
        verbose_name = _("事项标识")
        verbose_name_plural = _("事项标识")
        constraints = [models.UniqueConstraint(fields=["region", "kind", "key"], name="item_identity_unique")]

    def __str__(self):
        return self.key


class ListItem(BaseModel):
    """One item of one list version: number, category, text, legal basis, department, money."""

    duty_list = models.ForeignKey(DutyList, on_delete=models.PROTECT, related_name="items", verbose_name=_("清单"))
    identity = models.ForeignKey(ItemIdentity, on_delete=models.PROTECT, related_name="versions",
                                 verbose_name=_("事项标识"))
    number = models.CharField(_("编号"), max_length=20)
    category = models.CharField(_("类别"), max_length=100)
    title = models.CharField(_("事项名称"), max_length=300)
    description = models.TextField(_("事项内容"), blank=True)
    legal_basis = models.TextField(_("法律依据"), blank=True)
    department = models.CharField(_("责任部门"), max_length=100, blank=True)
    funding_follows = models.BooleanField(_("费随事转"), default=False)
    funding_basis = models.CharField(_("经费标准方式"), max_length=16, choices=FundingBasis.choices,
                                     default=FundingBasis.NONE)
    funding_amount = models.DecimalField(_("经费标准（元）"), max_digits=12, decimal_places=2, default=0)
    position = models.PositiveIntegerField(_("排序"), default=0)

    scope_region_field = "duty_list__region"
    scope_visible_from_below = True

    class Meta:
        verbose_name = _("清单事项")
        verbose_name_plural = _("清单事项")
        ordering = ["duty_list", "position", "number"]
        constraints = [
            models.UniqueConstraint(fields=["duty_list", "number"], name="list_item_number_unique"),
            models.UniqueConstraint(fields=["duty_list", "identity"], name="list_item_identity_unique"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


class Department(BaseModel):
    """A department of an issuing region (市民政局、双凤镇社会事业局…): who answers for list items and asks."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="departments",
                               verbose_name=_("所属区划"))
    name = models.CharField(_("部门名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    active = models.BooleanField(_("有效"), default=True)

    scope_region_field = "region"
    scope_visible_from_below = True

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["region__path", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="department_name_unique")]

    def __str__(self):
        return self.name


class AdmissionRequest(VersionedModel):
    """A department's request to push a task, ledger, signboard, rating or certificate into communities.

    Reviewed by the leading group (领导小组) of ``issuing_region`` (the county); once approved it enters the
    register with its approved scope (a subtree or a list of communities) and validity. 凡进必审.
    """

    issuing_region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("审核区划（领导小组）"))
    applicant_region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                                         verbose_name=_("申请单位区划"))
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("申请人"))
    department = models.CharField(_("申请部门"), max_length=100)
    kind = models.CharField(_("事项类型"), max_length=16, choices=AskKind.choices)
    subtype = models.CharField(_("台账/挂牌类别"), max_length=16, choices=BurdenSubtype.choices, blank=True)
    title = models.CharField(_("事项名称"), max_length=200)
    content = models.TextField(_("具体内容和要求"))
    legal_basis = models.TextField(_("法律法规或政策依据"))
    workload = models.CharField(_("工作量说明"), max_length=300, blank=True)
    workload_hours = models.DecimalField(_("预计工作量（小时/村·年）"), max_digits=8, decimal_places=1, default=0)
    funding_follows = models.BooleanField(_("费随事转"), default=False)
    funding_amount = models.DecimalField(_("随转经费（元/村·年）"), max_digits=12, decimal_places=2, default=0)
    target_mode = models.CharField(_("申请范围方式"), max_length=16, choices=TargetMode.choices,
                                   default=TargetMode.SUBTREE)
    target_root = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("申请范围（区划）"))
    target_regions = models.ManyToManyField("regions.Region", blank=True, related_name="+",
                                            verbose_name=_("申请范围（村、社区）"))
    requested_from = models.DateField(_("申请起始日期"))
    requested_until = models.DateField(_("申请截止日期"))
    status = models.CharField(_("状态"), max_length=16, choices=AdmissionStatus.choices,
                              default=AdmissionStatus.DRAFT)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    approved_mode = models.CharField(_("准入范围方式"), max_length=16, choices=TargetMode.choices, blank=True)
    approved_root = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("准入范围（区划）"))
    approved_regions = models.ManyToManyField("regions.Region", blank=True, related_name="admitted_requests",
                                              verbose_name=_("准入范围（村、社区）"))
    valid_from = models.DateField(_("有效期起"), null=True, blank=True)
    valid_until = models.DateField(_("有效期止"), null=True, blank=True)
    register_number = models.CharField(_("准入登记号"), max_length=60, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("审核人"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_comment = models.TextField(_("审核意见"), blank=True)

    scope_region_field = "applicant_region"
    scope_roles = {"view": STAFF, "change": {"district_admin", "town_staff"}, "export": STAFF}

    class Meta:
        verbose_name = _("准入申请")
        verbose_name_plural = _("准入申请")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "valid_from", "valid_until"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("catalog:admission_detail", args=[self.pk])


class UnlistedAsk(BaseModel):
    """Something a department asked of a community that is on neither list nor the admitted register.

    The community records it; refusing it produces a 拒绝执行告知书 and counts against ``department``.
    """

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="unlisted_asks",
                               verbose_name=_("村（社区）"))
    received_on = models.DateField(_("收到日期"))
    department = models.CharField(_("要求部门"), max_length=100)
    asker = models.CharField(_("经办人"), max_length=50, blank=True)
    channel = models.CharField(_("方式"), max_length=40, blank=True, help_text=_("如：电话、发文、工作群、现场"))
    kind = models.CharField(_("事项类型"), max_length=16, choices=AskKind.choices)
    title = models.CharField(_("要求事项"), max_length=200)
    content = models.TextField(_("具体要求"), blank=True)
    admission = models.ForeignKey(AdmissionRequest, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="asks", verbose_name=_("对方所称的准入申请"))
    outcome = models.CharField(_("处理结果"), max_length=16, choices=AskOutcome.choices, default=AskOutcome.PENDING)
    outcome_note = models.TextField(_("处理说明"), blank=True)
    rule_cited = models.TextField(_("所依据的规定"), blank=True)
    notice_number = models.CharField(_("告知书编号"), max_length=60, blank=True)
    refused_on = models.DateField(_("拒绝日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("记录人"))

    scope_region_field = "region"
    scope_roles = {"view": STAFF | {"village_staff"}, "change": {"village_staff", "district_admin"},
                   "export": STAFF | {"village_staff"}}

    class Meta:
        verbose_name = _("清单外事项")
        verbose_name_plural = _("清单外事项")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["outcome", "refused_on"]), models.Index(fields=["received_on"])]
        constraints = [
            # A refusal notice's number names one notice: numbers carry the village's code (two villages may both be
            # called 新湖村); numbers issued before that stay unique within their village.
            models.UniqueConstraint(fields=["region", "notice_number"], condition=~models.Q(notice_number=""),
                                    name="ask_notice_number_unique"),
        ]

    def __str__(self):
        return f"{self.department}：{self.title}"

    def get_absolute_url(self):
        return reverse("catalog:ask_detail", args=[self.pk])


class BurdenItem(BaseModel):
    """One ledger, signboard or rating kept (or once kept) by a community: baseline and current state.

    ``in_baseline`` marks what the community kept before the reform; ``started_on`` when a later one began
    (e.g. admitted through the gate); ``state``/``state_changed_on`` what became of it. Rollups over time read
    these dates, so the registry is never rewritten, only moved forward.
    """

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="burden_items",
                               verbose_name=_("村（社区）"))
    kind = models.CharField(_("类型"), max_length=16, choices=BurdenKind.choices)
    subtype = models.CharField(_("类别"), max_length=16, choices=BurdenSubtype.choices)
    name = models.CharField(_("名称"), max_length=200)
    department = models.CharField(_("要求部门"), max_length=100, blank=True)
    in_baseline = models.BooleanField(_("改革前已有（基线）"), default=True)
    started_on = models.DateField(_("开始日期"), null=True, blank=True)
    state = models.CharField(_("现状"), max_length=16, choices=BurdenState.choices, default=BurdenState.KEPT)
    state_changed_on = models.DateField(_("变更日期"), null=True, blank=True)
    admission = models.ForeignKey(AdmissionRequest, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="burden_items", verbose_name=_("准入依据"))
    note = models.CharField(_("备注"), max_length=300, blank=True)

    scope_region_field = "region"
    scope_roles = {"view": STAFF | {"village_staff"}, "change": {"village_staff", "town_staff", "district_admin"},
                   "export": STAFF | {"village_staff"}}

    class Meta:
        verbose_name = _("台账挂牌评比")
        verbose_name_plural = _("台账挂牌评比")
        ordering = ["region__path", "kind", "subtype", "name"]
        indexes = [models.Index(fields=["kind", "subtype", "state"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:burden_list") + f"?region={self.region.code}"
