"""The one scoping mechanism: which rows of the region tree and which organizations a user covers.

A user's grants are ``RoleAssignment`` rows (role within a region subtree or one organization).
``Scope`` turns them into path prefixes and organization ids, once per request. Every scoped model's
queryset offers ``restrict(user, action)``; views, API, exports and jobs all go through it, and
anything outside answers 404.

A scoped model declares (as class attributes):
- ``scope_region_field``: lookup from the model to a ``Region`` FK (e.g. ``"region"``,
  ``"agreement__party_b"``), or None;
- ``scope_org_field``: lookup to an ``Organization`` FK, or None;
- ``scope_council_field``: lookup to a ``ResidentsCouncil`` FK (``"pk"`` for the council itself), or None:
  grants bound to one council (its representative's account) see only rows of that council;
- ``scope_visible_from_below``: True when rows attached to a region are visible to everybody
  working inside that region's subtree (a list published by the county applies to its villages);
- ``scope_roles``: optional {action: set of roles} overriding ``accounts.roles.ACTION_ROLES``.
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


@dataclass
class Grant:
    role: str
    region_id: int | None
    region_path: str | None
    region_level: str | None
    organization_id: int | None
    council_id: int | None = None


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
        rows = _grant_rows(user)
        scope = cls(user_id=user.pk, grants=[Grant(*row) for row in rows], is_superuser=user.is_superuser)
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

    def organization_ids(self, roles) -> list[int]:
        return sorted({g.organization_id for g in self.grants_for(roles) if g.organization_id})

    def council_ids(self, roles) -> list[int]:
        return sorted({g.council_id for g in self.grants_for(roles) if g.council_id})

    def covers_path(self, path: str, roles) -> bool:
        return any(path.startswith(p) for p in self.region_paths(roles))

    def roles_covering(self, region_path: str | None = None, organization_id: int | None = None,
                       council_id: int | None = None) -> set[str]:
        """The roles this user holds over a given region (or organization, or residents' council)."""
        found = set()
        for g in self.grants:
            if council_id and g.council_id == council_id:
                found.add(g.role)
            if region_path and g.region_path and region_path.startswith(g.region_path):
                found.add(g.role)
            if organization_id and g.organization_id == organization_id:
                found.add(g.role)
        return found

    @cached_property
    def home_paths(self) -> list[str]:
        return self.region_paths(self.roles)


def _grant_rows(user) -> list[tuple]:
    """The user's active grants, cached under their grants token (renewed with every change to them).

    Stored only once the reading transaction commits (at once outside a transaction): grants read inside a
    transaction that later rolls back never reach the cache.
    """
    from django.core.cache import cache
    from django.db import transaction

    from zhengshe.accounts.models import RoleAssignment

    token = getattr(user, "grants_token", None)
    key = f"zs:grants:{user.pk}:{token}" if token is not None else None
    rows = cache.get(key) if key else None
    if rows is None:
        rows = list(RoleAssignment.objects.filter(user_id=user.pk, active=True).values_list(
            "role", "region_id", "region__path", "region__level", "organization_id", "council_id"))
        if key:
            transaction.on_commit(lambda: cache.set(key, rows, 3600))
    return rows


def roles_for_action(model, action: str) -> set[str]:
    from zhengshe.accounts.roles import ACTION_ROLES

    override = getattr(model, "scope_roles", None) or {}
    return set(override.get(action, ACTION_ROLES.get(action, set())))


def scope_q(model, user, action: str = "view") -> Q | None:
    """The filter a user's scope puts on ``model`` for ``action``; None = nothing is visible."""
    scope = Scope.for_user(user)
    roles = roles_for_action(model, action)
    region_field = getattr(model, "scope_region_field", None)
    org_field = getattr(model, "scope_org_field", None)
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
    org_ids = scope.organization_ids(roles)
    if org_field and org_ids:
        q |= Q(**{f"{org_field}__in": org_ids})
        matched = True
    council_field = getattr(model, "scope_council_field", None)
    council_ids = scope.council_ids(roles)
    if council_field and council_ids:
        q |= Q(**{f"{council_field}__in": council_ids})
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


def object_organization_id(obj, attribute: str = "scope_org_field") -> int | None:
    field_path = getattr(type(obj), attribute, None)
    if not field_path:
        return None
    if field_path == "pk":
        return obj.pk
    target = obj
    parts = field_path.split("__")
    for part in parts[:-1]:
        target = getattr(target, part, None)
        if target is None:
            return None
    return getattr(target, f"{parts[-1]}_id", None)


def user_roles_on(user, obj) -> set[str]:
    """Roles the user holds that cover ``obj`` (through its region or organization)."""
    scope = Scope.for_user(user)
    return scope.roles_covering(object_region_path(obj), object_organization_id(obj),
                                object_organization_id(obj, "scope_council_field"))
