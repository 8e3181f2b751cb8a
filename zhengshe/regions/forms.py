from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Region


class RegionForm(forms.ModelForm):
    """Create a region under a given parent, or edit one (its code and parent never change: they are its path)."""

    updated_at_token = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Region
        fields = ["code", "name", "urban_rural_code", "population", "households", "service_centre_area", "is_active"]
        help_texts = {
            "code": _("6 位（县）、9 位（乡镇街道）或 12 位（村、社区）统计用区划代码；网格为村代码加“-”和本地编号"),
        }

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields.pop("code")
            self.fields["updated_at_token"].initial = self.instance.updated_at.isoformat() if self.instance.pk else ""
        else:
            self.fields.pop("is_active")

    def clean_code(self):
        from . import codes

        code = self.cleaned_data["code"].strip().upper()
        self.instance.level = codes.level_of(code) or ""
        return code
