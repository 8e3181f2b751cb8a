"""``{% widget %}`` writes exactly the markup Django's widget templates write, for every filter form field."""

import importlib
import pkgutil

import django_filters
import pytest
from django import forms
from django.test import RequestFactory

import zhengshe
from zhengshe.core.templatetags.core_forms import render_widget


def all_filtersets():
    for info in pkgutil.walk_packages(zhengshe.__path__, "zhengshe."):
        if info.name.endswith("filtersets"):
            importlib.import_module(info.name)
    seen, todo = [], list(django_filters.FilterSet.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("zhengshe.") and cls._meta.model is not None:  # not abstract bases
            seen.append(cls)
    return sorted(seen, key=lambda c: f"{c.__module__}.{c.__name__}")


class Sample(forms.Form):
    text = forms.CharField(required=False, widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "名"}))
    number = forms.IntegerField(required=True, min_value=0)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    pick = forms.ChoiceField(choices=[("", "全部"), ("a", "<甲>"), ("组", [("b", "乙"), ("c", "丙")])])
    flag = forms.BooleanField(required=False)  # not handled: falls back to Django's template


@pytest.mark.parametrize("data", [None, {}, {"text": '"><script>alert(1)</script>', "number": "x", "day": "2026-11-22",
                                          "pick": "c", "flag": "on"}])
def test_sample_widgets_match_django(data):
    form = Sample(data)
    form.is_valid() if data is not None else None
    for bound in form:
        assert str(render_widget(bound)) == str(bound.as_widget()), bound.name
    if data:
        assert "<script>" not in render_widget(form["text"])


@pytest.mark.django_db
@pytest.mark.parametrize("filterset", all_filtersets(), ids=lambda c: f"{c.__module__.split('.')[1]}.{c.__name__}")
def test_every_filter_form_renders_as_django_would(world, filterset):
    request = RequestFactory().get("/")
    request.user = world.district_admin
    model = filterset._meta.model
    for data in (None, {name: '<b>"甲"</b>' for name in filterset.base_filters}):
        try:
            fs = filterset(data, queryset=model.objects.all(), request=request)
        except TypeError:
            fs = filterset(data, queryset=model.objects.all())
        if data is not None:
            fs.is_valid()
        for bound in fs.form.visible_fields():
            assert str(render_widget(bound)) == str(bound.as_widget()), (filterset.__name__, bound.name)


def test_filtersets_were_found():
    assert len(all_filtersets()) >= 5
