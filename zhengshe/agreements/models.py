"""协助管理协议书: yearly agreements between a town and each committee (and "2+1" committee ↔ council),
with their items, negotiation history, signatures, amendments, progress reports and funds ledger.

Party B's region (the committee's village/community) is what scopes every row: the town sees its
committees' agreements, the committee its own, the district its subtree.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhengshe.core.models import BaseModel, VersionedModel
from zhengshe.core.rollups import RollupQuerySet
from zhengshe.core.scoping import ScopedQuerySet

from . import rollups as agreement_rollups
from .choices import (
    AgreementKind,
    AgreementStatus,
    AmendmentItemKind,
    AmendmentStatus,
    JobStatus,
    LedgerKind,
    ProgressStatus,
    ProposalStatus,
    Side,
)

MONEY = {"max_digits": 14, "decimal_places": 2}
USER = settings.AUTH_USER_MODEL


class ResidentsCouncil(BaseModel):
    """A residents' self-governance council (居民自治理事会) of one committee, party B of a "2+1" agreement."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="councils",
                               verbose_name=_("所属村（社区）"))
    name = models.CharField(_("理事会名称"), max_length=100)
    chair = models.CharField(_("理事长"), max_length=50, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    scope_region_field = "region"
    scope_target_fields = {"council": "pk"}

    class Meta:
        verbose_name = _("居民自治理事会")
        verbose_name_plural = _("居民自治理事会")
        ordering = ["region__path", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="council_name_unique")]

    def __str__(self):
        return self.name


class ClauseFields(models.Model):
    """The general clauses every agreement carries (履约评估, 违约责任 both sides, 争议解决)."""

    clause_purpose = models.TextField(_("总则"), blank=True)
    clause_evaluation = models.TextField(_("履约评估"), blank=True)
    clause_breach_a = models.TextField(_("甲方违约责任"), blank=True)
    clause_breach_b = models.TextField(_("乙方违约责任"), blank=True)
    clause_dispute = models.TextField(_("争议解决"), blank=True)
    clause_other = models.TextField(_("其他约定"), blank=True)

    CLAUSES = ["clause_purpose", "clause_evaluation", "clause_breach_a", "clause_breach_b", "clause_dispute",
               "clause_other"]

    class Meta:
        abstract = True


