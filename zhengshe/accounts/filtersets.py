import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengshe.core.filtersets import StyledFilterSet

from .models import User
from .roles import Role


class UserFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(label=_("用户名或姓名"), method="search")
    role = django_filters.ChoiceFilter(label=_("角色"), choices=Role.choices, method="with_role")
    is_active = django_filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = User
        fields = ["q", "role", "is_active"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(username__icontains=value) | Q(display_name__contains=value)) if value else queryset

    def with_role(self, queryset, name, value):
        return queryset.filter(pk__in=User.objects.filter(
            role_assignments__role=value, role_assignments__active=True).values("pk")) if value else queryset
