"""Computed indicators: values the system derives from its own data, registered by the apps that own it.

An app registers a source in its ``AppConfig.ready``::

    from zhengshe.core.indicators import register_source
    register_source("agreements.items_done_share", _("协议事项完成率"), items_done_share, unit="ratio")

A source is ``func(*, region, year, department="") -> Decimal | None``: ``region`` is the unit
evaluated (a committee's village/community, or a town for the government side), ``department`` is set
when a department is the unit. None means "no data" (the indicator is then reported as missing, never
as zero). ``unit`` tells the scoring rule how to read the value: "ratio" (0–1), "count" or "score".

Optional, for province-scale rounds: ``batch=func(*, regions, year, department="") -> {region_id: value}``
answers for many units in a few queries; the aggregation uses it when given (units missing from the dict
count as "no data") and falls back to one call per unit otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    func: Callable
    unit: str = "ratio"  # ratio (0–1), count, score
    batch: Callable | None = None


_sources: dict[str, Source] = {}


def register_source(key: str, label, func: Callable, *, unit: str = "ratio", batch: Callable | None = None) -> None:
    _sources[key] = Source(key, str(label), func, unit, batch)


def get_source(key: str) -> Source | None:
    return _sources.get(key)


def all_sources() -> list[Source]:
    return sorted(_sources.values(), key=lambda s: s.key)
