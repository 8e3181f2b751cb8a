"""Region pickers for forms: options "新湖村（320585105201）" grouped by their town "双凤镇（320585105）".

Two villages of the same name in different towns can be told apart, every option shows its code, and the search
box (``core.pickers``) finds one among a county's hundreds by name or code, asking ``regions:lookup`` (the user's
scope only) for what the page did not list.
"""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from zhengshe.core.pickers import (
    GroupedModelChoiceField,
    GroupedModelMultipleChoiceField,
    PickerSelect,
    PickerSelectMultiple,
)

from .models import Region


def region_label(region) -> str:
    return f"{region.name}（{region.code}）"


class _RegionPicking:
    def __init__(self, queryset=None, *, level: str = "", **kwargs):
        queryset = Region.objects.none() if queryset is None else queryset
        params = {"level": level} if level else {}
        kwargs.setdefault("widget", self.widget_class(lookup_url=reverse_lazy("regions:lookup"), lookup_params=params))
        super().__init__(queryset, **kwargs)
        self.error_messages = {**self.error_messages, "invalid_choice": self.invalid_message,
                               "invalid_pk_value": _("所选区划无效。")}

    def _set_queryset(self, queryset):  # keep the parent join and the tree order whoever sets the queryset
        super()._set_queryset(None if queryset is None else queryset.select_related("parent").order_by("path"))

    queryset = property(GroupedModelChoiceField.queryset.fget, _set_queryset)

    def label_from_instance(self, obj) -> str:
        return region_label(obj)

    def group_label(self, obj) -> str:
        return region_label(obj.parent) if obj.parent_id else ""


class RegionChoiceField(_RegionPicking, GroupedModelChoiceField):
    widget_class = PickerSelect
    invalid_message = _("所选区划不存在，或不在您的管理范围内。")


class RegionMultipleChoiceField(_RegionPicking, GroupedModelMultipleChoiceField):
    widget_class = PickerSelectMultiple
    invalid_message = _("所选区划中有不存在或不在您管理范围内的。")
