from django import forms
from django.utils.translation import gettext_lazy as _

from zhengshe.regions.models import Region

from .roles import COUNCIL_ROLES, ORGANIZATION_ROLES, Role


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


class CouncilChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.region.name} · {obj.name}"


class RoleGrantForm(forms.Form):
    """Grant a role within a region, an organization, or (居民自治理事会代表) one residents' council.

    Only councils inside the granting administrator's subtree are offered; any other id is refused here with a
    form error (the service checks the scope again).
    """

    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    region_code = forms.CharField(label=_("区划代码"), max_length=24, required=False)
    organization_id = forms.IntegerField(label=_("组织编号"), required=False)
    council = CouncilChoiceField(label=_("居民自治理事会"), queryset=None, required=False,
                                 help_text=_("仅“居民自治理事会代表”角色填写：该账号只能办理这个理事会的“2+1”协议"),
                                 error_messages={"invalid_choice": _("该理事会不存在，或不在您的管理范围内。")})
    department = forms.CharField(label=_("所在部门"), max_length=100, required=False,
                                 help_text=_("如：双凤镇社会事业局、太仓市民政局"))

    def __init__(self, *args, actor=None, **kwargs):
        from .selectors import councils_grantable_by

        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils_grantable_by(actor)

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role in COUNCIL_ROLES:
            if not data.get("council") and "council" not in self.errors:
                self.add_error("council", _("居民自治理事会代表须指定理事会"))
            if (data.get("region_code") or "").strip() or data.get("organization_id"):
                self.add_error("council", _("居民自治理事会代表只绑定理事会，不另填区划代码或组织编号"))
            return data
        if data.get("council"):
            self.add_error("council", _("只有居民自治理事会代表可以绑定理事会"))
        if role in ORGANIZATION_ROLES and not data.get("organization_id"):
            self.add_error("organization_id", _("社会组织用户须指定组织"))
        if role and role not in ORGANIZATION_ROLES and not (data.get("region_code") or "").strip():
            self.add_error("region_code", _("该角色须指定区划范围"))
        return data
