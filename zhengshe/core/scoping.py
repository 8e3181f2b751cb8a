"""The one scoping mechanism: which rows of the region tree and which organizations a user covers.

A user's grants (accounts' ``RoleAssignment`` rows: a role within a region subtree, or bound to one scope
target such as an organization or a residents' council) reach core through a grant provider that the
foundation registers (``register_grant_provider``): core imports no app. ``Scope`` turns them into path
prefixes and target ids, once per request. Every scoped model's
queryset offers ``restrict(user, action)``; views, API, exports and jobs all go through it, and
anything outside answers 404.

A scoped model declares (as class attributes):
- ``scope_region_field``: lookup from the model to a ``Region`` FK (e.g. ``"region"``,
  ``"agreement__party_b"``), or None;
- ``scope_target_fields``: {target kind: lookup to that target's FK} (``"pk"`` for the target itself),
  e.g. ``{"organization": "organization"}`` or ``{"council": "agreement__council"}``: grants bound to one
  target (an organization's account, a council representative's account) see only rows of that target;
- ``scope_visible_from_below``: True when rows attached to a region are visible to everybody
  working inside that region's subtree (a list published by the county applies to its villages);
- ``scope_roles``: optional {action: set of roles} overriding the registered ``ACTION_ROLES``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _


def ancestor_paths(path: str) -> list[str]:
    """'32/3205/320585/' → ['32/', '32/3205/', '32/3205/320585/'] (the path itself included)."""
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def collapse_paths(paths) -> list[str]:
    """Drop paths already covered by a shorter one, so filters stay small."""
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept


@dataclass(frozen=True)
class Grant:
    """One active grant as core sees it: a role over a region subtree, or bound to one target object."""

    role: str
    region_id: int | None
    region_path: str | None
    region_level: str | None
    target_kind: str = ""
    target_id: int | None = None


_grant_provider = None
ACTION_ROLES: dict[str, set[str]] = {}


def register_grant_provider(provider) -> None:
    """``provider(user) -> list[Grant]``: the foundation (accounts) registers how a user's grants are read."""
    global _grant_provider
    _grant_provider = provider


def register_action_roles(mapping: dict[str, set[str]]) -> None:
    """The default roles per action (``view``, ``change``…), declared by the foundation."""
    ACTION_ROLES.clear()
    ACTION_ROLES.update(mapping)


@dataclass
class Scope:
    """What one user covers, by role. Built from their active grants in one query."""

    user_id: int | None
    grants: list[Grant] = field(default_factory=list)
    is_superuser: bool = False

    @classmethod
    def for_user(cls, user) -> Scope:
        if user is None or not getattr(user, "is_authenticated", False):
            return cls(user_id=None)
        cached = getattr(user, "_zhengshe_scope", None)
        if cached is not None:
            return cached
        grants = list(_grant_provider(user)) if _grant_provider else []
        scope = cls(user_id=user.pk, grants=grants, is_superuser=user.is_superuser)
        user._zhengshe_scope = scope
        return scope

    @cached_property
    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def grants_for(self, roles) -> list[Grant]:
        return [g for g in self.grants if g.role in roles]

    def region_paths(self, roles) -> list[str]:
        return collapse_paths(g.region_path for g in self.grants_for(roles) if g.region_path)

    def target_ids(self, kind: str, roles) -> list[int]:
        """Ids of the targets of one kind (``"organization"``, ``"council"``) these roles are bound to."""
        return sorted({g.target_id for g in self.grants_for(roles) if g.target_kind == kind and g.target_id})

    def covers_path(self, path: str, roles) -> bool:
        return any(path.startswith(p) for p in self.region_paths(roles))

    def roles_covering(self, region_path: str | None = None, targets: dict[str, int | None] | None = None) -> set[str]:
        """The roles this user holds over a region path, or bound to one of ``targets`` ({kind: id})."""
        targets = targets or {}
        found = set()
        for g in self.grants:
            if g.region_path and region_path and region_path.startswith(g.region_path):
                found.add(g.role)
            elif g.target_id and targets.get(g.target_kind) == g.target_id:
                found.add(g.role)
        return found

    @cached_property
    def home_paths(self) -> list[str]:
        return self.region_paths(self.roles)


def roles_for_action(model, action: str) -> set[str]:
    override = getattr(model, "scope_roles", None) or {}
    return set(override.get(action, ACTION_ROLES.get(action, set())))


def scope_q(model, user, action: str = "view") -> Q | None:
    """The filter a user's scope puts on ``model`` for ``action``; None = nothing is visible."""
    scope = Scope.for_user(user)
    roles = roles_for_action(model, action)
    region_field = getattr(model, "scope_region_field", None)
    q = Q(pk__in=[])
    matched = False
    paths = scope.region_paths(roles)
    if region_field and paths:
        lookup = "path" if region_field == "self" else f"{region_field}__path"
        for path in paths:
            q |= Q(**{f"{lookup}__under": path})
        if getattr(model, "scope_visible_from_below", False):
            above = {a for p in paths for a in ancestor_paths(p)}
            q |= Q(**{f"{lookup}__in": sorted(above)})
        matched = True
    for kind, lookup in (getattr(model, "scope_target_fields", None) or {}).items():
        ids = scope.target_ids(kind, roles)
        if ids:
            q |= Q(**{f"{lookup}__in": ids})
            matched = True
    return q if matched else None


class ScopedQuerySet(models.QuerySet):
    """QuerySet with ``restrict(user, action)``: the only way views, API and jobs read scoped rows."""

    def restrict(self, user, action: str = "view"):
        q = scope_q(self.model, user, action)
        if q is None:
            return self.none()
        return self.filter(q)


def get_scoped_or_404(queryset_or_model, user, action: str = "view", **lookup):
    """Fetch one row within the user's scope; missing and forbidden answer the same 404."""
    qs = queryset_or_model if isinstance(queryset_or_model, models.QuerySet) else queryset_or_model.objects.all()
    try:
        return qs.restrict(user, action).get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("未找到，或不在您的权限范围内。")) from exc


def object_region_path(obj) -> str | None:
    """The region path an object hangs on, following its ``scope_region_field``."""
    field_path = getattr(type(obj), "scope_region_field", None)
    if not field_path:
        return None
    if field_path == "self":
        return getattr(obj, "path", None)
    target = obj
    for part in field_path.split("__"):
        target = getattr(target, part, None)
        if target is None:
            return None
    return getattr(target, "path", None)


def object_targets(obj) -> dict[str, int | None]:
    """{target kind: id} of the targets an object hangs on, following its ``scope_target_fields``."""
    found = {}
    for kind, field_path in (getattr(type(obj), "scope_target_fields", None) or {}).items():
        if field_path == "pk":
            found[kind] = obj.pk
            continue
        target = obj
        parts = field_path.split("__")
        for part in parts[:-1]:
            target = getattr(target, part, None)
            if target is None:
                break
        found[kind] = getattr(target, f"{parts[-1]}_id", None) if target is not None else None
    return found


def user_roles_on(user, obj) -> set[str]:
    """Roles the user holds that cover ``obj`` (through its region or one of its targets)."""
    return Scope.for_user(user).roles_covering(object_region_path(obj), object_targets(obj))
