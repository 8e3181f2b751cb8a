"""Totals over the region tree as rows, kept true in the writing transaction (STYLE: rollups, not caches).

An app declares a **source** (``register``): the keys it owns and a function giving each leaf's contribution
from scratch — ``{(leaf path, year, key): value}``, e.g. one village's population, one agreement's allocated
money under its village's path and year. Its services (or model signals on the rows they save) report each
change as deltas with ``apply``, inside their transaction; ``apply`` adds every delta to the leaf's path and to
every ancestor path. Pages read with ``read`` (one indexed query whatever the tree size).

``rebuild`` recomputes every registered source from scratch; ``differences`` compares the table with a fresh
aggregation (``zhengshe rollups verify``). Core knows no app: sources are registered from ``AppConfig.ready``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, models, transaction

from .scoping import ancestor_paths

ZERO = Decimal("0")
APPLY_BATCH = 500  # rows per INSERT … ON CONFLICT (4 variables each)


@dataclass(frozen=True)
class Source:
    name: str
    keys: frozenset[str]
    leaves: Callable[[], dict]  # () -> {(leaf path, year, key): value}, computed from the rows themselves


_sources: dict[str, Source] = {}


def register(name: str, *, keys, leaves: Callable[[], dict]) -> None:
    """Declare a source of rollup keys (from the owner app's ``AppConfig.ready``)."""
    _sources[name] = Source(name, frozenset(keys), leaves)


def sources() -> list[Source]:
    return [_sources[n] for n in sorted(_sources)]


def spread(leaf_values: dict) -> dict:
    """Leaf contributions → the rows they make: each added to its path and every ancestor path."""
    rows: dict = defaultdict(lambda: ZERO)
    for (path, year, key), value in leaf_values.items():
        if not value:
            continue
        for ancestor in ancestor_paths(path):
            rows[(ancestor, year, key)] += Decimal(value)
    return {k: v for k, v in rows.items() if v}


def apply(deltas: dict) -> None:
    """Add ``{(leaf path, year, key): delta}`` to the rollup rows of the leaf and all its ancestors, in the caller's
    transaction: INSERT … ON CONFLICT DO UPDATE (SQLite and PostgreSQL alike) in batches of ``APPLY_BATCH`` rows, and
    two writers to one county's total serialize on its row instead of losing an update."""
    from .models import Rollup

    rows = sorted(spread(deltas).items())
    if not rows:
        return
    table = connection.ops.quote_name(Rollup._meta.db_table)
    value = connection.ops.quote_name("value")
    key = connection.ops.quote_name("key")
    cast = "CAST(%s AS NUMERIC)" if connection.vendor == "postgresql" else "%s"
    # In batches: SQLite caps the variables of one statement (a province's bulk load moves 100 000 rows).
    for start in range(0, len(rows), APPLY_BATCH):
        batch = rows[start:start + APPLY_BATCH]
        params = [p for (path, year, k), delta in batch for p in (path, year, k, str(delta))]
        values = ", ".join([f"(%s, %s, %s, {cast})"] * len(batch))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (region_path, year, {key}, {value}) VALUES {values} "
                f"ON CONFLICT (region_path, year, {key}) DO UPDATE SET {value} = {table}.{value} + excluded.{value}",
                params)


def diff(before: dict, after: dict) -> dict:
    """The deltas that turn one set of leaf contributions into another (for a row that changed)."""
    out = defaultdict(lambda: ZERO)
    for k, v in after.items():
        out[k] += Decimal(v or 0)
    for k, v in before.items():
        out[k] -= Decimal(v or 0)
    return {k: v for k, v in out.items() if v}


