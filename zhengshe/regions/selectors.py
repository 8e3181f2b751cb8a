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
    sums = rollups.read([c.path for c in children], region_rollups.KEYS)
    for child in children:
        row = sums[child.path]
        child.centres = centre_shares({k: int(v) for k, v in row.items()})
        child.total_villages = int(row["villages"])
        child.summed_population = int(row["population"])
        child.total_population = child.summed_population or (child.population or 0)  # the ratios' basis
        child.total_households = int(row["households"]) or (child.households or 0)
    return children


def children_rows(region: Region) -> list[dict]:
    """``children_with_totals`` as plain rows (code, name, level, the unit's own 统计人口 and the sums over its
    villages and communities, never one standing in for the other): two queries."""
    return [{"code": c.code, "name": c.name, "level": c.level, "total_villages": c.total_villages,
             "population": c.population, "summed_population": c.summed_population, "total_population": c.total_population,
             "total_households": c.total_households,
             "community_centres": c.centres["communities"]["text"], "village_centres": c.centres["villages"]["text"]}
            for c in children_with_totals(region)]


def _centre_share(n: int, of: int) -> dict:
    from decimal import ROUND_HALF_UP, Decimal

    share = (Decimal(n) * 100 / of).quantize(Decimal("0.1"), ROUND_HALF_UP) if of else None
    return {"count": n, "of": of, "share": share,
            "text": f"{share}%（{n}/{of}）" if share is not None else "—"}


def centre_shares(sums: dict) -> dict:
    """Of a subtree's communities (社区) and, separately, its villages: how many have a service centre of at least
    400 m², and the share (Haimen: 97.3 %), from its rollup row."""
    communities, villages = sums["communities"], sums["villages"] - sums["communities"]
    with_community = sums["community_centres_400"]
    return {"communities": _centre_share(with_community, communities),
            "villages": _centre_share(sums["centres_400"] - with_community, villages)}


# The two population figures a unit has, and how pages name them: the statistical figure recorded for the unit
# itself (a county's 831 000 from the statistics bureau), and the sum of what its villages and communities record
# (906 084). They differ; a page shows both where they do and says which one its ratios use.
RECORDED = "recorded"
SUMMED = "summed"


def population_labels() -> dict:
    from django.utils.translation import gettext as _

    return {RECORDED: _("统计人口"), SUMMED: _("下辖村社人口合计")}


def population_basis(region: Region, summed: int) -> dict:
    """The population a per-10 000 ratio over ``region`` uses: the sum of its villages and communities, or the unit's
    own 统计人口 when none of them records one (a village: its own figure). Both figures come back, with labels."""
    from django.utils.translation import gettext as _

    labels = population_labels()
    recorded = region.population
    if region.level == Level.VILLAGE:
        value, source = recorded or 0, RECORDED
    elif summed:
        value, source = summed, SUMMED
    else:
        value, source = recorded or 0, RECORDED
    return {"value": value, "source": source, "label": labels[source], "recorded": recorded,
            "summed": summed if region.level != Level.VILLAGE else None,
            "differ": region.level != Level.VILLAGE and bool(recorded) and bool(summed) and recorded != summed,
            "difference": abs((summed or 0) - (recorded or 0)),
            "note": _("每万人拥有数按%(l)s（%(v)s）计算") % {"l": labels[source], "v": f"{value:,}"}}


def with_summed_population(queryset):
    """Annotate ``summed_population``: each region's 下辖村社人口合计 from its rollup row (a subquery per row shown)."""
    from django.db.models import BigIntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Cast, Coalesce

    from zhengshe.core.models import Rollup

    row = Rollup.objects.filter(region_path=OuterRef("path"), year=0, key="population").values("value")[:1]
    return queryset.annotate(summed_population=Coalesce(Cast(Subquery(row), BigIntegerField()), Value(0)))


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
            f"community_centres_400_{i}": Count("id", filter=within & Q(village_part__lte="199",
                                                                        service_centre_area__gte=400)),
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
