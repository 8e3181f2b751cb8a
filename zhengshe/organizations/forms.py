"""Forms of the organizations app (Bootstrap classes set once in ``StyledForm``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengshe.regions.fields import RegionChoiceField
from zhengshe.regions.models import Region

from .choices import GROUNDS, CreditList, Grade, InspectionResult
from .models import (
    AnnualReport,
    AuditFinding,
    Branch,
    GradeApplication,
    GradeRound,
    IncubationMilestone,
    IncubationService,
    Incubator,
    Organization,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"
                widget.format = "%Y-%m-%d"


class StyledModelForm(StyledForm, forms.ModelForm):
    pass


class RegionCodeField(forms.CharField):
    """A region chosen by its code (a select of 20 000 villages would not scale)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 24)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return Region.objects.filter(pk=value).values_list("code", flat=True).first() or value
        return getattr(value, "code", value)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        region = Region.objects.filter(code=value.strip()).first()
        if region is None:
            raise forms.ValidationError(_("区划代码“%s”不存在") % value)
        return region


REGISTRY_FIELDS = ["name", "credit_code", "org_type", "category", "registration_kind", "registration_level",
                   "registration_authority", "region", "founded_on", "registered_on", "legal_representative",
                   "address", "business_scope"]
PROFILE_FIELDS = ["contact_person", "contact_phone", "members", "full_time_staff", "social_workers", "volunteers",
                  "has_party_org", "party_org_name", "introduction"]


