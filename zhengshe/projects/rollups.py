"""Needs and calls as rollup rows (``core.rollups``) per node of the region tree and year: how many needs the
communities recorded and how many residents named them; how many calls were published and their budgets, under
the buyer's region. Moved by the models' saves and deletes (signals), in the writing transaction."""

from django.db.models.signals import post_delete, post_save, pre_save

from zhengshe.core import rollups

from .choices import CallStatus

NEED_KEYS = ("projects.needs", "projects.need_residents")
CALL_KEYS = ("projects.calls", "projects.call_budget")
KEYS = NEED_KEYS + CALL_KEYS
LIVE_CALLS = (CallStatus.PUBLISHED, CallStatus.CLOSED)


def _need(path, year, residents) -> dict:
    return {(path, year, "projects.needs"): 1, (path, year, "projects.need_residents"): residents or 0} if path else {}


def _call(path, year, status, budget) -> dict:
    if not path or status not in LIVE_CALLS:
        return {}
    return {(path, year, "projects.calls"): 1, (path, year, "projects.call_budget"): budget or 0}


def _sum(rows, fn) -> dict:
    found: dict = {}
    for row in rows:
        for key, value in fn(*row).items():
            found[key] = found.get(key, 0) + value
    return found


def _rows(model, pks=None) -> dict:
    from .models import Call, Need

    qs = model._base_manager.all() if pks is None else model._base_manager.filter(pk__in=pks)
    if model is Need:
        return _sum(qs.values_list("region__path", "year", "residents"), _need)
    if model is Call:
        return _sum(qs.values_list("buyer_region__path", "year", "status", "budget"), _call)
    return {}


def leaves() -> dict:
    from .models import Call, Need

    return {**_rows(Need), **_rows(Call)}


def _before(sender, instance, raw=False, **kwargs):
    instance._rollup_before = {} if raw or instance._state.adding or instance.pk is None else _rows(sender,
                                                                                                     [instance.pk])


def _after(sender, instance, raw=False, **kwargs):
    if not raw:
        rollups.apply(rollups.diff(getattr(instance, "_rollup_before", {}), _rows(sender, [instance.pk])))


def _deleted(sender, instance, **kwargs):
    rollups.apply(rollups.diff(getattr(instance, "_rollup_gone", {}), {}))


def _before_delete(sender, instance, **kwargs):
    instance._rollup_gone = _rows(sender, [instance.pk])


def connect():
    from django.db.models.signals import pre_delete

    from .models import Call, Need

    rollups.register("projects", keys=KEYS, leaves=leaves)
    for model in (Need, Call):
        name = model.__name__.lower()
        pre_save.connect(_before, sender=model, dispatch_uid=f"projects_{name}_rollup_before")
        post_save.connect(_after, sender=model, dispatch_uid=f"projects_{name}_rollup_after")
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"projects_{name}_rollup_gone")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"projects_{name}_rollup_deleted")
