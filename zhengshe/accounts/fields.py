"""People pickers for forms: "孙教授（zhuanjia）· 太仓市" grouped by role, searchable by name (``core.pickers``).

The choices are grants (a person in a role over a region) from ``selectors.people_in_scope``; the field cleans to
the person (``User``). ``accounts:people_lookup`` answers the search box with the same scope.
"""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from zhengshe.core.pickers import GroupedModelChoiceField, PickerSelect

from .models import RoleAssignment
from .roles import Role


def person_label(assignment) -> str:
    user = assignment.user
    name = user.display_name or user.username
    where = assignment.region.name if assignment.region_id else ""
    return f"{name}（{user.username}）" + (f" · {where}" if where else "")


class PersonChoiceField(GroupedModelChoiceField):
    """One person, picked by name within a role group; cleans to the ``User``."""

    def __init__(self, queryset, *, role: str = "", **kwargs):
        kwargs.setdefault("widget", PickerSelect(lookup_url=reverse_lazy("accounts:people_lookup"),
                                                 lookup_params={"role": role} if role else {}))
        kwargs.setdefault("error_messages", {"invalid_choice": _("所选人员不存在，或不在您的范围内。")})
        super().__init__(RoleAssignment.objects.none() if queryset is None else queryset, **kwargs)

    def label_from_instance(self, obj) -> str:
        return person_label(obj)

    def group_label(self, obj) -> str:
        return str(Role(obj.role).label)

    def clean(self, value):
        assignment = super().clean(value)
        return assignment.user if assignment is not None else None
