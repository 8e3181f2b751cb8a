"""The base of every list's filter set."""

import django_filters


class StyledFilterSet(django_filters.FilterSet):
    """Bootstrap classes on every filter widget, so every list's filter bar matches the forms."""

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            is_select = field.widget.__class__.__name__.endswith("Select")
            field.widget.attrs.setdefault("class", "form-select" if is_select else "form-control")
        return form
