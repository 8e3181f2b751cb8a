"""Forms: each carries what its service needs; drafts carry ``version`` for optimistic locking."""


from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import PROPOSABLE_FIELDS, ProgressStatus
from .models import Agreement, AgreementItem, AgreementTemplate, TemplateItem


class VersionedForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class AgreementForm(VersionedForm):
    note = forms.CharField(label=_("修改说明"), required=False, max_length=300)

    class Meta:
        model = Agreement
        fields = ["title", "term_start", "term_end", "party_a_department", *Agreement.CLAUSES]
        widgets = {"term_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "term_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   **{c: forms.Textarea(attrs={"rows": 3}) for c in Agreement.CLAUSES}}


class AgreementItemForm(VersionedForm):
    note = forms.CharField(label=_("修改说明"), required=False, max_length=300)

    class Meta:
        model = AgreementItem
        fields = ["requirements", "deadline", *AgreementItem.CONDITIONS, "funding_amount", "payment_schedule",
                  "indicator", "weight"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "requirements": forms.Textarea(attrs={"rows": 3}),
                   **{c: forms.Textarea(attrs={"rows": 2}) for c in AgreementItem.CONDITIONS}}


class NoteForm(forms.Form):
    text = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    item = forms.ModelChoiceField(label=_("涉及事项"), queryset=AgreementItem.objects.none(), required=False)
    field = forms.ChoiceField(label=_("建议修改的内容"), required=False,
                              choices=[("", _("（仅发表意见，不提出修改）"))] + list(PROPOSABLE_FIELDS.items()))
    proposed_value = forms.CharField(label=_("建议改为"), required=False, max_length=2000,
                                     widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, agreement=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agreement is not None:
            self.fields["item"].queryset = agreement.items.filter(removed=False).order_by("position")


class DecideForm(forms.Form):
    accept = forms.TypedChoiceField(label=_("答复"), choices=[("1", _("采纳")), ("0", _("不采纳"))],
                                    coerce=lambda v: v == "1")
    response = forms.CharField(label=_("答复意见"), required=False, max_length=1000)


class SignForm(forms.Form):
    signer_name = forms.CharField(label=_("签署代表（法定代表人或授权代表）"), max_length=50)
    seal_number = forms.CharField(label=_("印章编号"), max_length=60, required=False,
                                  help_text=_("印章图片与印章编号至少填一项"))
    seal_image = forms.FileField(label=_("印章图片（PNG/JPEG，≤ 2 MB）"), required=False)


class AmendmentForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200, required=False,
                            help_text=_("留空则为“原协议标题 + 补充协议（序号）”"))
    content = forms.CharField(label=_("补充条款（每行一条）"), widget=forms.Textarea(attrs={"rows": 6}))
    funding_delta = forms.DecimalField(label=_("经费调整（元）"), max_digits=14, decimal_places=2, initial=0,
                                       help_text=_("增加为正数，减少为负数；如要增加、终止或变更事项，此处填 0，"
                                                   "经费调整将按事项自动计算"))


class AmendmentSignForm(forms.Form):
    signer_name = forms.CharField(label=_("签署代表"), max_length=50)
    seal_number = forms.CharField(label=_("印章编号"), max_length=60)


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("完成情况"), choices=ProgressStatus.choices)
    note = forms.CharField(label=_("说明"), required=False, max_length=1000)


class PayForm(forms.Form):
    paid_on = forms.DateField(label=_("拨付日期"), widget=forms.DateInput(attrs={"type": "date"}))
    voucher_number = forms.CharField(label=_("凭证号"), max_length=60)


class AdjustForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=[("withhold", _("扣减")), ("award", _("奖励"))])
    amount = forms.DecimalField(label=_("金额（元）"), max_digits=14, decimal_places=2, min_value=0.01)
    reason = forms.CharField(label=_("事由"), max_length=300)


class TransitionForm(forms.Form):
    comment = forms.CharField(label=_("意见或理由"), required=False, max_length=1000)


class TemplateCreateForm(forms.Form):
    region = forms.ModelChoiceField(label=_("甲方（镇/街道，或“2+1”的村居委会）"), queryset=None)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("协议类别"), choices=AgreementTemplate._meta.get_field("kind").choices)
    title = forms.CharField(label=_("协议标题"), max_length=200, required=False)

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class TemplateForm(VersionedForm):
    class Meta:
        model = AgreementTemplate
        fields = ["title", "party_a_name", "party_a_department", "number_prefix", "term_start", "term_end",
                  "b_signs_first", *Agreement.CLAUSES]
        widgets = {"term_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "term_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   **{c: forms.Textarea(attrs={"rows": 3}) for c in Agreement.CLAUSES}}


