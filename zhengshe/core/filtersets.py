"""The base of every list's filter set."""

import django_filters
from django.utils.translation import gettext_lazy as _


class StyledFilterSet(django_filters.FilterSet):
    """Bootstrap classes on every filter widget, so every list's filter bar matches the forms."""

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            is_select = field.widget.__class__.__name__.endswith("Select")
            field.widget.attrs.setdefault("class", "form-select" if is_select else "form-control")
        return form


class YearFilter(django_filters.NumberFilter):
    """A year (年度) between 1949 and 2100: anything else is a form error on the page and a 400 in the API,
    never a query the database cannot run (``?year=-1`` on a date's year used to answer 500)."""

    field_class = django_filters.fields.forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("年度"))
        kwargs.setdefault("min_value", 1949)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)
