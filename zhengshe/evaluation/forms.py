"""Forms for templates, indicators, rounds, panel, scoring, objections and consequences (validation only)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengshe.accounts.fields import PersonChoiceField
from zhengshe.accounts.roles import Role
from zhengshe.accounts.selectors import people_in_scope
from zhengshe.core.indicators import all_sources
from zhengshe.regions.fields import RegionChoiceField
from zhengshe.regions.models import Region

from .choices import ConsequenceKind, Direction, Mapping, MissingRule, PanelKind, Rule, TemplateStatus
from .models import Indicator, IndicatorTemplate, Round
from .scoring import validate_bands


class TemplateForm(forms.Form):
    region = forms.ModelChoiceField(label=_("发布区划"), queryset=Region.objects.none())
    direction = forms.ChoiceField(label=_("评估方向"), choices=Direction.choices)
    title = forms.CharField(label=_("名称"), max_length=200)
    notes = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions if regions is not None else Region.objects.none()
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select)
                                          else "form-control")


class IndicatorForm(forms.ModelForm):
    checklist_text = forms.CharField(label=_("核查项（每行一项）"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    source_key = forms.ChoiceField(label=_("数据来源"), required=False)

    class Meta:
        model = Indicator
        fields = ["code", "group", "name", "description", "weight", "rule", "max_points", "deduction", "source_key",
                  "mapping", "position"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_key"].choices = [("", "—")] + [(s.key, f"{s.label}（{s.key}）") for s in all_sources()]
        if self.instance.pk:
            self.fields["checklist_text"].initial = "\n".join(self.instance.checklist)
        self.fields["mapping"].choices = [("", "—")] + list(Mapping.choices)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select)
                                          else "form-control")

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "checklist_text"}
        data["checklist"] = [line.strip() for line in self.cleaned_data["checklist_text"].splitlines() if line.strip()]
        return data

    def _post_clean(self):  # the service validates the model (and the direction) itself
        pass


def _published(direction):
    return IndicatorTemplate.objects.filter(direction=direction, status=TemplateStatus.PUBLISHED)


class RoundForm(forms.ModelForm):
    region = RegionChoiceField(label=_("组织区划"))
    departments_text = forms.CharField(label=_("参评部门（每行一个）"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 3}),
                                       help_text=_("另外自动加入在各镇登记了部门的工作人员所属部门"))
    bands_text = forms.CharField(label=_("等次划分"), widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text=_("每行“等次名称 最低分 [扣减金额/奖励金额]”，从高到低，最后一档最低分为 0。"
                                             "如：优秀 90 奖励 5000；不合格 0 扣减 3000"))

    class Meta:
        model = Round
        fields = ["year", "title", "template_committee", "template_government", "template_department",
                  "template_residents_committee", "template_residents_government", "self_start", "self_end",
                  "scoring_end", "survey_start", "survey_end", "publicity_days", "min_sample", "short_sample_rule",
                  "residents_weight", "min_coverage", "missing_rule", "require_phone"]
        widgets = {f: forms.DateInput(attrs={"type": "date"}) for f in
                   ["self_start", "self_end", "scoring_end", "survey_start", "survey_end"]}

    def __init__(self, *args, regions=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions if regions is not None else Region.objects.none()
        if self.instance.pk:
            self.fields["region"].initial = self.instance.region_id
            self.fields["region"].disabled = True
            self.fields["departments_text"].initial = "\n".join(self.instance.departments)
        bands = self.instance.grade_bands if self.instance.pk else Round().grade_bands
        self.fields["bands_text"].initial = bands_to_text(bands)
        pairs = [("template_committee", Direction.GOV_TO_COMMITTEE), ("template_government", Direction.COMMITTEE_TO_GOV),
                 ("template_department", Direction.COMMITTEE_TO_DEPT),
                 ("template_residents_committee", Direction.RESIDENTS_TO_COMMITTEE),
                 ("template_residents_government", Direction.RESIDENTS_TO_GOV)]
        for field, direction in pairs:
            qs = _published(direction)
            self.fields[field].queryset = qs.restrict(user, "view") if user is not None else qs
        self.fields["missing_rule"].choices = MissingRule.choices
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "form-check-input")
            else:
                field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select)
                                              else "form-control")

    def clean_bands_text(self):
        bands = text_to_bands(self.cleaned_data["bands_text"])
        try:
            return validate_bands(bands)
        except forms.ValidationError:
            raise
        except Exception as exc:  # pragma: no cover - validate_bands raises ValidationError
            raise forms.ValidationError(str(exc)) from exc

    def _post_clean(self):  # the service runs the model's checks
        pass

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("region", None)
        data["departments"] = [d.strip() for d in data.pop("departments_text").splitlines() if d.strip()]
        data["grade_bands"] = data.pop("bands_text")
        return data


def bands_to_text(bands) -> str:
    lines = []
    for b in bands:
        line = f"{b['label']} {b['min']}"
        if b.get("award"):
            line += f" 奖励 {b['award']}"
        if b.get("withhold"):
            line += f" 扣减 {b['withhold']}"
        lines.append(line)
    return "\n".join(lines)


def text_to_bands(text: str) -> list[dict]:
    bands = []
    for line in text.replace("；", "\n").splitlines():
        parts = line.split()
        if not parts:
            continue
        if len(parts) < 2:
            raise forms.ValidationError(_("每行须为“等次名称 最低分”：%s") % line)
        band = {"label": parts[0], "min": parts[1]}
        rest = parts[2:]
        while len(rest) >= 2:
            word, amount = rest[0], rest[1]
            key = {"奖励": "award", "扣减": "withhold", "award": "award", "withhold": "withhold"}.get(word)
            if key is None:
                raise forms.ValidationError(_("无法识别：%s") % word)
            try:
                band[key] = str(Decimal(amount))
            except Exception as exc:
                raise forms.ValidationError(_("金额无效：%s") % amount) from exc
            rest = rest[2:]
        bands.append(band)
    return bands


# Who may sit on an evaluation panel (the service checks it again over the round's region).
PANEL_ROLES = (Role.EXPERT, Role.DISTRICT_ADMIN, Role.TOWN_STAFF, Role.LEADER)


class PanelistForm(forms.Form):
    user = PersonChoiceField(label=_("评分人"), queryset=None, help_text=_("按角色分组；可输入姓名或账号筛选"))
    kind = forms.ChoiceField(label=_("身份"), choices=PanelKind.choices, widget=forms.Select(attrs={"class": "form-select"}))
    agency = forms.CharField(label=_("所属机构（第三方）"), max_length=200, required=False,
                             widget=forms.TextInput(attrs={"class": "form-control"}))


    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        if actor is not None:
            self.fields["user"].queryset = people_in_scope(actor, roles=PANEL_ROLES)


class ConflictForm(forms.Form):
    reason = forms.CharField(label=_("利益关系说明"), widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))


class ObjectionForm(forms.Form):
    text = forms.CharField(label=_("异议内容及理由"), widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}))


class ObjectionAnswerForm(forms.Form):
    """The answer's reason; the indicator scores it changes come as ``ind_<pk>`` fields (see ``parse_review_post``)."""

    response = forms.CharField(label=_("答复意见（调整或维持的理由）"),
                               widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}))


