from django import forms
from django.utils.translation import gettext_lazy as _

from zhengshe.core.errors import ServiceError
from zhengshe.regions.models import Region

from . import targets
from .roles import Role


class LoginForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class TotpForm(forms.Form):
    code = forms.CharField(label=_("动态口令（6 位数字）"), max_length=8,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}))


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("当前密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new_password1 = forms.CharField(label=_("新密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                    help_text=_("至少 8 位，含小写字母、大写字母、数字、符号中的至少 3 类，不能与用户名相似或为常见密码。"))
    new_password2 = forms.CharField(label=_("再次输入新密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self):
        if not self.user.check_password(self.cleaned_data["old_password"]):
            raise forms.ValidationError(_("当前密码不正确。"))
        return self.cleaned_data["old_password"]

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致。"))
        return data


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    display_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.RegexField(label=_("手机号"), regex=r"^1[3-9]\d{9}$", required=False,
                             error_messages={"invalid": _("手机号格式不正确")})
    password = forms.CharField(label=_("初始密码"), strip=False, widget=forms.PasswordInput,
                               help_text=_("用户首次登录时须修改。"))
    region_code = forms.CharField(label=_("所属区划代码"), max_length=24,
                                  help_text=_("账号所属单位的区划代码，如 320585105（镇）或 320585105201（村）"))

    def __init__(self, *args, actor=None, **kwargs):
        self.actor = actor
        super().__init__(*args, **kwargs)

    def clean_region_code(self):
        code = self.cleaned_data["region_code"].strip()
        qs = Region.objects.filter(code=code)
        region = qs.first()
        if region is None:
            raise forms.ValidationError(_("区划代码“%s”不存在。") % code)
        self.region = region
        return code


class TotpResetForm(TotpForm):
    """Re-binding an authenticator replaces the old one: the current password is asked again."""

    password = forms.CharField(label=_("当前密码"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        if not self.user.check_password(self.cleaned_data["password"]):
            raise forms.ValidationError(_("当前密码不正确。"))
        return self.cleaned_data["password"]


class DeactivateForm(forms.Form):
    reason = forms.CharField(label=_("停用原因"), max_length=200)


class PasswordResetForm(forms.Form):
    password = forms.CharField(label=_("临时密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text=_("用户下次登录时须修改。"))


class TargetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        region = getattr(obj, "region", None)
        return f"{region.name} · {obj}" if region is not None else str(obj)


def _target_field_name(kind) -> str:
    return f"target_{kind.kind}"


class RoleGrantForm(forms.Form):
    """Grant a role within a region, or bound to one object of a registered kind (an organization by its number,
    a residents' council picked from the list) — see ``accounts.targets``.

    Only targets inside the granting administrator's subtree are offered in lists; any other id is refused with a
    form error (the service checks the scope again).
    """

    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    region_code = forms.CharField(label=_("区划代码"), max_length=24, required=False)
    department = forms.CharField(label=_("所在部门"), max_length=100, required=False,
                                 help_text=_("如：双凤镇社会事业局、太仓市民政局"))

    def __init__(self, *args, actor=None, **kwargs):
        from .selectors import targets_grantable_by

        super().__init__(*args, **kwargs)
        for kind in targets.kinds():
            roles = "、".join(str(Role(r).label) for r in sorted(kind.roles))
            if kind.pick_from_list:
                field = TargetChoiceField(
                    label=kind.label, queryset=targets_grantable_by(actor, kind), required=False,
                    help_text=_("仅“%(roles)s”角色填写：该账号只办理这一%(kind)s的事务") % {"roles": roles, "kind": kind.label},
                    error_messages={"invalid_choice": _("该%(kind)s不存在，或不在您的管理范围内。") % {"kind": kind.label}})
            else:
                field = forms.IntegerField(label=_("%(kind)s编号") % {"kind": kind.label}, required=False, min_value=1,
                                           help_text=_("仅“%(roles)s”角色填写") % {"roles": roles})
            self.fields[_target_field_name(kind)] = field
        self.order_fields(["role", "region_code"] + [_target_field_name(k) for k in targets.kinds()] + ["department"])

    def clean(self):
        data = super().clean()
        role = data.get("role")
        bound = targets.kind_for_role(role) if role else None
        for kind in targets.kinds():
            name = _target_field_name(kind)
            given = data.get(name)
            if kind == bound:
                if given in (None, "") and name not in self.errors:
                    self.add_error(name, _("%(role)s须指定%(kind)s") % {"role": Role(role).label, "kind": kind.label})
            elif given not in (None, ""):
                roles = "、".join(str(Role(r).label) for r in sorted(kind.roles))
                self.add_error(name, _("只有%(roles)s可以绑定%(kind)s") % {"roles": roles, "kind": kind.label})
        if bound is not None and (data.get("region_code") or "").strip():
            self.add_error("region_code", _("%(role)s只绑定%(kind)s，不另填区划代码") % {"role": Role(role).label,
                                                                                   "kind": bound.label})
        if role and bound is None and not (data.get("region_code") or "").strip():
            self.add_error("region_code", _("该角色须指定区划范围"))
        return data

    def target(self):
        """The object the grant is bound to (resolved from the cleaned data), or None; raises ServiceError if gone."""
        bound = targets.kind_for_role(self.cleaned_data["role"])
        if bound is None:
            return None
        given = self.cleaned_data[_target_field_name(bound)]
        if bound.pick_from_list:
            return given
        found = bound.get(given)
        if found is None:
            raise ServiceError(_("%(kind)s编号 %(id)s 不存在。") % {"kind": bound.label, "id": given})
        return found
