"""The region tree's totals as rollup rows (``core.rollups``): villages and communities, population, households
and service centres of at least 400 m² (all, and those of communities: villages' = all − communities'), per node. Every saved or deleted village moves them, through the model's
signals, in the transaction of the save; bulk loads (the demo's province) end with ``rollups.rebuild()``."""

from decimal import Decimal

from django.db.models.signals import post_delete, post_save, pre_save

from zhengshe.core import rollups

from .choices import Level

KEYS = ("villages", "communities", "population", "households", "centres_400", "community_centres_400")
CENTRE_AREA = Decimal("400")


def contribution(path: str, code: str, level: str, population, households, area) -> dict:
    """What one region adds to the totals of its node and its ancestors (only villages/communities add)."""
    if level != Level.VILLAGE:
        return {}
    return {(path, 0, "villages"): 1, (path, 0, "communities"): 1 if code[9:12] <= "199" else 0,
            (path, 0, "population"): population or 0, (path, 0, "households"): households or 0,
            (path, 0, "centres_400"): 1 if (area or 0) >= CENTRE_AREA else 0,
            (path, 0, "community_centres_400"): 1 if code[9:12] <= "199" and (area or 0) >= CENTRE_AREA else 0}


def rows_contribution(queryset) -> dict:
    found = {}
    rows = queryset.filter(level=Level.VILLAGE).values_list(
        "path", "code", "level", "population", "households", "service_centre_area")
    for row in rows.iterator(chunk_size=5000):
        found.update(contribution(*row))
    return found


def of(region) -> dict:
    return contribution(region.path, region.code, region.level, region.population, region.households,
                        region.service_centre_area)


def leaves() -> dict:
    """Every village's contribution, from the rows themselves (for rebuild and verify)."""
    from .models import Region

    return rows_contribution(Region._base_manager.all())


def _before(sender, instance, raw=False, **kwargs):
    instance._rollup_before = {}
    if raw or instance.pk is None or instance._state.adding:
        return
    old = sender._base_manager.filter(pk=instance.pk).values_list(
        "path", "code", "level", "population", "households", "service_centre_area").first()
    instance._rollup_before = contribution(*old) if old else {}


def _after(sender, instance, raw=False, **kwargs):
    if raw:
        return
    rollups.apply(rollups.diff(getattr(instance, "_rollup_before", {}), of(instance)))


def _deleted(sender, instance, **kwargs):
    rollups.apply(rollups.diff(of(instance), {}))


def connect():
    from .models import Region

    rollups.register("regions", keys=KEYS, leaves=leaves)
    pre_save.connect(_before, sender=Region, dispatch_uid="region_rollup_before")
    post_save.connect(_after, sender=Region, dispatch_uid="region_rollup_after")
    post_delete.connect(_deleted, sender=Region, dispatch_uid="region_rollup_deleted")
