"""Forms of the catalog: they collect and shape input; services validate and write."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengshe.regions.fields import RegionChoiceField, RegionMultipleChoiceField
from zhengshe.regions.models import Region

from .choices import AskKind, AskOutcome, BurdenKind, BurdenState, BurdenSubtype, FundingBasis, ListKind, TargetMode
from .models import AdmissionRequest, ListItem

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


def _bootstrap(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class BootstrapForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class ListCreateForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("清单类别"), choices=ListKind.choices)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("标题"), max_length=200)
    document_number = forms.CharField(label=_("文号"), max_length=100, required=False)
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ListImportForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("清单类别"), choices=ListKind.choices)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("标题"), max_length=200)
    document_number = forms.CharField(label=_("文号"), max_length=100, required=False)
    file = forms.FileField(label=_("文件（.xlsx 或 .csv）"))


class ItemForm(forms.ModelForm):
    class Meta:
        model = ListItem
        fields = ["number", "category", "title", "description", "legal_basis", "department", "funding_follows",
                  "funding_basis", "funding_amount"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "legal_basis": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"] = forms.ChoiceField(
            label=_("责任部门"), required=False, choices=[("", "—")] + [(d, d) for d in departments])
        self.fields["funding_basis"].choices = FundingBasis.choices
        _bootstrap(self)

    def _post_clean(self):  # the service validates and saves; the model instance is not touched here
        pass


class DepartmentForm(BootstrapForm):
    region = forms.ModelChoiceField(label=_("所属区划"), queryset=Region.objects.none())
    name = forms.CharField(label=_("部门名称"), max_length=100)
    short_name = forms.CharField(label=_("简称"), max_length=40, required=False)

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.fields["region"].queryset = regions
        _bootstrap(self)


class AdmissionForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("事项类型"), choices=AskKind.choices)
    subtype = forms.ChoiceField(label=_("台账/挂牌类别"), required=False, choices=[("", "—")] + [
        c for c in BurdenSubtype.choices if c[0] != "rating"], help_text=_("台账、挂牌须选择类别"))
    title = forms.CharField(label=_("事项名称"), max_length=200)
    department = forms.CharField(label=_("申请部门"), max_length=100,
                                 widget=forms.TextInput(attrs={"list": "known-departments", "autocomplete": "off"}))
    content = forms.CharField(label=_("具体内容和要求"), widget=forms.Textarea(attrs={"rows": 4}))
    legal_basis = forms.CharField(label=_("法律法规或政策依据"), widget=forms.Textarea(attrs={"rows": 2}))
    workload = forms.CharField(label=_("工作量说明"), max_length=300, required=False)
    workload_hours = forms.DecimalField(label=_("预计工作量（小时/村·年）"), min_value=0, max_digits=8,
                                        decimal_places=1, initial=0)
    funding_follows = forms.BooleanField(label=_("费随事转"), required=False)
    funding_amount = forms.DecimalField(label=_("随转经费（元/村·年）"), min_value=0, max_digits=12, decimal_places=2,
                                        initial=0)
    target_mode = forms.ChoiceField(label=_("申请范围方式"), choices=TargetMode.choices)
    target_root = RegionChoiceField(label=_("申请范围（区划）"), required=False)
    target_regions = RegionMultipleChoiceField(label=_("申请范围（村、社区）"), required=False, level="village",
                                               help_text=_("按镇（街道）分组；可输入名称或代码筛选"))
    requested_from = forms.DateField(label=_("申请起始日期"), widget=DATE)
    requested_until = forms.DateField(label=_("申请截止日期"), widget=DATE)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, within=None, **kwargs):
        super().__init__(*args, **kwargs)
        if within is not None:
            subtree = Region.objects.filter(path__under=within.path).order_by("path")
            self.fields["target_root"].queryset = subtree.exclude(level="village")
            self.fields["target_regions"].queryset = subtree.filter(level="village")
        _bootstrap(self)

    @classmethod
    def initial_from(cls, obj: AdmissionRequest) -> dict:
        data = {name: getattr(obj, name) for name in cls.base_fields if hasattr(obj, name) and name != "target_regions"}
        data["target_regions"] = list(obj.target_regions.all())
        return data


class ApproveForm(BootstrapForm):
    mode = forms.ChoiceField(label=_("准入范围方式"), choices=TargetMode.choices)
    root = RegionChoiceField(label=_("准入范围（区划）"), required=False)
    regions = RegionMultipleChoiceField(label=_("准入范围（村、社区）"), required=False, level="village",
                                        help_text=_("按镇（街道）分组；可输入名称或代码筛选"))
    valid_from = forms.DateField(label=_("有效期起"), widget=DATE)
    valid_until = forms.DateField(label=_("有效期止"), widget=DATE)
    comment = forms.CharField(label=_("审核意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, within=None, **kwargs):
        super().__init__(*args, **kwargs)
        if within is not None:
            subtree = Region.objects.filter(path__under=within.path).order_by("path")
            self.fields["root"].queryset = subtree.exclude(level="village")
            self.fields["regions"].queryset = subtree.filter(level="village")
        _bootstrap(self)


class CommentForm(BootstrapForm):
    comment = forms.CharField(label=_("意见或理由"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class AskForm(BootstrapForm):
    region = forms.ModelChoiceField(label=_("村（社区）"), queryset=Region.objects.none())
    received_on = forms.DateField(label=_("收到日期"), widget=DATE, initial=timezone.localdate)
    department = forms.CharField(label=_("要求部门"), max_length=100,
                                 widget=forms.TextInput(attrs={"list": "known-departments", "autocomplete": "off"}),
                                 help_text=_("尽量从部门名录中选择，拒绝执行按部门统计"))
    asker = forms.CharField(label=_("经办人"), max_length=50, required=False)
    channel = forms.CharField(label=_("方式"), max_length=40, required=False, help_text=_("如：电话、发文、工作群、现场"))
    kind = forms.ChoiceField(label=_("事项类型"), choices=AskKind.choices)
    title = forms.CharField(label=_("要求事项"), max_length=200)
    content = forms.CharField(label=_("具体要求"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    admission = forms.ModelChoiceField(label=_("对方所称的准入申请（如有）"), required=False,
                                       queryset=AdmissionRequest.objects.none())

    def __init__(self, *args, villages=None, admissions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if villages is not None:
            self.fields["region"].queryset = villages
            if villages.count() == 1:
                self.fields["region"].initial = villages.first()
        if admissions is not None:
            self.fields["admission"].queryset = admissions
        _bootstrap(self)


class RefuseForm(BootstrapForm):
    rule_cited = forms.CharField(label=_("所依据的规定（留空则使用默认条文）"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 4}))
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class OutcomeForm(BootstrapForm):
    outcome = forms.ChoiceField(label=_("处理结果"), choices=[
        c for c in AskOutcome.choices if c[0] in ("accepted", "withdrawn", "legitimate")])
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class BurdenForm(BootstrapForm):
    region = forms.ModelChoiceField(label=_("村（社区）"), queryset=Region.objects.none())
    kind = forms.ChoiceField(label=_("类型"), choices=BurdenKind.choices)
    subtype = forms.ChoiceField(label=_("类别"), choices=BurdenSubtype.choices)
    name = forms.CharField(label=_("名称"), max_length=200)
    department = forms.CharField(label=_("要求部门"), max_length=100, required=False)
    in_baseline = forms.BooleanField(label=_("改革前已有（基线）"), required=False)
    started_on = forms.DateField(label=_("开始日期"), widget=DATE, required=False)
    note = forms.CharField(label=_("备注"), max_length=300, required=False)

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        if villages is not None:
            self.fields["region"].queryset = villages
        _bootstrap(self)


class BurdenStateForm(BootstrapForm):
    state = forms.ChoiceField(label=_("新的现状"), choices=[c for c in BurdenState.choices if c[0] != "kept"])
    on_date = forms.DateField(label=_("变更日期"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("备注"), max_length=300, required=False)
