import django_filters
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry


class AuditEntryFilterSet(django_filters.FilterSet):
    object_type = django_filters.CharFilter(label=_("对象类型"), lookup_expr="exact")
    object_id = django_filters.CharFilter(label=_("对象编号"))
    actor_name = django_filters.CharFilter(label=_("操作人账号"), lookup_expr="exact")
    action = django_filters.CharFilter(label=_("事件"), lookup_expr="startswith")
    date_from = django_filters.DateFilter(label=_("起始日期"), field_name="created_at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(label=_("截止日期"), field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = AuditEntry
        fields = ["object_type", "object_id", "actor_name", "action", "date_from", "date_to"]
