"""Reads over the region tree, each in a constant number of queries whatever the tree size.

Sums over a subtree (``totals``, ``children_with_totals``, ``totals_for_paths``) are cached under the
tree's version token (``models.TreeVersion``), which every write to the tree replaces in its own
transaction: the province leader's home page and the province's page read one small row instead of
aggregating 20 000 villages, and never show totals older than the tree.
"""

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr

from zhengshe.core.scoping import Scope, ancestor_paths
from zhengshe.core.versions import CACHE_SECONDS, cached_under, read_tokens, version_key

from .choices import Level
from .models import Region, TreeVersion


def tree_token() -> str:
    """The region tree's current version (``core.versions.read_tokens``)."""
    return read_tokens(TreeVersion)


def _key(kind: str, token: str, path: str) -> str:
    return version_key(f"regions:{kind}", token, path)


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


def totals(path_prefix: str, *, token: str | None = None) -> dict:
    """Villages/communities, population, households and centre area summed over a subtree.

    Two small reads when cached (the tree token and the cache), else one aggregate query.
    """
    return totals_for_paths([path_prefix], token=token)[path_prefix]


def children_with_totals(region: Region, *, token: str | None = None):
    """Direct children of ``region``, each with village/population/household sums of its own subtree.

    Two queries whatever the tree size: the children, and one GROUP BY over the subtree's villages keyed
    by the child's path prefix (children of one parent share one code length; grids and villagers'
    groups hold no villages, so they need no sums).
    """
    children = list(Region.objects.filter(parent=region).order_by("code"))
    if not children:
        return []
    lengths = tuple(sorted({len(c.path) for c in children if c.level not in (Level.GRID, Level.GROUP)}))
    key = _key("children", token or tree_token(), f"{region.path}:{lengths}")
    sums = cache.get(key)
    if sums is None:
        sums = _children_sums(region, lengths)
        cache.set(key, sums, CACHE_SECONDS)
    for child in children:
        row = sums.get(child.path, {})
        child.total_villages = row.get("villages", 0) or 0
        child.total_population = row.get("population", 0) or (child.population or 0)
        child.total_households = row.get("households", 0) or (child.households or 0)
    return children


def children_rows(region: Region, *, token: str | None = None) -> list[dict]:
    """``children_with_totals`` as plain rows (code, name, level and the sums), cached under the tree's
    version: a region's page reads no children until the tree changes."""
    token = token or tree_token()
    return cached_under_tree("children-rows", (region.path,), lambda: [
        {"code": c.code, "name": c.name, "level": c.level, "total_villages": c.total_villages,
         "total_population": c.total_population, "total_households": c.total_households}
        for c in children_with_totals(region, token=token)], token=token)


def _children_sums(region: Region, lengths) -> dict:
    sums = {}
    for length in lengths:  # one length (one query) unless codes under one parent differ in length
        rows = (
            Region.objects.filter(path__under=region.path, level=Level.VILLAGE)
            .annotate(child_path=Substr("path", 1, length))
            .values("child_path")
            .annotate(villages=Count("id"), population=Sum("population"), households=Sum("households"))
            .order_by()
        )
        sums.update({row["child_path"]: row for row in rows})
    return sums


def totals_for_paths(paths: list[str], *, token: str | None = None) -> dict[str, dict]:
    """``totals`` for several subtrees at once: the cached ones, and one query for the others."""
    if not paths:
        return {}
    token = token or tree_token()
    keys = {path: _key("totals", token, path) for path in paths}
    found = cache.get_many(list(keys.values()))
    result = {path: found[key] for path, key in keys.items() if key in found}
    missing = [path for path in paths if path not in result]
    if missing:
        computed = _totals_for_paths_uncached(missing)
        cache.set_many({keys[path]: value for path, value in computed.items()}, CACHE_SECONDS)
        result.update(computed)
    return result


def _totals_for_paths_uncached(paths: list[str]) -> dict[str, dict]:
    """One query with one filtered sum per subtree."""
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


def breadcrumbs(region: Region, user, *, token: str | None = None) -> list[dict]:
    """Ancestors for the breadcrumb (cached under the tree's version); links only where the user's scope reaches."""
    scope = Scope.for_user(user)
    chain = cached_under_tree("ancestors", (region.path,), lambda: list(
        ancestors(region, include_self=True).values_list("name", "code", "path")), token=token)
    return [{"name": name, "code": code, "link": scope.covers_path(path, scope.roles)} for name, code, path in chain]


def cached_under_tree(kind: str, key_parts: tuple, compute, *, token: str | None = None):
    """``compute()``, cached under the tree's version and ``key_parts``, which must determine the result
    (e.g. ``list_key``: the user's scope and the list's filters); a key built from the request is cheaper
    than compiling the query it stands for."""
    return cached_under(f"regions:{kind}", token or tree_token(), key_parts, compute)


def cached_count(queryset, key_parts: tuple, *, token: str | None = None) -> int:
    """``queryset.count()`` for a list of regions (the province's is 21 000 index entries), cached."""
    return cached_under_tree("count", key_parts, queryset.count, token=token)


def list_key(kind: str, request) -> tuple:
    """What a region list's rows depend on: the user's scope and the query string (but the page)."""
    from zhengshe.core.scoping import roles_for_action

    scope = Scope.for_user(request.user)
    return (kind, scope.is_superuser, tuple(scope.region_paths(roles_for_action(Region, "view"))),
            tuple(sorted((k, tuple(v)) for k, v in request.GET.lists() if k not in ("page", "export"))))
