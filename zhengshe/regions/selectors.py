"""Reads over the region tree, each in a constant number of queries whatever the tree size."""

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr

from zhengshe.core.scoping import Scope, ancestor_paths

from .choices import Level
from .models import Region


def subtree(region: Region, *, include_self: bool = True):
    """Every region under ``region``: one indexed prefix query."""
    qs = Region.objects.filter(path__under=region.path)
    return qs if include_self else qs.exclude(pk=region.pk)


def ancestors(region: Region, *, include_self: bool = False):
    """The chain from the root down to ``region``: one query."""
    paths = ancestor_paths(region.path)
    if not include_self:
        paths = paths[:-1]
    return Region.objects.filter(path__in=paths).order_by("depth")


def regions_for_user(user):
    return Region.objects.restrict(user, "view")


def totals(path_prefix: str) -> dict:
    """Villages/communities, population, households and centre area summed over a subtree: one query."""
    agg = Region.objects.filter(path__under=path_prefix, level=Level.VILLAGE).annotate(
        village_part=Substr("code", 10, 3)).aggregate(
        villages=Count("id"),
        communities=Count("id", filter=Q(village_part__lte="199")),
        population=Sum("population"),
        households=Sum("households"),
        centres_400=Count("id", filter=Q(service_centre_area__gte=400)),
    )
    return {k: v or 0 for k, v in agg.items()}


def children_with_totals(region: Region):
    """Direct children of ``region``, each with village/population/household sums of its own subtree.

    Two queries whatever the tree size: the children, and one GROUP BY over the subtree's villages keyed
    by the child's path prefix (children of one parent share one code length; grids and villagers'
    groups hold no villages, so they need no sums).
    """
    children = list(Region.objects.filter(parent=region).order_by("code"))
    if not children:
        return []
    lengths = {len(c.path) for c in children if c.level not in (Level.GRID, Level.GROUP)}
    sums = {}
    for length in sorted(lengths):  # one length (one query) unless codes under one parent differ in length
        rows = (
            Region.objects.filter(path__under=region.path, level=Level.VILLAGE)
            .annotate(child_path=Substr("path", 1, length))
            .values("child_path")
            .annotate(villages=Count("id"), population=Sum("population"), households=Sum("households"))
            .order_by()
        )
        sums.update({row["child_path"]: row for row in rows})
    for child in children:
        row = sums.get(child.path, {})
        child.total_villages = row.get("villages", 0) or 0
        child.total_population = row.get("population", 0) or (child.population or 0)
        child.total_households = row.get("households", 0) or (child.households or 0)
    return children


def totals_for_paths(paths: list[str]) -> dict[str, dict]:
    """``totals`` for several subtrees at once: one query with one filtered sum per subtree."""
    if not paths:
        return {}
    aggregates = {}
    for i, path in enumerate(paths):
        within = Q(path__under=path)
        aggregates.update({
            f"villages_{i}": Count("id", filter=within),
            f"communities_{i}": Count("id", filter=within & Q(village_part__lte="199")),
            f"population_{i}": Sum("population", filter=within),
            f"households_{i}": Sum("households", filter=within),
            f"centres_400_{i}": Count("id", filter=within & Q(service_centre_area__gte=400)),
        })
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(path__under=path)
    agg = Region.objects.filter(q, level=Level.VILLAGE).annotate(village_part=Substr("code", 10, 3)).aggregate(
        **aggregates)
    keys = ("villages", "communities", "population", "households", "centres_400")
    return {path: {k: agg[f"{k}_{i}"] or 0 for k in keys} for i, path in enumerate(paths)}


def home_summary(user) -> dict:
    """The user's scope roots with their totals, for the home page: two queries however many grants."""
    from zhengshe.accounts.roles import Role

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
        elif g.organization_id:
            labels.append(str(Role(g.role).label))
    return {"scope_roots": roots, "grant_labels": labels}


def breadcrumbs(region: Region, user) -> list[dict]:
    """Ancestors for the breadcrumb; links only where the user's scope reaches."""
    scope = Scope.for_user(user)
    crumbs = []
    for r in ancestors(region, include_self=True):
        crumbs.append({"name": r.name, "code": r.code, "link": scope.covers_path(r.path, scope.roles)})
    return crumbs