def read(paths, keys, *, year: int | None = 0) -> dict[str, dict[str, Decimal]]:
    """``{path: {key: value}}`` for these nodes (missing rows read as 0): one indexed query.

    ``paths`` is a list of paths or a queryset of them (``Region.objects.filter(…).values("path")``, read as a
    subquery); ``year=None`` sums every year."""
    from django.db.models import Sum

    from .models import Rollup

    keys = list(keys)
    if not isinstance(paths, models.QuerySet):
        paths = list(paths)
    found = {p: dict.fromkeys(keys, ZERO) for p in paths} if isinstance(paths, list) else {}
    if (isinstance(paths, list) and not paths) or not keys:
        return found
    rows = Rollup.objects.filter(key__in=keys, region_path__in=paths)
    if year is None:
        rows = rows.values("region_path", "key").annotate(total=Sum("value")).values_list(
            "region_path", "key", "total").order_by()
    else:
        rows = rows.filter(year=year).values_list("region_path", "key", "value")
    for path, key, value in rows:
        found.setdefault(path, dict.fromkeys(keys, ZERO))[key] = value
    return found


def read_years(path: str, keys, years) -> dict[int, dict[str, Decimal]]:
    """``{year: {key: value}}`` for one node over several years: one indexed query."""
    from .models import Rollup

    years, keys = list(years), list(keys)
    found = {y: dict.fromkeys(keys, ZERO) for y in years}
    for year, key, value in Rollup.objects.filter(key__in=keys, year__in=years, region_path=path).values_list(
            "year", "key", "value"):
        found[year][key] = value
    return found


def expected() -> dict:
    """What the table should hold: every source recomputed from the rows themselves."""
    leaves: dict = {}
    for source in sources():
        leaves.update(source.leaves())
    return spread(leaves)


@transaction.atomic
def rebuild() -> int:
    """Throw the table away and write it again from scratch; the number of rows written."""
    from .models import Rollup

    rows = expected()
    owned = set().union(*(s.keys for s in sources())) if _sources else set()
    Rollup.objects.filter(key__in=owned).delete()
    Rollup.objects.bulk_create([Rollup(region_path=p, year=y, key=k, value=v) for (p, y, k), v in rows.items()],
                               batch_size=2000)
    return len(rows)


def differences(limit: int | None = None) -> list[tuple]:
    """``[(path, year, key, in the table, freshly aggregated)]`` wherever the two disagree."""
    from .models import Rollup

    want = expected()
    owned = set().union(*(s.keys for s in sources())) if _sources else set()
    have = {(p, y, k): v for p, y, k, v in Rollup.objects.filter(key__in=owned).values_list(
        "region_path", "year", "key", "value")}
    out = []
    for key in sorted(set(want) | set(have)):
        a, b = have.get(key, ZERO), want.get(key, ZERO)
        if a != b:
            out.append((*key, a, b))
            if limit and len(out) >= limit:
                break
    return out


class RollupQuerySet(models.QuerySet):
    """Bulk writes that skip model signals (``bulk_create``, ``bulk_update``, ``update``) move the rollups too.

    The model says what one row contributes (``rollup_of(instance)``) and what many rows contribute
    (``rollup_of_rows(queryset)``), and which fields matter (``rollup_fields``); saves and deletes of single
    objects (and ``delete()``, which sends their signals) are handled by the owner's signal handlers."""

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        apply(diff({}, _merge(self.model.rollup_of(o) for o in created)))
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if not set(fields) & set(self.model.rollup_fields):
            return super().bulk_update(objs, fields, *args, **kwargs)
        rows = self.model._base_manager.filter(pk__in=[o.pk for o in objs])
        before = self.model.rollup_of_rows(rows)
        count = super().bulk_update(objs, fields, *args, **kwargs)
        apply(diff(before, self.model.rollup_of_rows(rows)))
        return count

    def update(self, **kwargs):
        if not set(kwargs) & set(self.model.rollup_fields):
            return super().update(**kwargs)
        with transaction.atomic():
            rows = self.model._base_manager.filter(pk__in=list(self.values_list("pk", flat=True)))
            before = self.model.rollup_of_rows(rows)
            count = super().update(**kwargs)
            apply(diff(before, self.model.rollup_of_rows(rows)))
        return count


def _merge(parts) -> dict:
    out: dict = defaultdict(lambda: ZERO)
    for part in parts:
        for k, v in part.items():
            out[k] += Decimal(v or 0)
    return dict(out)
