"""Pickers: a choice among hundreds of regions or people, grouped (town → village, role → person) and searchable.

The widget is a plain ``<select>`` with one ``<optgroup>`` per group, so it works without JavaScript; the small
local script ``static/zhengshe/picker.js`` (no CDN) adds a search box that filters the options by name or code and,
when the widget names a ``lookup`` URL, asks that scoped JSON endpoint for matches the page did not list. Core
knows no domain: the regions and accounts apps build their fields on these (``regions.fields.RegionChoiceField``,
``accounts.fields.PersonChoiceField``) and serve the look-ups.
"""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator


class _Picker:
    def __init__(self, attrs=None, choices=(), *, lookup_url="", lookup_params: dict | None = None):
        attrs = {"class": "form-select", "data-picker": "1", **(attrs or {})}
        super().__init__(attrs, choices)
        self.lookup_url, self.lookup_params = lookup_url, dict(lookup_params or {})

    def get_context(self, name, value, attrs):
        from django.utils.translation import gettext

        context = super().get_context(name, value, attrs)
        # The script's words, in the page's language.
        context["widget"]["attrs"].update({"data-picker-placeholder": gettext("输入名称或代码筛选"),
                                           "data-picker-none": gettext("无匹配项"),
                                           "data-picker-more": gettext("匹配较多，请输入更多字词缩小范围")})
        if self.lookup_url:
            from urllib.parse import urlencode

            query = urlencode(self.lookup_params)
            context["widget"]["attrs"]["data-lookup"] = f"{self.lookup_url}?{query}" if query else str(self.lookup_url)
        return context


class PickerSelect(_Picker, forms.Select):
    """One choice, grouped and searchable."""


class PickerSelectMultiple(_Picker, forms.SelectMultiple):
    """Several choices, grouped and searchable (Ctrl/⌘ + click, or the search box then click)."""

    def __init__(self, attrs=None, choices=(), **kwargs):
        super().__init__({"size": 12, **(attrs or {})}, choices, **kwargs)


class GroupedModelChoiceIterator(ModelChoiceIterator):
    """The field's objects as ``(group label, [(value, label), …])`` in queryset order (one query)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[str, list] = {}
        for obj in self.queryset:
            groups.setdefault(self.field.group_label(obj), []).append(self.choice(obj))
        yield from groups.items()


class GroupedChoiceMixin:
    """``group_label(obj)`` names an object's group (its town, its role); ``label_from_instance`` its option."""

    iterator = GroupedModelChoiceIterator

    def group_label(self, obj) -> str:
        return ""


class GroupedModelChoiceField(GroupedChoiceMixin, forms.ModelChoiceField):
    widget = PickerSelect


class GroupedModelMultipleChoiceField(GroupedChoiceMixin, forms.ModelMultipleChoiceField):
    widget = PickerSelectMultiple