class OrganizationForm(StyledModelForm):
    """Registering (or filing) an organization, and editing its profile."""

    region = RegionCodeField(label=_("所在区划代码"), help_text=_("组织住所所在的县、镇（街道）或村（社区）的代码"))
    service_region_codes = forms.CharField(label=_("服务区域（区划代码，逗号分隔）"), required=False)
    override_reason = forms.CharField(label=_("信用代码校验放行理由（仅管理员，记入审计）"), required=False, max_length=200)
    change_reason = forms.CharField(label=_("变更理由（修改登记事项时填写）"), required=False, widget=forms.Textarea(
        attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Organization
        fields = REGISTRY_FIELDS + PROFILE_FIELDS
        widgets = {"founded_on": DATE, "registered_on": DATE, "business_scope": forms.Textarea(attrs={"rows": 3}),
                   "introduction": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, registered_locked=False, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["service_region_codes"].initial = ",".join(
                self.instance.service_regions.values_list("code", flat=True))
        else:
            del self.fields["change_reason"]
        self.registered_locked = registered_locked
        if registered_locked:
            for name in REGISTRY_FIELDS:
                self.fields[name].help_text = _("登记事项：修改后须经登记管理机关审核")
        # Model-level validation of credit codes happens in the service (with the override rule).
        self.fields["credit_code"].validators = []

    def _post_clean(self):
        # Uniqueness and constraints are checked by the service, which reports them in Chinese.
        pass

    def clean_credit_code(self):
        return (self.cleaned_data.get("credit_code") or "").strip()

    def clean_contact_phone(self):
        from zhengshe.utilities.identifiers import normalize_phone, phone_error

        value = normalize_phone(self.cleaned_data.get("contact_phone"))
        error = phone_error(value) if value else None
        if error:
            raise forms.ValidationError(error)
        return value

    def clean_service_region_codes(self):
        codes = [c.strip() for c in (self.cleaned_data.get("service_region_codes") or "").replace("，", ",").split(",")
                 if c.strip()]
        regions = list(Region.objects.filter(code__in=codes))
        unknown = set(codes) - {r.code for r in regions}
        if unknown:
            raise forms.ValidationError(_("区划代码不存在：%s") % "、".join(sorted(unknown)))
        return regions

    def model_data(self) -> dict:
        return {f: self.cleaned_data[f] for f in REGISTRY_FIELDS + PROFILE_FIELDS if f in self.cleaned_data}


class StatusForm(StyledForm):
    comment = forms.CharField(label=_("意见或理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class BranchForm(StyledModelForm):
    class Meta:
        model = Branch
        fields = ["name", "kind", "established_on", "terminated_on", "head", "business_scope"]
        widgets = {"established_on": DATE, "terminated_on": DATE}


class AnnualReportForm(StyledModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    acknowledge = forms.BooleanField(label=_("已核实上述提示，数据无误"), required=False,
                                     help_text=_("数据有提示时，报送前须勾选确认；保存草稿不需要。"))

    class Meta:
        model = AnnualReport
        fields = ["activities", "projects", "revenue", "expenditure", "net_assets", "government_funding", "staff",
                  "social_workers", "volunteers", "members"]
        widgets = {"activities": forms.Textarea(attrs={"rows": 5}), "projects": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version


class ReportReviewForm(StyledForm):
    result = forms.ChoiceField(label=_("检查结论"), choices=[("", "—")] + list(InspectionResult.choices), required=False)
    comment = forms.CharField(label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class IncubatorForm(StyledModelForm):
    region = RegionCodeField(label=_("所在区划代码"))

    class Meta:
        model = Incubator
        fields = ["name", "level", "region", "parent", "operator", "address", "area", "capacity", "funding",
                  "opened_on", "default_months"]
        widgets = {"opened_on": DATE}


class IncubationApplyForm(StyledForm):
    organization = forms.ModelChoiceField(label=_("申请组织"), queryset=Organization.objects.none())
    plan = forms.CharField(label=_("服务方向与孵化计划"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"].queryset = organizations


class IncubationActionForm(StyledForm):
    comment = forms.CharField(label=_("意见或说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    months = forms.IntegerField(label=_("孵化期（月，同意入驻时）"), required=False, min_value=1, max_value=36)


class IncubationServiceForm(StyledModelForm):
    class Meta:
        model = IncubationService
        fields = ["kind", "provided_on", "hours", "description"]
        widgets = {"provided_on": DATE}


class MilestoneForm(StyledModelForm):
    class Meta:
        model = IncubationMilestone
        fields = ["title", "due_on", "note"]
        widgets = {"due_on": DATE}


class RoundForm(StyledModelForm):
    region = RegionChoiceField(label=_("组织评估的区划"), help_text=_("可输入名称或代码筛选"))

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.fields["region"].queryset = regions

    class Meta:
        model = GradeRound
        fields = ["year", "name", "region", "issuer", "declaration_deadline", "threshold_5a", "threshold_4a",
                  "threshold_3a", "threshold_2a", "threshold_1a"]
        widgets = {"declaration_deadline": DATE}


class RoundActionForm(StyledForm):
    comment = forms.CharField(label=_("说明"), required=False)
    notice_days = forms.IntegerField(label=_("公示天数（异议期）"), initial=7, min_value=5, max_value=30, required=False)


class ApplicationForm(StyledModelForm):
    class Meta:
        model = GradeApplication
        fields = ["requested_grade", "self_score", "self_assessment"]
        widgets = {"self_assessment": forms.Textarea(attrs={"rows": 6})}


class EvidenceForm(StyledForm):
    title = forms.CharField(label=_("材料名称"), max_length=200)
    file = forms.FileField(label=_("文件（PDF、JPG、PNG、Word、Excel，10 MB 以内）"))


class DecideForm(StyledForm):
    grade = forms.ChoiceField(label=_("审定等级"), choices=Grade.choices)
    comment = forms.CharField(label=_("评估委员会意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ObjectionForm(StyledForm):
    submitter = forms.CharField(label=_("提出人（姓名或单位）"), max_length=50)
    contact = forms.CharField(label=_("联系方式"), max_length=50, required=False)
    content = forms.CharField(label=_("异议内容与依据"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class ObjectionResolveForm(StyledForm):
    upheld = forms.TypedChoiceField(label=_("处理结论"), choices=[("0", _("异议不成立")), ("1", _("异议成立，退回重新审定"))],
                                    coerce=lambda v: v == "1")
    resolution = forms.CharField(label=_("处理意见"), widget=forms.Textarea(attrs={"rows": 2}))


class CreditIncludeForm(StyledForm):
    list_kind = forms.ChoiceField(label=_("名录"), choices=CreditList.choices)
    reason = forms.ChoiceField(
        label=_("列入情形（《社会组织信用信息管理办法》）"),
        choices=[(CreditList(kind).label, [(r.value, r.label) for r in grounds]) for kind, grounds in GROUNDS.items()],
        help_text=_("活动异常名录按第十条、严重违法失信名单按第十五条所列情形选择；“列入活动异常名录满2年”须该组织已连续在"
                    "活动异常名录中满 2 年。"))
    detail = forms.CharField(label=_("具体情形"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    included_on = forms.DateField(label=_("列入日期"), widget=DATE, required=False)
    decision_number = forms.CharField(label=_("决定书文号"), required=False, max_length=60)


class CreditRemoveForm(StyledForm):
    reason = forms.CharField(label=_("移出理由（整改核实情况）"), widget=forms.Textarea(attrs={"rows": 2}))
    removed_on = forms.DateField(label=_("移出日期"), widget=DATE, required=False)


class FindingForm(StyledModelForm):
    class Meta:
        model = AuditFinding
        fields = ["year", "auditor", "found_on", "severity", "finding", "rectification_due"]
        widgets = {"found_on": DATE, "rectification_due": DATE, "finding": forms.Textarea(attrs={"rows": 3})}


class ImportForm(StyledForm):
    file = forms.FileField(label=_("文件（.xlsx 或 .csv）"))
    override_reason = forms.CharField(
        label=_("校验码放行理由（可选）"), required=False, max_length=200,
        help_text=_("个别已核发的代码校验码不符时填写：仅放行校验位错误，其余错误照常拦截；每条记入审计。"))