class ObjectionConfirmForm(forms.Form):
    decision = forms.ChoiceField(label=_("确认意见"), choices=[("confirm", _("确认答复，调整生效")),
                                                           ("send_back", _("退回重新答复"))],
                                 widget=forms.RadioSelect)
    note = forms.CharField(label=_("说明（退回时必填）"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))


def parse_review_post(post, indicators) -> dict:
    """Review fields → {indicator_id: {"value"} | {"checked"}} for the indicators given a new score (blank: unchanged).
    A checklist indicator takes the number of items met."""
    entries = {}
    for ind in indicators:
        raw = post.get(f"ind_{ind.pk}", "").strip()
        if not raw:
            continue
        if ind.rule == Rule.CHECKLIST:
            entries[ind.pk] = {"checked": list(range(int(raw))) if raw.isdigit() else ["x"]}
        else:
            entries[ind.pk] = {"value": raw}
    return entries


class ConsequenceForm(forms.Form):
    unit = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("类别"), choices=ConsequenceKind.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    amount = forms.DecimalField(label=_("金额（元）"), required=False, min_value=0, decimal_places=2,
                                widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}))
    reason = forms.CharField(label=_("依据"), widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("文件（PDF、图片、Word、Excel）"), required=False)
    link = forms.CharField(label=_("或链接（如协议报告页面）"), max_length=500, required=False)
    description = forms.CharField(label=_("说明"), max_length=200, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 或 CSV 文件"))


def parse_sheet_post(post, indicators) -> dict:
    """The scoring form's fields → {indicator_id: {"value", "checked", "comment", "evidence_link"}}."""
    entries = {}
    for ind in indicators:
        entry = {"comment": post.get(f"comment_{ind.pk}", "").strip(),
                 "evidence_link": post.get(f"link_{ind.pk}", "").strip()}
        if post.get(f"na_{ind.pk}"):
            entry["value"], entry["checked"] = "", None
        elif ind.rule == Rule.CHECKLIST:
            entry["checked"] = post.getlist(f"check_{ind.pk}") if post.get(f"touched_{ind.pk}") else None
        else:
            entry["value"] = post.get(f"ind_{ind.pk}", "").strip()
        entries[ind.pk] = entry
    return entries


class SurveyGuardForm(forms.Form):
    """A survey's limits per network address and its phone verification (blank limits = the system defaults)."""

    address_limit = forms.IntegerField(label=_("同一网络每小时答卷上限"), required=False, min_value=1, max_value=100000)
    burst_limit = forms.IntegerField(label=_("同一网络每分钟答卷上限"), required=False, min_value=1, max_value=10000)
    verify_phone = forms.BooleanField(label=_("作答须短信验证手机号（每个手机号只能作答一次）"), required=False)

