"""Scope targets: objects other than a region that a grant can be bound to (an organization, a residents' council).

Accounts knows no feature app. The app that owns such an object registers it here at start-up, with the roles
that are bound to it; a grant then stores ``(target_kind, target_id)`` and the region the target hangs on.
Core's scoping reads ``Grant.target_kind/target_id`` and each scoped model says, in ``scope_target_fields``,
which lookup leads from it to a target of each kind (``{"organization": "pk"}``, ``{"council": "agreement__council"}``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q


@dataclass(frozen=True)
class TargetKind:
    """One kind of object grants can be bound to."""

    kind: str                 # "organization", "council"
    model: str                # app_label.ModelName of the owner's model
    label: object             # 社会组织, 居民自治理事会 (lazy: translated where the form and the user page show it)
    roles: frozenset[str]     # roles that are always bound to one object of this kind
    region_field: str = "region"  # lookup from the target to the region it hangs on
    pick_from_list: bool = False  # the grant form offers a list (few objects) rather than an id box

    @property
    def model_class(self):
        return apps.get_model(self.model)

    def get(self, target_id):
        """The target with this id, or None."""
        return self.model_class._default_manager.filter(pk=target_id).first()

    def region_of(self, target):
        region = target
        for part in self.region_field.split("__"):
            region = getattr(region, part, None)
        return region

    def within(self, paths):
        """The targets hanging inside any of these region subtrees."""
        q = Q(pk__in=[])
        for path in paths:
            q |= Q(**{f"{self.region_field}__path__under": path})
        return self.model_class._default_manager.filter(q)


_kinds: dict[str, TargetKind] = {}


def register_target(kind: str, *, model: str, label, roles, region_field: str = "region",
                    pick_from_list: bool = False) -> None:
    """Declare a kind of grant target (called from the owner app's ``AppConfig.ready``)."""
    _kinds[kind] = TargetKind(kind, model, label, frozenset(roles), region_field, pick_from_list)


def kinds() -> list[TargetKind]:
    return sorted(_kinds.values(), key=lambda k: k.kind)


def kind(name: str) -> TargetKind | None:
    return _kinds.get(name)


def kind_for_role(role: str) -> TargetKind | None:
    """The target kind a role is bound to (None: the role is held over a region subtree)."""
    return next((k for k in _kinds.values() if role in k.roles), None)


def kind_of(obj) -> TargetKind | None:
    """The registered kind whose model ``obj`` is an instance of."""
    label = obj._meta.label
    return next((k for k in _kinds.values() if k.model == label), None)
