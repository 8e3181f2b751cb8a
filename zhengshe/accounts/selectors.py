"""Scoped reads over accounts: which users and grants a system/security administrator manages."""

from django.db.models import Prefetch, Q

from zhengshe.core.scoping import Scope

from .models import RoleAssignment, User
from .roles import Role

MANAGER_ROLES = {Role.SYS_ADMIN, Role.SECURITY_ADMIN}


def _manager_paths(user) -> list[str] | None:
    """Region prefixes the user manages accounts in; None for a superuser (everything)."""
    scope = Scope.for_user(user)
    if scope.is_superuser:
        return None
    return scope.region_paths(MANAGER_ROLES)


def users_in_scope(user):
    """Users whose home region or any grant lies inside the manager's subtree (one query plus one prefetch)."""
    paths = _manager_paths(user)
    if paths is None:
        qs = User.objects.all()
    elif not paths:
        return User.objects.none()
    else:
        q = Q(pk__in=[])
        for path in paths:
            q |= Q(home_region__path__under=path)
            q |= Q(role_assignments__region__path__under=path)
            q |= Q(role_assignments__organization__region__path__under=path)
            q |= Q(role_assignments__council__region__path__under=path)
        qs = User.objects.filter(pk__in=User.objects.filter(q).values("pk"))
    return qs.select_related("home_region").prefetch_related(Prefetch(
        "role_assignments",
        queryset=RoleAssignment.objects.filter(active=True).select_related("region", "organization", "council"),
        to_attr="active_assignments"))


def assignments_in_scope(user):
    """Grants the manager may see and revoke: inside their subtree, by region, organization's or council's region."""
    paths = _manager_paths(user)
    qs = RoleAssignment.objects.select_related("user", "region", "organization", "council__region")
    if paths is None:
        return qs
    if not paths:
        return qs.none()
    q = Q(pk__in=[])
    for path in paths:
        q |= (Q(region__path__under=path) | Q(organization__region__path__under=path)
              | Q(council__region__path__under=path))
    return qs.filter(q)


def councils_grantable_by(user):
    """Residents' councils a security administrator may bind a 居民自治理事会代表 account to: those of the villages
    inside their subtree (everything for a superuser, nothing for anyone else)."""
    from zhengshe.agreements.models import ResidentsCouncil

    scope = Scope.for_user(user)
    qs = ResidentsCouncil.objects.filter(is_active=True).select_related("region").order_by("region__path", "name")
    if scope.is_superuser:
        return qs
    paths = scope.region_paths({Role.SECURITY_ADMIN})
    if not paths:
        return qs.none()
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(region__path__under=path)
    return qs.filter(q)