class AgreementTemplate(ClauseFields, VersionedModel):
    """A town's (or, for "2+1", a committee's) template for one year: general clauses and the items chosen."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="agreement_templates",
                               verbose_name=_("甲方区划"), help_text=_("镇（街道）；“2+1”协议为村（居）委会"))
    kind = models.CharField(_("协议类别"), max_length=16, choices=AgreementKind.choices,
                            default=AgreementKind.STANDARD)
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("协议标题"), max_length=200)
    party_a_name = models.CharField(_("甲方名称"), max_length=100)
    party_a_department = models.CharField(_("甲方部门"), max_length=100, blank=True,
                                          help_text=_("由镇（街道）某部门作为甲方时填写"))
    number_prefix = models.CharField(_("协议编号前缀"), max_length=40, blank=True,
                                     help_text=_("如“双凤协”，编号形如 双凤协〔2026〕3号"))
    term_start = models.DateField(_("履行期限自"))
    term_end = models.DateField(_("履行期限至"))
    b_signs_first = models.BooleanField(_("乙方须先签署"), default=True)
    duty_list = models.ForeignKey("catalog.DutyList", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("事项来源清单"))
    instalment_plan = models.JSONField(
        _("拨付计划"), default=list, blank=True,
        help_text=_('每期：{"label": "第一期", "percent": "50", "due": "2026-07-31"}，比例合计 100'))
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("创建人"))

    scope_region_field = "region"

    class Meta:
        verbose_name = _("协议模板")
        verbose_name_plural = _("协议模板")
        ordering = ["-year", "region__path"]

    def __str__(self):
        return f"{self.title}（{self.year}）"

    def get_absolute_url(self):
        return reverse("agreements:template_detail", args=[self.pk])


class ItemTerms(models.Model):
    """What one item of an agreement says: requirements, conditions A provides, money, indicator, weight."""

    requirements = models.TextField(_("工作要求"), blank=True, help_text=_("乙方做什么、做多少、何时完成"))
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    conditions_money = models.TextField(_("经费保障"), blank=True)
    conditions_staff = models.TextField(_("人员支持"), blank=True)
    conditions_training = models.TextField(_("业务培训"), blank=True)
    conditions_equipment = models.TextField(_("设施设备"), blank=True)
    conditions_information = models.TextField(_("信息数据"), blank=True)
    payment_schedule = models.CharField(_("拨付安排"), max_length=200, blank=True)
    indicator = models.CharField(_("评估指标"), max_length=300, blank=True)
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=2, default=Decimal("0"))

    TERMS = ["requirements", "deadline", "conditions_money", "conditions_staff", "conditions_training",
             "conditions_equipment", "conditions_information", "payment_schedule", "indicator", "weight"]
    CONDITIONS = ["conditions_money", "conditions_staff", "conditions_training", "conditions_equipment",
                  "conditions_information"]

    class Meta:
        abstract = True

    def conditions_text(self) -> str:
        labels = {"conditions_money": "经费", "conditions_staff": "人员", "conditions_training": "培训",
                  "conditions_equipment": "设备", "conditions_information": "信息"}
        return "；".join(f"{labels[f]}：{getattr(self, f)}" for f in self.CONDITIONS if getattr(self, f))


class TemplateItem(ItemTerms, BaseModel):
    """One list item chosen for a template, with its default terms."""

    template = models.ForeignKey(AgreementTemplate, on_delete=models.CASCADE, related_name="items",
                                 verbose_name=_("模板"))
    list_item = models.ForeignKey("catalog.ListItem", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("清单事项"))
    position = models.PositiveIntegerField(_("排序"), default=0)

    scope_region_field = "template__region"

    class Meta:
        verbose_name = _("模板事项")
        verbose_name_plural = _("模板事项")
        ordering = ["template", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["template", "list_item"], name="template_item_unique")]

    def __str__(self):
        return str(self.list_item)


class AgreementQuerySet(RollupQuerySet, ScopedQuerySet):
    """Agreements' bulk writes move the agreements' rollup rows (``agreements.rollups``) in their transaction."""


class Agreement(ClauseFields, VersionedModel):
    """One yearly agreement between party A (a town, or a committee for "2+1") and party B (a committee or council).

    Editable while draft or under negotiation (optimistic locking on ``version``); frozen once anybody signed;
    later changes are ``Amendment`` rows with their own signing.
    """

    kind = models.CharField(_("协议类别"), max_length=16, choices=AgreementKind.choices,
                            default=AgreementKind.STANDARD)
    template = models.ForeignKey(AgreementTemplate, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="agreements", verbose_name=_("模板"))
    number = models.CharField(_("协议编号"), max_length=60, blank=True)
    title = models.CharField(_("协议标题"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    term_start = models.DateField(_("履行期限自"))
    term_end = models.DateField(_("履行期限至"))
    party_a = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="agreements_as_a",
                                verbose_name=_("甲方区划"))
    party_a_name = models.CharField(_("甲方"), max_length=100)
    party_a_department = models.CharField(_("甲方部门"), max_length=100, blank=True)
    party_b = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="agreements_as_b",
                                verbose_name=_("乙方村（社区）"))
    council = models.ForeignKey(ResidentsCouncil, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="agreements", verbose_name=_("乙方居民自治理事会"))
    party_b_name = models.CharField(_("乙方"), max_length=100)
    status = models.CharField(_("状态"), max_length=16, choices=AgreementStatus.choices,
                              default=AgreementStatus.DRAFT, db_index=True)
    b_signs_first = models.BooleanField(_("乙方须先签署"), default=True)
    households_basis = models.PositiveIntegerField(_("测算户数"), null=True, blank=True)
    population_basis = models.PositiveIntegerField(_("测算人口"), null=True, blank=True)
    total_funding = models.DecimalField(_("经费合计（元）"), default=Decimal("0"), **MONEY)
    revision = models.PositiveIntegerField(_("修订版次"), default=1)
    confirmed_a_revision = models.PositiveIntegerField(_("甲方确认的版次"), default=0)
    confirmed_b_revision = models.PositiveIntegerField(_("乙方确认的版次"), default=0)
    # Signatures: who signed for each side, as whom, when, with which seal.
    a_signed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("甲方签署操作人"))
    a_signer_name = models.CharField(_("甲方代表"), max_length=50, blank=True)
    a_signed_at = models.DateTimeField(_("甲方签署时间"), null=True, blank=True)
    a_seal_number = models.CharField(_("甲方印章编号"), max_length=60, blank=True)
    a_seal_image = models.FileField(_("甲方印章图片"), upload_to="agreements/seals/", blank=True)
    b_signed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("乙方签署操作人"))
    b_signer_name = models.CharField(_("乙方代表"), max_length=50, blank=True)
    b_signed_at = models.DateTimeField(_("乙方签署时间"), null=True, blank=True)
    b_seal_number = models.CharField(_("乙方印章编号"), max_length=60, blank=True)
    b_seal_image = models.FileField(_("乙方印章图片"), upload_to="agreements/seals/", blank=True)
    signed_offline = models.BooleanField(_("纸质签署后补录"), default=False)
    offline_scan = models.FileField(_("纸质协议扫描件"), upload_to="agreements/scans/", blank=True)
    terminated_reason = models.TextField(_("终止原因"), blank=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("起草人"))
    # Sums of the ledger kept beside the agreement (rewritten from the ledger by every service that adds a line),
    # so rollups over a province read 20 000 agreements instead of every ledger line. The ledger stays the truth.
    funds_allocated = models.DecimalField(_("核定经费（元）"), default=Decimal("0"), **MONEY)
    funds_paid = models.DecimalField(_("已拨付（元）"), default=Decimal("0"), **MONEY)
    funds_withheld = models.DecimalField(_("扣减（元）"), default=Decimal("0"), **MONEY)
    funds_awarded = models.DecimalField(_("奖励（元）"), default=Decimal("0"), **MONEY)

    scope_region_field = "party_b"
    objects = AgreementQuerySet.as_manager()
    rollup_fields = ("party_b", "party_b_id", "year", "status", "kind", "total_funding", "funds_allocated",
                     "funds_paid", "funds_withheld", "funds_awarded")
    rollup_of = staticmethod(agreement_rollups.of)
    rollup_of_rows = staticmethod(agreement_rollups.rows_contribution)
    scope_target_fields = {"council": "council"}

    class Meta:
        verbose_name = _("协助管理协议")
        verbose_name_plural = _("协助管理协议")
        ordering = ["-year", "party_b__path"]
        constraints = [
            models.UniqueConstraint(fields=["party_a", "party_b", "year", "kind"], condition=Q(council__isnull=True),
                                    name="agreement_parties_year_unique"),
            models.UniqueConstraint(fields=["council", "year"], condition=Q(council__isnull=False),
                                    name="agreement_council_year_unique"),
        ]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self):
        return f"{self.party_a_name} — {self.party_b_name}（{self.year}）"

    def get_absolute_url(self):
        return reverse("agreements:detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        from .choices import EDITABLE_STATUSES

        return self.status in EDITABLE_STATUSES

    @property
    def both_confirmed(self) -> bool:
        return self.confirmed_a_revision == self.revision and self.confirmed_b_revision == self.revision


class AgreementItem(ItemTerms, BaseModel):
    """One item of an agreement: the list item version it was signed on (and its stable identity) and its terms."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="items", verbose_name=_("协议"))
    list_item = models.ForeignKey("catalog.ListItem", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("清单事项（版本）"))
    identity = models.ForeignKey("catalog.ItemIdentity", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("事项标识"))
    position = models.PositiveIntegerField(_("排序"), default=0)
    number = models.CharField(_("编号"), max_length=20)
    category = models.CharField(_("类别"), max_length=100, blank=True)
    title = models.CharField(_("事项"), max_length=300)
    funding_basis = models.CharField(_("经费标准方式"), max_length=16, blank=True)
    funding_standard = models.DecimalField(_("经费标准（元）"), default=Decimal("0"), **MONEY)
    funding_quantity = models.PositiveIntegerField(_("测算基数"), default=0)
    funding_amount = models.DecimalField(_("经费（元）"), default=Decimal("0"), **MONEY)
    removed = models.BooleanField(_("协商中删除"), default=False)
    # Set only on items a supplementary agreement added (written when it came into force); the original
    # agreement's items have None and are never changed after signing (see ``effective.effective_items``).
    added_by = models.OneToOneField("AmendmentItem", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="created_item", verbose_name=_("由补充协议增加"))

    scope_region_field = "agreement__party_b"
    scope_target_fields = {"council": "agreement__council"}

    class Meta:
        verbose_name = _("协议事项")
        verbose_name_plural = _("协议事项")
        ordering = ["agreement", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["agreement", "identity"], name="agreement_item_identity_unique")]

    def __str__(self):
        return f"{self.number} {self.title}"


