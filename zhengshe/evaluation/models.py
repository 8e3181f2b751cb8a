"""双向评估: indicator systems, rounds, score sheets, resident surveys, results, objections, consequences.

The shape of a year's evaluation:

- an ``IndicatorTemplate`` per direction (government → committee, committee → government/department,
  residents → committee/government), versioned like the two lists (draft → published → superseded),
  with ``Indicator`` rows in groups whose weights sum to 100 and a scoring rule each;
- a ``Round`` opened by a district or town for a year fixes the templates, the ``Unit`` rows evaluated
  (committees of its subtree, each town government and its departments), the ``Panelist`` scorers,
  the schedule and the grade bands;
- ``ScoreSheet``/``Score`` rows hold self-assessments and scores given (with ``Evidence``); a scorer
  who filed a ``ConflictDeclaration`` for a unit cannot score it;
- each committee gets a public ``Survey`` (QR code, short link); ``SurveyResponse`` keeps only keyed
  hashes of the device, phone number and address — never the values; ``survey_models`` holds its safeguards
  (refused attempts counted by reason, phone verification codes, the SMS queue);
- ``UnitResult``/``IndicatorResult`` hold the aggregated numbers with the rule that produced each;
  ``Objection`` and ``Consequence`` carry publication, review and money.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhengshe.accounts.roles import Role
from zhengshe.core.models import BaseModel
from zhengshe.core.scoping import ScopedQuerySet

from .choices import (
    DEFAULT_GRADE_BANDS,
    ConsequenceKind,
    ConsequenceStatus,
    Direction,
    Mapping,
    MissingRule,
    ObjectionStatus,
    PanelKind,
    ResultRating,
    RoundStatus,
    Rule,
    Satisfaction,
    SheetKind,
    SheetStatus,
    ShortSampleRule,
    TemplateStatus,
    UnitKind,
)

MANAGERS = {Role.DISTRICT_ADMIN, Role.TOWN_STAFF}
READERS = {Role.DISTRICT_ADMIN, Role.TOWN_STAFF, Role.VILLAGE_STAFF, Role.EXPERT, Role.LEADER}


def default_bands():
    return [dict(b) for b in DEFAULT_GRADE_BANDS]


class IndicatorTemplate(BaseModel):
    """One version of an indicator system for one direction, issued by a district or town."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("发布区划"))
    direction = models.CharField(_("评估方向"), max_length=24, choices=Direction.choices)
    title = models.CharField(_("名称"), max_length=200)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    status = models.CharField(_("状态"), max_length=16, choices=TemplateStatus.choices, default=TemplateStatus.DRAFT)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_versions",
                                 verbose_name=_("上一版本"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    notes = models.TextField(_("说明"), blank=True)

    scope_region_field = "region"
    scope_visible_from_below = True
    scope_roles = {"manage": MANAGERS, "view": READERS}

    class Meta:
        verbose_name = _("指标体系")
        verbose_name_plural = _("指标体系")
        ordering = ["region__path", "direction", "-version"]
        constraints = [models.UniqueConstraint(fields=["region", "direction", "version"],
                                               name="eval_template_version_unique")]

    def __str__(self):
        return f"{self.title}（第 {self.version} 版）"

    def get_absolute_url(self):
        return reverse("evaluation:template_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status == TemplateStatus.DRAFT


class Indicator(BaseModel):
    """One indicator: group, weight (points out of 100) and the rule turning input into 0 … weight points."""

    template = models.ForeignKey(IndicatorTemplate, on_delete=models.PROTECT, related_name="indicators",
                                 verbose_name=_("指标体系"))
    code = models.CharField(_("编号"), max_length=20)
    group = models.CharField(_("一级指标（分组）"), max_length=100)
    name = models.CharField(_("指标名称"), max_length=200)
    description = models.TextField(_("评分标准说明"), blank=True)
    weight = models.DecimalField(_("权重（分值）"), max_digits=6, decimal_places=2)
    rule = models.CharField(_("评分方式"), max_length=16, choices=Rule.choices, default=Rule.SCALE)
    max_points = models.DecimalField(_("打分满分"), max_digits=8, decimal_places=2, default=Decimal("10"),
                                     help_text=_("打分方式下评分人给出 0 至此分值，按比例折算为权重分"))
    checklist = models.JSONField(_("核查项"), default=list, blank=True)
    deduction = models.DecimalField(_("每次扣分"), max_digits=6, decimal_places=2, default=Decimal("0"))
    source_key = models.CharField(_("数据来源"), max_length=80, blank=True)
    mapping = models.CharField(_("换算方式"), max_length=20, choices=Mapping.choices, blank=True)
    position = models.PositiveIntegerField(_("排序"), default=0)

    scope_region_field = "template__region"
    scope_visible_from_below = True

    class Meta:
        verbose_name = _("评估指标")
        verbose_name_plural = _("评估指标")
        ordering = ["template", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="eval_indicator_code_unique")]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        errors = {}
        if self.weight is not None and not (Decimal("0") < self.weight <= Decimal("100")):
            errors["weight"] = _("权重须大于 0 且不超过 100。")
        if self.rule == Rule.SCALE and (self.max_points is None or self.max_points <= 0):
            errors["max_points"] = _("打分方式须设置大于 0 的满分。")
        if self.rule == Rule.CHECKLIST and not [c for c in (self.checklist or []) if str(c).strip()]:
            errors["checklist"] = _("逐项核查方式须至少列出一个核查项。")
        if self.rule == Rule.DEDUCTION and (self.deduction is None or self.deduction <= 0):
            errors["deduction"] = _("按次扣分方式须设置大于 0 的每次扣分。")
        if self.rule == Rule.COMPUTED:
            from zhengshe.core.indicators import get_source

            if not self.source_key:
                errors["source_key"] = _("自动计算方式须选择数据来源。")
            elif get_source(self.source_key) is None:
                errors["source_key"] = _("未登记的数据来源：%s") % self.source_key
            if not self.mapping:
                errors["mapping"] = _("自动计算方式须选择换算方式。")
            if self.mapping == Mapping.DEDUCT_PER_COUNT and (self.deduction is None or self.deduction <= 0):
                errors["deduction"] = _("按次扣分换算须设置大于 0 的每次扣分。")
        if errors:
            raise ValidationError(errors)

    def rule_text(self) -> str:
        """The rule in words, shown beside every number it produces."""
        w = f"{self.weight.normalize():f}"
        if self.rule == Rule.SCALE:
            return _("打分 0–%(m)s，得分 = 分值 ÷ %(m)s × %(w)s") % {"m": f"{self.max_points.normalize():f}", "w": w}
        if self.rule == Rule.CHECKLIST:
            return _("逐项核查 %(n)d 项，得分 = 达标项数 ÷ %(n)d × %(w)s") % {"n": len(self.checklist), "w": w}
        if self.rule == Rule.DEDUCTION:
            return _("每发生一次扣 %(d)s 分，%(w)s 分扣完为止") % {"d": f"{self.deduction.normalize():f}", "w": w}
        if self.rule == Rule.SURVEY:
            return _("居民满意度：非常满意 100%%、满意 80%%、基本满意 60%%、不满意 30%%、非常不满意 0%%，平均后 × %(w)s") % {
                "w": w}
        from zhengshe.core.indicators import get_source

        source = get_source(self.source_key)
        label = source.label if source else self.source_key
        if self.mapping == Mapping.DEDUCT_PER_COUNT:
            return _("“%(s)s”每 1 次扣 %(d)s 分，%(w)s 分扣完为止") % {
                "s": label, "d": f"{self.deduction.normalize():f}", "w": w}
        if self.mapping == Mapping.INVERSE_RATIO:
            return _("（1 − “%(s)s”）× %(w)s") % {"s": label, "w": w}
        if self.mapping == Mapping.SCORE:
            return _("“%(s)s”（百分制）× %(w)s ÷ 100") % {"s": label, "w": w}
        return _("“%(s)s”（0–1）× %(w)s") % {"s": label, "w": w}


class Round(BaseModel):
    """A year's evaluation opened by a district or town: templates, units, scorers, schedule, bands."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("组织区划"))
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    template_committee = models.ForeignKey(IndicatorTemplate, on_delete=models.PROTECT, related_name="+",
                                           verbose_name=_("政府评村（居）委会指标"))
    template_government = models.ForeignKey(IndicatorTemplate, on_delete=models.PROTECT, related_name="+",
                                            null=True, blank=True, verbose_name=_("村（居）委会评政府指标"))
    template_department = models.ForeignKey(IndicatorTemplate, on_delete=models.PROTECT, related_name="+",
                                            null=True, blank=True, verbose_name=_("村（居）委会评部门指标"))
    template_residents_committee = models.ForeignKey(IndicatorTemplate, on_delete=models.PROTECT, related_name="+",
                                                     null=True, blank=True, verbose_name=_("居民评村（居）委会指标"))
    template_residents_government = models.ForeignKey(IndicatorTemplate, on_delete=models.PROTECT,
                                                      related_name="+", null=True, blank=True,
                                                      verbose_name=_("居民评政府指标"))
    departments = models.JSONField(_("参评部门"), default=list, blank=True,
                                   help_text=_("每个镇（街道）参评的部门名称；另外自动加入在该镇登记了部门的工作人员所属部门"))
    self_start = models.DateField(_("自评开始"), null=True, blank=True)
    self_end = models.DateField(_("自评截止"), null=True, blank=True)
    scoring_end = models.DateField(_("评分截止"), null=True, blank=True)
    survey_start = models.DateField(_("调查开始"), null=True, blank=True)
    survey_end = models.DateField(_("调查截止"), null=True, blank=True)
    publicity_days = models.PositiveSmallIntegerField(_("公示天数"), default=7)
    publicity_start = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_end = models.DateField(_("公示截止"), null=True, blank=True)
    grade_bands = models.JSONField(_("等次划分"), default=default_bands)
    min_sample = models.PositiveIntegerField(_("最低有效样本"), default=30,
                                             help_text=_("居民满意度答卷少于此数的单位标为“样本不足”，不参与排名"))
    short_sample_rule = models.CharField(_("样本不足时的处理"), max_length=16, choices=ShortSampleRule.choices,
                                         default=ShortSampleRule.PROVISIONAL,
                                         help_text=_("同一规则适用于本轮每个样本不足的单位，并印在其总分旁"))
    residents_weight = models.DecimalField(_("居民满意度占总分比例（%）"), max_digits=5, decimal_places=2,
                                           default=Decimal("20"))
    min_coverage = models.DecimalField(
        _("最低评分覆盖（%）"), max_digits=5, decimal_places=2, default=Decimal("60"),
        help_text=_("已评指标的权重合计低于此比例的单位标为“评分不全”：不计总分、不定等次、不排名、不提出结果运用建议"))
    missing_rule = models.CharField(_("缺项处理"), max_length=16, choices=MissingRule.choices,
                                    default=MissingRule.RENORMALISE)
    require_phone = models.BooleanField(_("问卷须填写手机号（只保存加密摘要）"), default=False)
    separate_duties = models.BooleanField(
        _("职责分离"), default=True,
        help_text=_("结束评分、发布公示、确定最终结果须至少由两名不同人员办理；关闭须记录理由"))
    separation_waiver = models.TextField(_("不实行职责分离的理由"), blank=True)
    results_computed_at = models.DateTimeField(_("结果计算时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("创建人"))

    scope_region_field = "region"
    scope_visible_from_below = True
    scope_roles = {"manage": MANAGERS, "view": READERS}

    class Meta:
        verbose_name = _("评估轮次")
        verbose_name_plural = _("评估轮次")
        ordering = ["-year", "region__path"]
        constraints = [models.UniqueConstraint(fields=["region", "year", "title"], name="eval_round_unique")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("evaluation:round_detail", args=[self.pk])

    def template_for(self, direction):
        return {
            Direction.GOV_TO_COMMITTEE: self.template_committee,
            Direction.COMMITTEE_TO_GOV: self.template_government,
            Direction.COMMITTEE_TO_DEPT: self.template_department,
            Direction.RESIDENTS_TO_COMMITTEE: self.template_residents_committee,
            Direction.RESIDENTS_TO_GOV: self.template_residents_government,
        }[direction]

    def clean(self):
        checks = [("template_committee", Direction.GOV_TO_COMMITTEE), ("template_government", Direction.COMMITTEE_TO_GOV),
                  ("template_department", Direction.COMMITTEE_TO_DEPT),
                  ("template_residents_committee", Direction.RESIDENTS_TO_COMMITTEE),
                  ("template_residents_government", Direction.RESIDENTS_TO_GOV)]
        errors = {}
        for field, direction in checks:
            template = getattr(self, field, None) if getattr(self, f"{field}_id") else None
            if template is None:
                continue
            if template.direction != direction:
                errors[field] = _("所选指标体系的评估方向不符。")
            elif template.status != TemplateStatus.PUBLISHED:
                errors[field] = _("只能选用已发布的指标体系。")
        from .scoring import validate_bands

        try:
            validate_bands(self.grade_bands)
        except ValidationError as exc:
            errors["grade_bands"] = exc.messages
        if self.residents_weight is not None and not (0 <= self.residents_weight <= 100):
            errors["residents_weight"] = _("比例须在 0–100 之间。")
        if self.min_coverage is not None and not (0 <= self.min_coverage <= 100):
            errors["min_coverage"] = _("比例须在 0–100 之间。")
        if errors:
            raise ValidationError(errors)


class Unit(BaseModel):
    """One party evaluated in a round: a committee, a town government or one of its departments."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="units", verbose_name=_("评估轮次"))
    kind = models.CharField(_("类别"), max_length=16, choices=UnitKind.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划"))
    department = models.CharField(_("部门"), max_length=100, blank=True)
    name = models.CharField(_("名称"), max_length=200)

    scope_region_field = "region"
    scope_roles = {"view": READERS}

    class Meta:
        verbose_name = _("参评单位")
        verbose_name_plural = _("参评单位")
        ordering = ["round", "kind", "region__path", "department"]
        constraints = [models.UniqueConstraint(fields=["round", "kind", "region", "department"],
                                               name="eval_unit_unique")]
        indexes = [models.Index(fields=["round", "kind"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("evaluation:unit_detail", args=[self.pk])

    @property
    def direction(self):
        return {UnitKind.COMMITTEE: Direction.GOV_TO_COMMITTEE, UnitKind.GOVERNMENT: Direction.COMMITTEE_TO_GOV,
                UnitKind.DEPARTMENT: Direction.COMMITTEE_TO_DEPT}[self.kind]

    @property
    def residents_direction(self):
        return {UnitKind.COMMITTEE: Direction.RESIDENTS_TO_COMMITTEE,
                UnitKind.GOVERNMENT: Direction.RESIDENTS_TO_GOV}.get(self.kind)


class Panelist(BaseModel):
    """A member of the evaluation panel or a third-party agency's evaluator in a round."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="panelists", verbose_name=_("评估轮次"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("评分人"))
    kind = models.CharField(_("身份"), max_length=16, choices=PanelKind.choices, default=PanelKind.PANEL)
    agency = models.CharField(_("所属机构"), max_length=200, blank=True)

    scope_region_field = "round__region"
    scope_visible_from_below = True

    class Meta:
        verbose_name = _("评分人")
        verbose_name_plural = _("评分人")
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="eval_panelist_unique")]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()}"


class ConflictDeclaration(BaseModel):
    """A scorer declares a conflict of interest with a unit; the service then refuses their scores for it."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="conflicts", verbose_name=_("评估轮次"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="conflicts", verbose_name=_("参评单位"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("声明人"))
    reason = models.TextField(_("利益关系说明"))

    scope_region_field = "unit__region"

    class Meta:
        verbose_name = _("利益冲突声明")
        verbose_name_plural = _("利益冲突声明")
        constraints = [models.UniqueConstraint(fields=["unit", "user"], name="eval_conflict_unique")]

    def __str__(self):
        return f"{self.user} ⟂ {self.unit}"


class ScoreSheet(BaseModel):
    """One scorer's sheet for one unit: a self-assessment, a panel/third-party sheet, or a committee's grading."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="sheets", verbose_name=_("评估轮次"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="sheets", verbose_name=_("参评单位"))
    kind = models.CharField(_("类别"), max_length=16, choices=SheetKind.choices)
    scorer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("填写人"))
    on_behalf = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("代表单位"), help_text=_("自评和村（居）委会评分时为该村（居）"))
    status = models.CharField(_("状态"), max_length=16, choices=SheetStatus.choices, default=SheetStatus.DRAFT)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    comment = models.TextField(_("总体意见"), blank=True)

    scope_region_field = "unit__region"

    class Meta:
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")
        ordering = ["unit", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit"], condition=Q(kind="self"), name="eval_sheet_one_self"),
            models.UniqueConstraint(fields=["unit", "on_behalf"], condition=Q(kind="committee"),
                                    name="eval_sheet_one_per_committee"),
            models.UniqueConstraint(fields=["unit", "scorer"], condition=Q(kind__in=["panel", "third_party"]),
                                    name="eval_sheet_one_per_panelist"),
        ]
        indexes = [models.Index(fields=["round", "status", "kind"])]

    def __str__(self):
        return f"{self.unit} · {self.get_kind_display()} · {self.on_behalf or self.scorer}"

    def get_absolute_url(self):
        return reverse("evaluation:sheet_detail", args=[self.pk])


class Score(BaseModel):
    """One indicator on one sheet: the raw input and the points it yields (kept for aggregation in SQL)."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.PROTECT, related_name="scores", verbose_name=_("评分表"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("指标"))
    value = models.DecimalField(_("分值/次数"), max_digits=8, decimal_places=2, null=True, blank=True)
    checked = models.JSONField(_("达标核查项"), default=list, blank=True)
    points = models.DecimalField(_("得分"), max_digits=8, decimal_places=4)
    comment = models.TextField(_("说明"), blank=True)
    evidence_link = models.URLField(_("佐证链接"), blank=True, max_length=500)

    scope_region_field = "sheet__unit__region"

    class Meta:
        verbose_name = _("指标评分")
        verbose_name_plural = _("指标评分")
        constraints = [models.UniqueConstraint(fields=["sheet", "indicator"], name="eval_score_unique")]

    def __str__(self):
        return f"{self.indicator.code}: {self.points}"


def evidence_path(instance, filename):
    import uuid

    return f"evaluation/evidence/{instance.sheet.round_id}/{uuid.uuid4().hex}"


class Evidence(BaseModel):
    """A file (type checked by content, stored outside the web root) or a link attached to a sheet."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("评分表"))
    indicator = models.ForeignKey(Indicator, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("指标"))
    file = models.FileField(_("文件"), upload_to=evidence_path, blank=True)
    original_name = models.CharField(_("文件名"), max_length=200, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    link = models.URLField(_("链接"), blank=True, max_length=500)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("上传人"))

    scope_region_field = "sheet__unit__region"

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self):
        return self.original_name or self.link


class Survey(BaseModel):
    """The residents' satisfaction survey of one community in a round, reached by QR code and short link."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("评估轮次"))
    unit = models.OneToOneField(Unit, on_delete=models.PROTECT, related_name="survey", verbose_name=_("社区"))
    token = models.CharField(_("短链接标识"), max_length=16, unique=True)
    is_open = models.BooleanField(_("开放作答"), default=True)
    address_limit = models.PositiveIntegerField(
        _("同一网络每小时答卷上限"), null=True, blank=True,
        help_text=_("同一网络地址（如村委会的无线网络）在本调查每小时最多提交的答卷数；留空用系统默认值"))
    burst_limit = models.PositiveIntegerField(
        _("同一网络每分钟答卷上限"), null=True, blank=True,
        help_text=_("同一网络地址在本调查每分钟最多提交的答卷数，用于拦截脚本刷票；留空用系统默认值"))
    verify_phone = models.BooleanField(
        _("作答须短信验证手机号"), default=False,
        help_text=_("开启后居民须先获取并填写短信验证码，每个手机号只能作答一次"))

    scope_region_field = "unit__region"
    scope_roles = {"manage": MANAGERS}  # who sets the address limits and phone verification

    class Meta:
        verbose_name = _("满意度调查")
        verbose_name_plural = _("满意度调查")

    def __str__(self):
        return f"{self.unit.name} · {self.round.year} 年度满意度调查"

    def get_absolute_url(self):
        return reverse("evaluation:survey_detail", args=[self.pk])

    def public_path(self):
        return reverse("evaluation_public:survey", args=[self.token])


class SurveyResponse(models.Model):
    """One anonymous answer sheet: only keyed hashes of the device, the phone number (if asked) and the address."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    device_hash = models.CharField(max_length=64)
    phone_hash = models.CharField(max_length=64, blank=True, null=True)
    ip_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("问卷答卷")
        verbose_name_plural = _("问卷答卷")
        constraints = [
            models.UniqueConstraint(fields=["survey", "device_hash"], name="eval_response_one_per_device"),
            models.UniqueConstraint(fields=["survey", "phone_hash"], name="eval_response_one_per_phone"),
        ]

    def __str__(self):
        return f"答卷 #{self.pk}"


class SurveyAnswer(models.Model):
    """One question of one answer sheet (the question is an indicator of a residents' template)."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(choices=Satisfaction.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "indicator"], name="eval_answer_unique")]

    def __str__(self):
        return f"{self.indicator_id}: {self.level}"


class UnitResult(BaseModel):
    """The aggregated result of one unit: score, grade, rankings, sample, last year's score, final adjustments."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="results", verbose_name=_("评估轮次"))
    unit = models.OneToOneField(Unit, on_delete=models.PROTECT, related_name="result", verbose_name=_("参评单位"))
    main_score = models.DecimalField(_("指标得分"), max_digits=7, decimal_places=2, null=True, blank=True)
    residents_score = models.DecimalField(_("居民满意度得分"), max_digits=7, decimal_places=2, null=True, blank=True)
    self_score = models.DecimalField(_("自评得分"), max_digits=7, decimal_places=2, null=True, blank=True)
    total = models.DecimalField(_("总分"), max_digits=7, decimal_places=2, null=True, blank=True)
    adjusted_total = models.DecimalField(_("复核调整后总分"), max_digits=7, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("等次"), max_length=20, blank=True)
    rank_town = models.PositiveIntegerField(_("镇内排名"), null=True, blank=True)
    rank_district = models.PositiveIntegerField(_("区域排名"), null=True, blank=True)
    sample_size = models.PositiveIntegerField(_("居民答卷数"), default=0)
    insufficient_sample = models.BooleanField(_("样本不足"), default=False)
    previous_total = models.DecimalField(_("上年总分"), max_digits=7, decimal_places=2, null=True, blank=True)
    scorers = models.PositiveIntegerField(_("评分人数"), default=0)
    coverage = models.DecimalField(_("已评指标权重（%）"), max_digits=5, decimal_places=2, null=True, blank=True)
    rating = models.CharField(_("评定情况"), max_length=16, choices=ResultRating.choices, default=ResultRating.RATED)
    note = models.CharField(_("结果说明"), max_length=255, blank=True)
    explanation = models.TextField(_("计算说明"), blank=True)

    scope_region_field = "unit__region"
    scope_roles = {"view": READERS}

    class Meta:
        verbose_name = _("评估结果")
        verbose_name_plural = _("评估结果")
        ordering = ["round", "rank_district", "unit__region__path"]

    def __str__(self):
        return f"{self.unit} · {self.final_total} · {self.grade}"

    def get_absolute_url(self):
        return reverse("evaluation:unit_detail", args=[self.unit_id])

    @property
    def final_total(self):
        return self.adjusted_total if self.adjusted_total is not None else self.total

    @property
    def is_rated(self) -> bool:
        """A grade that counts: ranked and open to consequences (not 评分不全, not held back by a short sample)."""
        return self.rating == ResultRating.RATED

    @property
    def grade_label(self) -> str:
        if not self.grade:
            return str(_("未评定"))
        return f"{self.grade}（{_('暂定')}）" if self.rating == ResultRating.PROVISIONAL else self.grade

    @property
    def total_label(self) -> str:
        """The total as printed: the number, 暂定 beside a provisional one, or why there is none."""
        if self.final_total is None:
            return str(_("评分不全") if self.rating == ResultRating.INCOMPLETE else
                       _("样本不足") if self.rating == ResultRating.SHORT else "—")
        text = f"{self.final_total:.2f}"
        return f"{text}（{_('暂定')}）" if self.rating == ResultRating.PROVISIONAL else text

    @property
    def change(self):
        if self.final_total is None or self.previous_total is None:
            return None
        return self.final_total - self.previous_total


class IndicatorResult(models.Model):
    """One indicator's aggregated points for one unit, with the count of inputs and the rule in words."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="indicator_results")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="indicator_results")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(max_digits=8, decimal_places=4, null=True, blank=True)
    ratio = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)
    count = models.PositiveIntegerField(default=0)
    raw = models.CharField(max_length=100, blank=True)
    missing = models.BooleanField(default=False)

    scope_region_field = "unit__region"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "indicator"], name="eval_indicator_result_unique")]
        indexes = [models.Index(fields=["round", "indicator"])]

    def __str__(self):
        return f"{self.unit_id} · {self.indicator_id}: {self.points}"


class Objection(BaseModel):
    """An objection (异议) by the evaluated unit during publication, and its review."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="objections", verbose_name=_("评估轮次"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="objections", verbose_name=_("参评单位"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("提出人"))
    text = models.TextField(_("异议内容"))
    status = models.CharField(_("状态"), max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    response = models.TextField(_("答复意见"), blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("答复人"))
    responded_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    changes = models.JSONField(_("调整的指标"), default=list, blank=True,
                               help_text=_("答复所调整的指标及其复核前后得分；确认后才生效"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("确认人"))
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirm_note = models.TextField(_("确认意见"), blank=True)
    previous_total = models.DecimalField(_("复核前总分"), max_digits=7, decimal_places=2, null=True, blank=True)
    adjusted_total = models.DecimalField(_("复核后总分"), max_digits=7, decimal_places=2, null=True, blank=True)

    scope_region_field = "unit__region"

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.unit} · {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse("evaluation:objection_detail", args=[self.pk])


class Consequence(BaseModel):
    """A proposed consequence of a result (withhold/award money, flag for next year), applied only when confirmed."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="consequences", verbose_name=_("评估轮次"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="consequences", verbose_name=_("参评单位"))
    kind = models.CharField(_("类别"), max_length=16, choices=ConsequenceKind.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2, default=Decimal("0"))
    reason = models.TextField(_("依据"))
    status = models.CharField(_("状态"), max_length=16, choices=ConsequenceStatus.choices,
                              default=ConsequenceStatus.PROPOSED)
    agreement_id = models.BigIntegerField(_("协议编号"), null=True, blank=True)
    agreement_repr = models.CharField(_("协议"), max_length=255, blank=True)
    ledger_reference = models.CharField(_("台账记录"), max_length=64, blank=True)
    next_year = models.PositiveSmallIntegerField(_("关注年度"), null=True, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("提出人"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("确认人"))
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    decision_note = models.TextField(_("确认意见"), blank=True)

    scope_region_field = "unit__region"
    scope_roles = {"manage": MANAGERS}  # who sets the address limits and phone verification

    class Meta:
        verbose_name = _("评估结果运用")
        verbose_name_plural = _("评估结果运用")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.unit} · {self.get_kind_display()} · {self.amount}"


from .survey_models import SurveyPhoneCode, SurveyRefusalCount, SurveySms  # noqa: E402, F401  (registered models)
