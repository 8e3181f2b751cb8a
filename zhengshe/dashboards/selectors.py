"""Reads for the faces leaders and workers land on: the home page's scope roots and their totals."""

from zhengshe.accounts import targets
from zhengshe.accounts.roles import Role
from zhengshe.core.scoping import Scope
from zhengshe.regions.models import Region
from zhengshe.regions.selectors import totals_for_paths


def home_summary(user) -> dict:
    """The user's scope roots with their totals, for the home page: two queries however many grants."""
    scope = Scope.for_user(user)
    granted = sorted({g.region_path for g in scope.grants if g.region_path})
    regions = list(Region.objects.filter(path__in=granted).order_by("path")) if granted else []
    home = set(scope.home_paths)
    roots = [r for r in regions if r.path in home]
    sums = totals_for_paths([r.path for r in roots])
    for root in roots:
        root.totals = sums[root.path]
    names = {r.path: r.name for r in regions}
    labels = []
    for g in scope.grants:
        if g.region_path:
            labels.append(f"{Role(g.role).label} · {names.get(g.region_path) or ''}".rstrip(" ·"))
        elif g.target_id:
            # The organization or council this account acts for, by name (one query per bound grant: one or two).
            kind = targets.kind(g.target_kind)
            target = kind.get(g.target_id) if kind is not None else None
            labels.append(f"{Role(g.role).label} · {target or ''}".rstrip(" ·"))
    return {"scope_roots": roots, "grant_labels": labels}
