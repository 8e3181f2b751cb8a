from django import forms
from django.utils.translation import gettext_lazy as _

from zhengshe.regions.models import Region

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
    region_code = forms.CharField(label=_("所属区划代码"), max_length=24)

    def clean_region_code(self):
        code = self.cleaned_data["region_code"].strip()
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise forms.ValidationError(_("区划代码“%s”不存在。") % code)
        self.region = region
        return code


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    region_code = forms.CharField(label=_("区划代码"), max_length=24, required=False)
    organization_id = forms.IntegerField(label=_("组织编号"), required=False)
    department = forms.CharField(label=_("所在部门"), max_length=100, required=False)