class AgreementRevision(BaseModel):
    """A snapshot of an agreement's clauses and items after each change (kept for comparison)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="revisions",
                                  verbose_name=_("协议"))
    number = models.PositiveIntegerField(_("版次"))
    snapshot = models.JSONField(_("内容快照"))
    note = models.CharField(_("修改说明"), max_length=300, blank=True)
    author = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("修改人"))

    scope_region_field = "agreement__party_b"
    scope_target_fields = {"council": "agreement__council"}

    class Meta:
        verbose_name = _("协议版次")
        verbose_name_plural = _("协议版次")
        ordering = ["agreement", "number"]
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="agreement_revision_unique")]

    def __str__(self):
        return f"{self.agreement} 第{self.number}版"


class NegotiationNote(BaseModel):
    """A comment in the negotiation thread, optionally a proposal to change one term of one item."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="notes", verbose_name=_("协议"))
    side = models.CharField(_("提出方"), max_length=1, choices=Side.choices)
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("提出人"))
    text = models.TextField(_("意见"))
    item = models.ForeignKey(AgreementItem, null=True, blank=True, on_delete=models.PROTECT, related_name="notes",
                             verbose_name=_("涉及事项"))
    field = models.CharField(_("建议修改的内容"), max_length=40, blank=True)
    proposed_value = models.TextField(_("建议改为"), blank=True)
    status = models.CharField(_("处理状态"), max_length=16, choices=ProposalStatus.choices, blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("答复人"))
    decided_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    response = models.TextField(_("答复"), blank=True)
    revision = models.PositiveIntegerField(_("针对版次"), default=1)

    scope_region_field = "agreement__party_b"
    scope_target_fields = {"council": "agreement__council"}

    class Meta:
        verbose_name = _("协商意见")
        verbose_name_plural = _("协商意见")
        ordering = ["agreement", "created_at", "id"]

    def __str__(self):
        return self.text[:40]

    @property
    def is_proposal(self) -> bool:
        return bool(self.field)


