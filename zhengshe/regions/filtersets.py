import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengshe.core.filtersets import StyledFilterSet

from .choices import Level
from .models import Region


class RegionFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(label=_("名称或代码"), method="search")
    level = django_filters.ChoiceFilter(label=_("层级"), choices=Level.choices)
    within = django_filters.CharFilter(label=_("上级区划代码"), method="under")

    class Meta:
        model = Region
        fields = ["q", "level", "within"]

    def search(self, queryset, name, value):
        """Digits look up a code prefix (on the code index); anything else, a part of the name."""
        value = value.strip()
        if not value:
            return queryset
        if value.isascii() and value.replace("-", "").isalnum() and value[0].isdigit():
            return queryset.filter(Q(code__under=value) | Q(name__contains=value))
        return queryset.filter(name__contains=value)

    def under(self, queryset, name, value):
        parent = Region.objects.filter(code=value.strip()).values_list("path", flat=True).first()
        return queryset.filter(path__under=parent) if parent else queryset.none()