class TemplatePlanRowForm(forms.Form):
    """One instalment of a template's payment plan: name, due date, and a share or an amount (one of the two)."""

    label = forms.CharField(label=_("名称"), max_length=50)
    due = forms.DateField(label=_("应拨付日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    percent = forms.DecimalField(label=_("比例（%）"), max_digits=5, decimal_places=2, min_value=0.01,
                                 max_value=100, required=False)
    amount = forms.DecimalField(label=_("金额（元）"), max_digits=14, decimal_places=2, min_value=0.01,
                                required=False)

    def clean(self):
        data = super().clean()
        if (data.get("percent") is None) == (data.get("amount") is None) and not self.errors:
            raise forms.ValidationError(_("比例和金额须填且只填一项。"))
        return data


class _TemplatePlanBase(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        rows = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        kinds = {"percent" if r.get("percent") is not None else "amount" for r in rows}
        if len(kinds) > 1:
            raise forms.ValidationError(_("拨付计划须全部按比例或全部按金额分期，不能混用。"))
        if kinds == {"percent"} and (total := sum(r["percent"] for r in rows)) != 100:
            raise forms.ValidationError(_("各期比例合计应为 100%%，当前为 %(t)s%%。") % {"t": f"{total.normalize():f}"})

    def plan(self) -> list[dict]:
        """The rows as the template's plan (JSON: label, due, percent or amount as strings)."""
        rows = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        return [{"label": r["label"].strip(), "due": r["due"].isoformat(),
                 **({"percent": str(r["percent"])} if r.get("percent") is not None else {"amount": str(r["amount"])})}
                for r in rows]


TemplatePlanFormSet = forms.formset_factory(TemplatePlanRowForm, formset=_TemplatePlanBase, extra=1,
                                            can_delete=True)


def plan_initial(plan) -> list[dict]:
    """A template's stored plan as the row editor's initial rows."""
    return [{"label": p.get("label", ""), "due": p.get("due"), "percent": p.get("percent"), "amount": p.get("amount")}
            for p in plan or [] if isinstance(p, dict)]


class TemplateItemForm(forms.ModelForm):
    class Meta:
        model = TemplateItem
        fields = ["requirements", "deadline", *TemplateItem.CONDITIONS, "payment_schedule", "indicator", "weight"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "requirements": forms.Textarea(attrs={"rows": 3}),
                   **{c: forms.Textarea(attrs={"rows": 2}) for c in TemplateItem.CONDITIONS}}


class CouncilForm(forms.Form):
    region = forms.ModelChoiceField(label=_("所属村（社区）"), queryset=None)
    name = forms.CharField(label=_("理事会名称"), max_length=100)
    chair = forms.CharField(label=_("理事长"), max_length=50, required=False)

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class ZipForm(forms.Form):
    region = forms.ModelChoiceField(label=_("镇（街道）"), queryset=None)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


# ---------------------------------------------------------------- item changes of a supplementary agreement

ITEM_TERM_FIELDS = ["requirements", "deadline", *AgreementItem.CONDITIONS, "funding_amount", "payment_schedule",
                    "indicator", "weight"]


class _AmendmentLineForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("变更理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)

    def _add_term_fields(self, *, funding_required: bool = True):
        fields = forms.fields_for_model(AgreementItem, fields=ITEM_TERM_FIELDS, widgets={
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "requirements": forms.Textarea(attrs={"rows": 3}),
            **{c: forms.Textarea(attrs={"rows": 2}) for c in AgreementItem.CONDITIONS}})
        fields["funding_amount"].required = funding_required
        fields["weight"].required = True
        reason = self.fields.pop("reason")
        self.fields.update(fields)
        self.fields["reason"] = reason


class AmendmentItemAddForm(_AmendmentLineForm):
    list_item = forms.ModelChoiceField(label=_("增加的清单事项"), queryset=None)

    def __init__(self, *args, list_items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_term_fields(funding_required=False)
        self.fields["funding_amount"].help_text = _("留空则按清单经费标准和本村（社区）户数、人口测算")
        self.fields["list_item"].queryset = list_items
        self.order_fields(["version", "list_item"])


class AmendmentItemChangeForm(_AmendmentLineForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_term_fields()


class AmendmentItemRemoveForm(_AmendmentLineForm):
    ends_on = forms.DateField(label=_("自何日起终止"), widget=forms.DateInput(attrs={"type": "date"}))
    funding_amount = forms.DecimalField(label=_("保留经费（元）"), max_digits=14, decimal_places=2, min_value=0,
                                        initial=0, help_text=_("终止前已履行部分乙方应得的经费；其余经费核减"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["version", "ends_on", "funding_amount", "reason"])


class AmendmentPlanRowForm(forms.Form):
    """One row of a supplementary agreement's payment plan: a new instalment, or an unpaid one with a new amount."""

    instalment = forms.ModelChoiceField(label=_("期次"), queryset=None, required=False,
                                        empty_label=_("新增一期"))
    label = forms.CharField(label=_("名称"), max_length=50, required=False)
    amount = forms.DecimalField(label=_("金额（元）"), max_digits=14, decimal_places=2, min_value=0)
    due_date = forms.DateField(label=_("应拨付日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, instalments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instalment"].queryset = instalments
        self.fields["instalment"].label_from_instance = lambda i: f"{i.label}（{i.amount:,.2f} 元）"


AmendmentPlanFormSet = forms.formset_factory(AmendmentPlanRowForm, extra=1, can_delete=True)


class OfflineSignForm(forms.Form):
    """A paper agreement both sides signed earlier: the date, both signers and the scan."""

    signed_on = forms.DateField(label=_("签署日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    a_signer_name = forms.CharField(label=_("甲方签署代表"), max_length=50)
    b_signer_name = forms.CharField(label=_("乙方签署代表"), max_length=50)
    scan = forms.FileField(label=_("纸质协议扫描件（PDF/PNG/JPEG，≤ 10 MB）"))
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class AgreementImportForm(forms.Form):
    town = forms.ModelChoiceField(label=_("甲方镇（街道）"), queryset=None)
    file = forms.FileField(label=_("Excel 文件（.xlsx，≤ 10 MB）"))

    def __init__(self, *args, towns=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = towns
        self.fields["town"].label_from_instance = lambda r: f"{r.name}（{r.code}）"
