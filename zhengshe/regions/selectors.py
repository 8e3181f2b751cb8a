"""Reads over the region tree, each in a constant number of queries whatever the tree size.

Sums over a subtree (``totals``, ``children_with_totals``, ``totals_for_paths``) are rollup rows
(``regions.rollups``, ``core.rollups``) kept in the transaction of every write to a village: the province
leader's home page and the province's page read a few indexed rows instead of aggregating 20 000 villages,
and every worker reads the same rows.
"""

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr

from zhengshe.core import rollups
from zhengshe.core.scoping import Scope, ancestor_paths

from . import rollups as region_rollups
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
    """Villages/communities, population, households and centre area summed over a subtree: its rollup row."""
    return totals_for_paths([path_prefix])[path_prefix]


def children_with_totals(region: Region):
    """Direct children of ``region``, each with village/population/household sums of its own subtree.

    Two queries whatever the tree size: the children, and their rollup rows.
    """
    children = list(Region.objects.filter(parent=region).order_by("code"))
    if not children:
        return []
    sums = rollups.read([c.path for c in children], ("villages", "population", "households"))
    for child in children:
        row = sums[child.path]
        child.total_villages = int(row["villages"])
        child.total_population = int(row["population"]) or (child.population or 0)
        child.total_households = int(row["households"]) or (child.households or 0)
    return children


def children_rows(region: Region) -> list[dict]:
    """``children_with_totals`` as plain rows (code, name, level and the sums): two queries."""
    return [{"code": c.code, "name": c.name, "level": c.level, "total_villages": c.total_villages,
             "total_population": c.total_population, "total_households": c.total_households}
            for c in children_with_totals(region)]


def totals_for_paths(paths: list[str]) -> dict[str, dict]:
    """``totals`` for several subtrees at once: their rollup rows, one indexed query."""
    sums = rollups.read(paths, region_rollups.KEYS)
    return {path: {k: int(v) for k, v in row.items()} for path, row in sums.items()}


def fresh_totals_for_paths(paths: list[str]) -> dict[str, dict]:
    """The same totals aggregated from the villages themselves (one query): what the rollups must equal."""
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
    return {path: {k: agg[f"{k}_{i}"] or 0 for k in region_rollups.KEYS} for i, path in enumerate(paths)}


def breadcrumbs(region: Region, user) -> list[dict]:
    """Ancestors for the breadcrumb (one query); links only where the user's scope reaches."""
    scope = Scope.for_user(user)
    chain = ancestors(region, include_self=True).values_list("name", "code", "path")
    return [{"name": name, "code": code, "link": scope.covers_path(path, scope.roles)} for name, code, path in chain]


LOOKUP_PAGE = 20


def lookup(user, *, q: str = "", level: str = "", page: int = 1) -> tuple[list[dict], bool]:
    """One page of the regions in ``user``'s scope matching ``q`` (name contains, or code starts with), for the
    pickers' search: (rows with the town they belong to, whether more follow). Two queries at most."""
    qs = Region.objects.restrict(user, "view").select_related("parent").order_by("path")
    q = q.strip()[:50]
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q))
    if level in Level.values:
        qs = qs.filter(level=level)
    start = (max(page, 1) - 1) * LOOKUP_PAGE
    found = list(qs[start:start + LOOKUP_PAGE + 1])
    from .fields import region_label

    rows = [{"id": r.pk, "code": r.code, "name": r.name, "level": r.level, "label": region_label(r),
             "group": region_label(r.parent) if r.parent_id else ""} for r in found[:LOOKUP_PAGE]]
    return rows, len(found) > LOOKUP_PAGE
