import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengshe.core.filtersets import StyledFilterSet

from .models import AuditEntry


class AuditEntryFilterSet(StyledFilterSet):
    """Filter the trail by object (type, id or name), by user and by date."""

    q = django_filters.CharFilter(label=_("对象名称"), method="search")
    object_type = django_filters.CharFilter(label=_("对象类型"), lookup_expr="exact")
    object_id = django_filters.CharFilter(label=_("对象编号"))
    actor_name = django_filters.CharFilter(label=_("操作人账号"), lookup_expr="exact")
    action = django_filters.CharFilter(label=_("事件"), lookup_expr="startswith")
    success = django_filters.BooleanFilter(label=_("成功"))
    date_from = django_filters.DateFilter(label=_("起始日期"), method="from_date")
    date_to = django_filters.DateFilter(label=_("截止日期"), method="to_date")

    class Meta:
        model = AuditEntry
        fields = ["q", "object_type", "object_id", "actor_name", "action", "success", "date_from", "date_to"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(object_repr__contains=value) | Q(request_id=value)) if value else queryset

    # Local days (Asia/Shanghai), as an index-friendly range on created_at.
    def from_date(self, queryset, name, value):
        return queryset.filter(created_at__gte=_day_start(value))

    def to_date(self, queryset, name, value):
        from datetime import timedelta

        return queryset.filter(created_at__lt=_day_start(value + timedelta(days=1)))


def _day_start(day):
    from datetime import datetime, time

    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time.min))