class Amendment(ClauseFields, VersionedModel):
    """A supplementary agreement (补充协议) to a signed one, with its own signing; the original stays intact."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="amendments",
                                  verbose_name=_("原协议"))
    number = models.PositiveIntegerField(_("序号"))
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("补充条款"))
    funding_delta = models.DecimalField(_("经费调整（元）"), default=Decimal("0"), **MONEY,
                                        help_text=_("增加为正数，减少为负数"))
    status = models.CharField(_("状态"), max_length=16, choices=AmendmentStatus.choices,
                              default=AmendmentStatus.DRAFT)
    a_signed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    a_signer_name = models.CharField(_("甲方代表"), max_length=50, blank=True)
    a_signed_at = models.DateTimeField(_("甲方签署时间"), null=True, blank=True)
    a_seal_number = models.CharField(_("甲方印章编号"), max_length=60, blank=True)
    b_signed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    b_signer_name = models.CharField(_("乙方代表"), max_length=50, blank=True)
    b_signed_at = models.DateTimeField(_("乙方签署时间"), null=True, blank=True)
    b_seal_number = models.CharField(_("乙方印章编号"), max_length=60, blank=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    scope_region_field = "agreement__party_b"
    scope_target_fields = {"council": "agreement__council"}

    class Meta:
        verbose_name = _("补充协议")
        verbose_name_plural = _("补充协议")
        ordering = ["agreement", "number"]
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="amendment_number_unique")]

    def __str__(self):
        return f"{self.agreement} 补充协议（{self.number}）"

    def get_absolute_url(self):
        return reverse("agreements:amendment_detail", args=[self.pk])


class AmendmentItem(ItemTerms, BaseModel):
    """One item-level change of a supplementary agreement: add a list item, end an item, or change its terms.

    Written while the amendment is a draft and frozen once anybody signed it. ``base`` keeps the terms in force
    when the line was drafted (the "old" side of old → new); signing refuses if they changed meanwhile.
    """

    amendment = models.ForeignKey(Amendment, on_delete=models.PROTECT, related_name="items",
                                  verbose_name=_("补充协议"))
    kind = models.CharField(_("变更类别"), max_length=8, choices=AmendmentItemKind.choices)
    item = models.ForeignKey(AgreementItem, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="amendment_changes", verbose_name=_("涉及的协议事项"))
    list_item = models.ForeignKey("catalog.ListItem", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("清单事项（版本）"))
    identity = models.ForeignKey("catalog.ItemIdentity", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("事项标识"))
    number = models.CharField(_("编号"), max_length=20)
    category = models.CharField(_("类别"), max_length=100, blank=True)
    title = models.CharField(_("事项"), max_length=300)
    funding_amount = models.DecimalField(_("经费（元）"), default=Decimal("0"), **MONEY,
                                         help_text=_("增加、变更：变更后的事项经费；终止：终止前已履行部分保留的经费"))
    ends_on = models.DateField(_("终止日期"), null=True, blank=True)
    reason = models.TextField(_("变更理由"))
    base = models.JSONField(_("变更前内容"), default=dict, blank=True)
    position = models.PositiveIntegerField(_("排序"), default=0)

    scope_region_field = "amendment__agreement__party_b"
    scope_target_fields = {"council": "amendment__agreement__council"}

    class Meta:
        verbose_name = _("补充协议事项变更")
        verbose_name_plural = _("补充协议事项变更")
        ordering = ["amendment", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["amendment", "item"], condition=Q(item__isnull=False),
                                    name="amendment_item_once"),
            models.UniqueConstraint(fields=["amendment", "identity"], condition=Q(identity__isnull=False),
                                    name="amendment_identity_once"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number} {self.title}"

    @property
    def funding_change(self) -> Decimal:
        """What this line adds to (positive) or takes from (negative) the money in force."""
        if self.kind == AmendmentItemKind.ADD:
            return self.funding_amount
        return self.funding_amount - Decimal(str(self.base.get("funding_amount", "0")))


class AmendmentInstalment(BaseModel):
    """One row of the payment plan a supplementary agreement sets: a new instalment (``instalment`` empty) or a new
    amount and date for an instalment not yet paid. Applied when the amendment comes into force; signing is refused
    unless the plan then adds up to the money in force."""

    amendment = models.ForeignKey(Amendment, on_delete=models.PROTECT, related_name="plan_rows",
                                  verbose_name=_("补充协议"))
    instalment = models.ForeignKey("Instalment", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("调整的原期次"))
    label = models.CharField(_("名称"), max_length=50)
    amount = models.DecimalField(_("计划金额（元）"), **MONEY)
    due_date = models.DateField(_("应拨付日期"))
    position = models.PositiveIntegerField(_("排序"), default=0)

    scope_region_field = "amendment__agreement__party_b"
    scope_target_fields = {"council": "amendment__agreement__council"}

    class Meta:
        verbose_name = _("补充协议拨付安排")
        verbose_name_plural = _("补充协议拨付安排")
        ordering = ["amendment", "position", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="amendment_instalment_amount_gte_0")]

    def __str__(self):
        return f"{self.amendment} {self.label}"


class ProgressReport(BaseModel):
    """Party B's report on one item during the year (the latest one counts; earlier ones are kept)."""

    item = models.ForeignKey(AgreementItem, on_delete=models.PROTECT, related_name="progress_reports",
                             verbose_name=_("协议事项"))
    status = models.CharField(_("完成情况"), max_length=16, choices=ProgressStatus.choices)
    note = models.TextField(_("说明"), blank=True)
    reported_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("报告人"))

    scope_region_field = "item__agreement__party_b"
    scope_target_fields = {"council": "item__agreement__council"}

    class Meta:
        verbose_name = _("事项进展")
        verbose_name_plural = _("事项进展")
        ordering = ["item", "-created_at", "-id"]

    def __str__(self):
        return f"{self.item} · {self.get_status_display()}"


