"""Filters for the lists (search by name, code, category, region …)."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from zhengshe.core.filtersets import StyledFilterSet, YearFilter
from zhengshe.core.protected import looks_like, protected_q
from zhengshe.regions.models import Region

from .choices import (
    Category,
    ChangeStatus,
    CreditList,
    Grade,
    OrgStatus,
    OrgType,
    RegistrationKind,
    RegistrationLevel,
    ReportStatus,
)
from .models import AnnualReport, ChangeRequest, CreditEntry, Organization


def _under(queryset, lookup, value):
    """Rows in the subtree of the region with code ``value``: region ids first, then an indexed look-up."""
    path = Region.objects.filter(code=value.strip()).values_list("path", flat=True).first()
    if not path:
        return queryset.none()
    field = lookup.removesuffix("__path")
    return queryset.filter(**{f"{field}__in": Region.objects.filter(path__under=path).values("id")})


class OrganizationFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(label=_("名称、代码或联系电话"), method="search")
    phone_lookup = True  # staff find an organization by its full contact phone
    org_type = django_filters.ChoiceFilter(label=_("类型"), choices=OrgType.choices)
    category = django_filters.ChoiceFilter(label=_("类别"), choices=Category.choices)
    registration_kind = django_filters.ChoiceFilter(label=_("登记/备案"), choices=RegistrationKind.choices)
    registration_level = django_filters.ChoiceFilter(label=_("登记层级"), choices=RegistrationLevel.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=OrgStatus.choices)
    grade = django_filters.ChoiceFilter(label=_("等级"), choices=Grade.choices)
    within = django_filters.CharFilter(label=_("区划代码"), method="under")
    credit = django_filters.ChoiceFilter(label=_("信用名录"), choices=CreditList.choices, method="on_list")

    class Meta:
        model = Organization
        fields = ["q", "org_type", "category", "registration_kind", "registration_level", "status", "grade", "within",
                  "credit"]

    def on_list(self, queryset, name, value):
        current = CreditEntry.objects.filter(organization=OuterRef("pk"), list_kind=value, removed_on__isnull=True)
        return queryset.filter(Exists(current))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        q = Q(name__contains=value) | Q(credit_code=value.upper()) | Q(filing_number=value)
        if self.phone_lookup and looks_like(Organization, "contact_phone", value):
            q |= protected_q(Organization, "contact_phone", value)  # by the blind index, nothing decrypted
        return queryset.filter(q)

    def under(self, queryset, name, value):
        return _under(queryset, "region__path", value) if value.strip() else queryset


class PublicDirectoryFilterSet(OrganizationFilterSet):
    q = django_filters.CharFilter(label=_("名称或代码"), method="search")
    phone_lookup = False  # the public may not learn whose number a phone is

    class Meta:
        model = Organization
        fields = ["q", "org_type", "category", "grade", "within"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("status", "registration_kind", "registration_level", "credit"):
            self.filters.pop(name, None)


class ChangeRequestFilterSet(StyledFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ChangeStatus.choices)

    class Meta:
        model = ChangeRequest
        fields = ["status"]


class AnnualReportFilterSet(StyledFilterSet):
    year = YearFilter()
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ReportStatus.choices)
    late = django_filters.BooleanFilter(label=_("逾期"))
    q = django_filters.CharFilter(label=_("组织名称"), field_name="organization__name", lookup_expr="contains")

    class Meta:
        model = AnnualReport
        fields = ["year", "status", "late", "q"]


class CreditEntryFilterSet(StyledFilterSet):
    list_kind = django_filters.ChoiceFilter(label=_("名录"), choices=CreditList.choices)
    current = django_filters.BooleanFilter(label=_("仍在名录中"), field_name="removed_on", lookup_expr="isnull")
    q = django_filters.CharFilter(label=_("组织名称"), field_name="organization__name", lookup_expr="contains")

    class Meta:
        model = CreditEntry
        fields = ["list_kind", "current", "q"]
