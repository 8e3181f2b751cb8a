import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import Level
from .models import Region


class RegionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("名称或代码"), method="search")
    level = django_filters.ChoiceFilter(label=_("层级"), choices=Level.choices)
    within = django_filters.CharFilter(label=_("上级区划代码"), method="under")

    class Meta:
        model = Region
        fields = ["q", "level", "within"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__contains=value) | Q(code__startswith=value)) if value else queryset

    def under(self, queryset, name, value):
        parent = Region.objects.filter(code=value.strip()).values_list("path", flat=True).first()
        return queryset.filter(path__under=parent) if parent else queryset.none()