class Instalment(BaseModel):
    """One planned payment of an agreement's money: amount, due date; paid when a ledger payment cites it."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="instalments",
                                  verbose_name=_("协议"))
    number = models.PositiveSmallIntegerField(_("期次"))
    label = models.CharField(_("名称"), max_length=50)
    amount = models.DecimalField(_("计划金额（元）"), **MONEY)
    due_date = models.DateField(_("应拨付日期"))
    paid_on = models.DateField(_("实际拨付日期"), null=True, blank=True)

    scope_region_field = "agreement__party_b"
    scope_target_fields = {"council": "agreement__council"}

    class Meta:
        verbose_name = _("拨付计划")
        verbose_name_plural = _("拨付计划")
        ordering = ["agreement", "number"]
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="instalment_number_unique")]

    def __str__(self):
        return f"{self.agreement} {self.label}"

    @property
    def is_late(self) -> bool:
        return bool(self.paid_on and self.paid_on > self.due_date)


class LedgerEntry(BaseModel):
    """One line of an agreement's funds ledger. Append-only: corrections are new lines, never edits.

    allocated (allocate) + awarded (award) − withheld (withhold) − paid (pay) = balance still owed to party B.
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="ledger", verbose_name=_("协议"))
    kind = models.CharField(_("类别"), max_length=16, choices=LedgerKind.choices)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    item = models.ForeignKey(AgreementItem, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger",
                             verbose_name=_("事项"))
    instalment = models.ForeignKey(Instalment, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="payments", verbose_name=_("期次"))
    amendment = models.ForeignKey(Amendment, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("补充协议"))
    entry_date = models.DateField(_("日期"))
    voucher_number = models.CharField(_("凭证号"), max_length=60, blank=True)
    reason = models.CharField(_("事由"), max_length=300, blank=True)
    source = models.CharField(_("来源"), max_length=40, blank=True)
    reference = models.CharField(_("关联"), max_length=100, blank=True)
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("经办人"))

    scope_region_field = "agreement__party_b"
    scope_target_fields = {"council": "agreement__council"}

    class Meta:
        verbose_name = _("经费台账")
        verbose_name_plural = _("经费台账")
        ordering = ["agreement", "entry_date", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_amount_positive")]
        indexes = [models.Index(fields=["kind", "entry_date"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


class JobBase(BaseModel):
    """A background job's progress row, polled by the page that started it."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划"))
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(_("状态"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(_("总数"), default=0)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    message = models.TextField(_("说明"), blank=True)
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("发起人"))
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    scope_region_field = "region"

    class Meta:
        abstract = True

    @property
    def percent(self) -> int:
        return 100 if self.status == JobStatus.DONE else int(self.done * 100 / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


class DraftingJob(JobBase):
    """Bulk drafting of a template's agreements for every committee (or council) of its region."""

    template = models.ForeignKey(AgreementTemplate, on_delete=models.PROTECT, related_name="jobs",
                                 verbose_name=_("模板"))
    created_count = models.PositiveIntegerField(_("新建"), default=0)
    skipped_count = models.PositiveIntegerField(_("已存在跳过"), default=0)

    class Meta:
        verbose_name = _("批量起草任务")
        verbose_name_plural = _("批量起草任务")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.template} 批量起草"


class ExportJob(JobBase):
    """A ZIP of a region's agreement PDFs built in the background (for large towns); removed after download."""

    file_path = models.CharField(_("文件"), max_length=300, blank=True)
    downloaded_at = models.DateTimeField(_("下载时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("批量下载任务")
        verbose_name_plural = _("批量下载任务")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.region} {self.year} 协议打包"
