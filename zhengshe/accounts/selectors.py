"""Scoped reads over accounts: which users and grants a system/security administrator manages, and the grants
core's scoping reads (``grants_of``, registered as core's grant provider)."""

from collections import defaultdict

from django.db.models import Prefetch, Q

from zhengshe.core.cache import remember
from zhengshe.core.scoping import Grant, Scope, ancestor_paths

from . import targets
from .models import RoleAssignment, User
from .roles import Role

MANAGER_ROLES = {Role.SYS_ADMIN, Role.SECURITY_ADMIN}


def grants_of(user) -> list[Grant]:
    """The user's active grants as core's ``Grant`` rows, cached under their grants token (renewed with every
    change to them). A grant bound to a target carries no region path: it covers that object only.

    Stored only once the reading transaction commits (at once outside a transaction): grants read inside a
    transaction that later rolls back never reach the cache.
    """
    token = getattr(user, "grants_token", None)
    key = f"zs:grants:v2:{user.pk}:{token}" if token is not None else None
    rows = remember(key, lambda: list(RoleAssignment.objects.filter(user_id=user.pk, active=True).values_list(
        "role", "region_id", "region__path", "region__level", "target_kind", "target_id")))
    return [Grant(role, None, None, None, kind, tid) if kind else Grant(role, rid, path, level)
            for role, rid, path, level, kind, tid in rows]


def attach_targets(assignments) -> None:
    """Fetch the bound objects of many grants with one query per kind (for lists of grants)."""
    wanted = defaultdict(set)
    for a in assignments:
        if a.target_kind:
            wanted[a.target_kind].add(a.target_id)
    found = {}
    for name, ids in wanted.items():
        kind = targets.kind(name)
        if kind:
            found[name] = kind.model_class._default_manager.in_bulk(ids)
    for a in assignments:
        if a.target_kind:
            a.__dict__["_target"] = found.get(a.target_kind, {}).get(a.target_id)


def _manager_paths(user) -> list[str] | None:
    """Region prefixes the user manages accounts in; None for a superuser (everything)."""
    scope = Scope.for_user(user)
    if scope.is_superuser:
        return None
    return scope.region_paths(MANAGER_ROLES)


def users_in_scope(user):
    """Users whose home region or any grant lies inside the manager's subtree (one query plus one prefetch).
    A grant bound to an organization or a council stores that object's region, so one lookup covers all."""
    paths = _manager_paths(user)
    if paths is None:
        qs = User.objects.all()
    elif not paths:
        return User.objects.none()
    else:
        q = Q(pk__in=[])
        for path in paths:
            q |= Q(home_region__path__under=path) | Q(role_assignments__region__path__under=path)
        qs = User.objects.filter(pk__in=User.objects.filter(q).values("pk"))
    return qs.select_related("home_region").prefetch_related(Prefetch(
        "role_assignments",
        queryset=RoleAssignment.objects.filter(active=True).select_related("region"),
        to_attr="active_assignments"))


def assignments_in_scope(user):
    """Grants the manager may see and revoke: those whose region (the target's, for bound grants) is inside
    their subtree."""
    paths = _manager_paths(user)
    qs = RoleAssignment.objects.select_related("user", "region")
    if paths is None:
        return qs
    if not paths:
        return qs.none()
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(region__path__under=path)
    return qs.filter(q)


def targets_grantable_by(user, kind):
    """Objects of one target kind a security administrator may bind an account to: those inside their subtree
    (everything for a superuser)."""
    scope = Scope.for_user(user)
    model = kind.model_class
    qs = model._default_manager.select_related(kind.region_field).order_by(f"{kind.region_field}__path", "pk")
    if "is_active" in {f.name for f in model._meta.fields}:
        qs = qs.filter(is_active=True)
    if scope.is_superuser:
        return qs
    paths = scope.region_paths({Role.SECURITY_ADMIN})
    if not paths:
        return qs.none()
    return qs.filter(pk__in=kind.within(paths).values("pk"))


def holders_of(item) -> list[int]:
    """Ids of the users a work item (or a message's address) waits for: its assignee, or the active holders of its
    role over a region containing its path or bound to its target (core's inbox asks through
    ``register_holder_provider``). An address with no role reaches every role there; one marked
    ``exact_region`` reaches the office of that region itself, not those above it."""
    if getattr(item, "assignee_id", None):
        return [item.assignee_id]
    if not item.region_path:
        q = Q(pk__in=[])
    elif getattr(item, "exact_region", False):
        q = Q(region__path=item.region_path)
    else:
        q = Q(region__path__in=ancestor_paths(item.region_path))
    if item.target_id:
        q |= Q(target_kind=item.target_kind, target_id=item.target_id)
    grants = RoleAssignment.objects.filter(q, active=True)
    if item.role:
        grants = grants.filter(role=item.role)
    return sorted(set(grants.values_list("user_id", flat=True)))


def people_in_scope(user, *, roles=None, q: str = ""):
    """The people a worker may pick (a panel's scorer, a grading expert): active region grants inside the user's
    own subtrees or over them (a county's experts for a town), never a sibling's. One row per person and role."""
    scope = Scope.for_user(user)
    paths = scope.region_paths(scope.roles)
    if not paths and not scope.is_superuser:
        return RoleAssignment.objects.none()
    qs = RoleAssignment.objects.filter(active=True, target_kind="", region__isnull=False, user__is_active=True)
    if not scope.is_superuser:
        cond = Q(region__path__in={a for p in paths for a in ancestor_paths(p)})
        for path in paths:
            cond |= Q(region__path__under=path)
        qs = qs.filter(cond)
    if roles:
        qs = qs.filter(role__in=set(roles))
    q = q.strip()[:50]
    if q:
        qs = qs.filter(Q(user__display_name__contains=q) | Q(user__username__startswith=q))
    return qs.select_related("user", "region").order_by("role", "user__display_name", "user__username", "pk")


LOOKUP_PAGE = 20


def people_lookup(user, *, q: str = "", role: str = "", page: int = 1) -> tuple[list[dict], bool]:
    """One page of :func:`people_in_scope` for the people pickers' search: (rows, whether more follow)."""
    from .fields import person_label

    qs = people_in_scope(user, roles=[role] if role in Role.values else None, q=q)
    start = (max(page, 1) - 1) * LOOKUP_PAGE
    found = list(qs[start:start + LOOKUP_PAGE + 1])
    rows = [{"id": a.pk, "label": person_label(a), "group": str(Role(a.role).label), "role": a.role}
            for a in found[:LOOKUP_PAGE]]
    return rows, len(found) > LOOKUP_PAGE
