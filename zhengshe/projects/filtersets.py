import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengshe.core.filtersets import StyledFilterSet, YearFilter

from .choices import ApplicationStatus, CallKind, CallStatus, CatalogueKind
from .models import Application, Call, Need, ServiceItem


class NeedFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(label=_("需求或类别"), method="search")
    year = YearFilter()

    class Meta:
        model = Need
        fields = ["q", "year"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__contains=value) | Q(category__contains=value)) if value else queryset


class ServiceItemFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(label=_("名称或编号"), method="search")
    kind = django_filters.ChoiceFilter(label=_("目录"), choices=CatalogueKind.choices, empty_label=_("全部"))

    class Meta:
        model = ServiceItem
        fields = ["q", "kind"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__contains=value) | Q(code__contains=value)) if value else queryset


class CallFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(label=_("名称或编号"), method="search")
    kind = django_filters.ChoiceFilter(label=_("方式"), choices=CallKind.choices, empty_label=_("全部"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=CallStatus.choices, empty_label=_("全部"))
    year = YearFilter()

    class Meta:
        model = Call
        fields = ["q", "kind", "status", "year"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__contains=value) | Q(number__contains=value)) if value else queryset


class ApplicationFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(label=_("项目或组织"), method="search")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ApplicationStatus.choices, empty_label=_("全部"))

    class Meta:
        model = Application
        fields = ["q", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__contains=value) | Q(organization__name__contains=value)) if value else queryset
