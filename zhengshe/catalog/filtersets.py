import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengshe.core.filtersets import StyledFilterSet, YearFilter
from zhengshe.regions.models import Region

from .choices import AdmissionStatus, AskKind, AskOutcome, BurdenKind, BurdenState, BurdenSubtype, ListKind, ListStatus
from .models import AdmissionRequest, BurdenItem, Department, DutyList, UnlistedAsk


class _RegionCode(django_filters.CharFilter):
    """Rows whose region lies under the region with this code."""

    def __init__(self, *args, lookup: str = "region", **kwargs):
        self.region_lookup = lookup
        super().__init__(*args, method=self._under, **kwargs)

    def _under(self, queryset, name, value):
        path = Region.objects.filter(code=value.strip()).values_list("path", flat=True).first()
        return queryset.filter(**{f"{self.region_lookup}__path__under": path}) if path else queryset.none()


class DutyListFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(label=_("标题或文号"), method="search")
    kind = django_filters.ChoiceFilter(label=_("清单类别"), choices=ListKind.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ListStatus.choices)
    year = YearFilter()

    class Meta:
        model = DutyList
        fields = ["q", "kind", "status", "year"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__contains=value) | Q(document_number__contains=value)) if value else queryset


class DepartmentFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(label=_("名称"), field_name="name", lookup_expr="contains")

    class Meta:
        model = Department
        fields = ["q"]


class AdmissionFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(label=_("事项或部门"), method="search")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=AdmissionStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("事项类型"), choices=AskKind.choices)
    region = _RegionCode(label=_("申请单位区划代码"), lookup="applicant_region")

    class Meta:
        model = AdmissionRequest
        fields = ["q", "status", "kind", "region"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__contains=value) | Q(department__contains=value)) if value else queryset


class RegisterFilterSet(AdmissionFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=[
        (AdmissionStatus.APPROVED, AdmissionStatus.APPROVED.label), (AdmissionStatus.REVOKED, AdmissionStatus.REVOKED.label)])


class AskFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(label=_("事项或部门"), method="search")
    outcome = django_filters.ChoiceFilter(label=_("处理结果"), choices=AskOutcome.choices)
    kind = django_filters.ChoiceFilter(label=_("事项类型"), choices=AskKind.choices)
    year = YearFilter(field_name="received_on", lookup_expr="year")
    region = _RegionCode(label=_("区划代码"))

    class Meta:
        model = UnlistedAsk
        fields = ["q", "outcome", "kind", "year", "region"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__contains=value) | Q(department__contains=value)) if value else queryset


class BurdenFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(label=_("名称或部门"), method="search")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=BurdenKind.choices)
    subtype = django_filters.ChoiceFilter(label=_("类别"), choices=BurdenSubtype.choices)
    state = django_filters.ChoiceFilter(label=_("现状"), choices=BurdenState.choices)
    region = _RegionCode(label=_("区划代码"))

    class Meta:
        model = BurdenItem
        fields = ["q", "kind", "subtype", "state", "region"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__contains=value) | Q(department__contains=value)) if value else queryset
