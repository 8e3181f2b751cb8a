"""Forms of the projects app: they collect and shape input (rows as row formsets, never typed JSON);
services validate and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengshe.organizations.interface import OrgType

from .choices import MIN_GRADE_CHOICES, Buyer, CallKind, CatalogueKind, NeedSource

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BootstrapForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class NeedForm(BootstrapForm):
    region = forms.ModelChoiceField(label=_("村（社区）"), queryset=None, empty_label=_("— 请选择 —"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("需求"), max_length=120)
    category = forms.CharField(label=_("服务类别"), max_length=40, help_text=_("如：为老服务、青少年服务、助残服务"))
    source = forms.ChoiceField(label=_("来源"), choices=NeedSource.choices)
    residents = forms.IntegerField(label=_("提出人数"), min_value=0)
    respondents = forms.IntegerField(label=_("参与调查人数"), min_value=0, required=False)
    description = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = villages
        self.fields["region"].label_from_instance = lambda r: f"{r.parent.name} · {r.name}（{r.code}）"


class ServiceItemForm(BootstrapForm):
    region = forms.ModelChoiceField(label=_("发布区划"), queryset=None, empty_label=_("— 请选择 —"))
    kind = forms.ChoiceField(label=_("目录"), choices=CatalogueKind.choices)
    code = forms.CharField(label=_("编号"), max_length=20)
    name = forms.CharField(label=_("服务名称"), max_length=120)
    category = forms.CharField(label=_("类别"), max_length=40)
    unit = forms.CharField(label=_("计量单位"), max_length=20, initial="项")
    typical_price = forms.DecimalField(label=_("参考单价（元）"), min_value=0, max_digits=14, decimal_places=2)
    buyers = forms.MultipleChoiceField(label=_("可购买主体"), choices=Buyer.choices, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class CallForm(BootstrapForm):
    buyer_region = forms.ModelChoiceField(label=_("购买主体"), queryset=None, empty_label=_("— 请选择 —"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("方式"), choices=CallKind.choices)
    title = forms.CharField(label=_("名称"), max_length=120)
    description = forms.CharField(label=_("征集说明"), widget=forms.Textarea(attrs={"rows": 4}))
    budget = forms.DecimalField(label=_("预算（元）"), min_value=0, max_digits=14, decimal_places=2)
    max_per_project = forms.DecimalField(label=_("单个项目上限（元）"), min_value=0, max_digits=14, decimal_places=2,
                                         required=False)
    opens_on = forms.DateField(label=_("开始申报日期"), widget=DATE)
    closes_on = forms.DateField(label=_("申报截止日期"), widget=DATE)
    min_grade = forms.ChoiceField(label=_("最低评估等级"), choices=MIN_GRADE_CHOICES, initial="3A", required=False)
    org_types = forms.MultipleChoiceField(label=_("可申报的组织类型（不选为不限）"), choices=OrgType.choices,
                                          widget=forms.CheckboxSelectMultiple, required=False)
    local_only = forms.BooleanField(label=_("限本区域登记的组织"), initial=True, required=False)
    needs = forms.ModelMultipleChoiceField(label=_("回应的居民需求"), queryset=None, required=False)
    items = forms.ModelMultipleChoiceField(label=_("服务目录事项"), queryset=None, required=False)

    def __init__(self, *args, regions, needs, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buyer_region"].queryset = regions
        self.fields["buyer_region"].label_from_instance = lambda r: f"{r.name}（{r.code}）"
        self.fields["needs"].queryset = needs
        self.fields["needs"].label_from_instance = lambda n: f"{n.region.name}：{n.title}（{n.residents} 人）"
        self.fields["items"].queryset = items


class RubricRowForm(BootstrapForm):
    name = forms.CharField(label=_("评审指标"), max_length=60, required=False)
    weight = forms.IntegerField(label=_("权重"), min_value=1, max_value=100, required=False)


class BudgetRowForm(BootstrapForm):
    name = forms.CharField(label=_("支出事项"), max_length=60, required=False)
    amount = forms.DecimalField(label=_("金额（元）"), min_value=0, max_digits=14, decimal_places=2, required=False)


class IndicatorRowForm(BootstrapForm):
    name = forms.CharField(label=_("绩效指标"), max_length=60, required=False)
    target = forms.CharField(label=_("目标值"), max_length=60, required=False)


RubricRows = forms.formset_factory(RubricRowForm, extra=5, max_num=20)
BudgetRows = forms.formset_factory(BudgetRowForm, extra=6, max_num=30)
IndicatorRows = forms.formset_factory(IndicatorRowForm, extra=5, max_num=20)


def filled_rows(formset) -> list[dict]:
    """The rows a person filled in (blank rows dropped), as plain values for the service."""
    return [{k: ("" if v is None else v) for k, v in f.cleaned_data.items()}
            for f in formset.forms if f.is_valid() and any(v not in (None, "") for v in f.cleaned_data.values())]


class ApplicationForm(BootstrapForm):
    title = forms.CharField(label=_("项目名称"), max_length=120)
    target_group = forms.CharField(label=_("服务对象"), max_length=200, required=False)
    beneficiaries = forms.IntegerField(label=_("预计受益人数"), min_value=0, required=False)
    proposal = forms.CharField(label=_("项目方案"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    team = forms.CharField(label=_("项目团队"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CommentForm(BootstrapForm):
    comment = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ContractForm(BootstrapForm):
    starts_on = forms.DateField(label=_("服务期自"), widget=DATE)
    ends_on = forms.DateField(label=_("服务期至"), widget=DATE)
    deliverables = forms.CharField(label=_("服务内容与成果"), widget=forms.Textarea(attrs={"rows": 4}))


class MilestoneRowForm(BootstrapForm):
    title = forms.CharField(label=_("节点"), max_length=120, required=False)
    due_on = forms.DateField(label=_("完成期限"), widget=DATE, required=False)
    payment = forms.DecimalField(label=_("拨付金额（元）"), min_value=0, max_digits=14, decimal_places=2,
                                 required=False)


MilestoneRows = forms.formset_factory(MilestoneRowForm, extra=4, max_num=12)


class MilestoneReportForm(BootstrapForm):
    report = forms.CharField(label=_("进展报告"), widget=forms.Textarea(attrs={"rows": 4}))
    spent = forms.DecimalField(label=_("本节点支出（元）"), min_value=0, max_digits=14, decimal_places=2)
