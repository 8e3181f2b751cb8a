import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengshe.core.filtersets import StyledFilterSet, YearFilter

from .choices import AgreementKind, AgreementStatus, LedgerKind
from .models import Agreement, AgreementTemplate, LedgerEntry


class AgreementFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(label=_("乙方名称、代码或协议编号"), method="search")
    year = YearFilter()
    status = django_filters.ChoiceFilter(label=_("状态"), choices=AgreementStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=AgreementKind.choices)
    town = django_filters.CharFilter(label=_("镇（街道）代码"), method="in_town")

    class Meta:
        model = Agreement
        fields = ["q", "year", "status", "kind", "town"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(party_b_name__contains=value) | Q(party_b__code__startswith=value)
                               | Q(number__contains=value))

    def in_town(self, queryset, name, value):
        return queryset.filter(party_b__parent__code=value.strip()) if value.strip() else queryset


class TemplateFilterSet(StyledFilterSet):
    year = YearFilter()

    class Meta:
        model = AgreementTemplate
        fields = ["year"]


class LedgerFilterSet(StyledFilterSet):
    year = YearFilter(field_name="agreement__year")
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=LedgerKind.choices)
    q = django_filters.CharFilter(label=_("乙方或凭证号"), method="search")

    class Meta:
        model = LedgerEntry
        fields = ["year", "kind", "q"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(agreement__party_b_name__contains=value) | Q(voucher_number__contains=value)
                               | Q(agreement__party_b__code__startswith=value)) if value else queryset
