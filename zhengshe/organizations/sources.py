"""Computed indicators this app offers to the evaluation app (``core.indicators`` registry)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, Q


def _live(region, year):
    from .models import Organization

    return Organization.objects.filter(region__path__under=region.path, status__in=["active", "suspended"]).exclude(
        registered_on__gt=date(year, 12, 31))


def organizations_per_10k(*, region, year, department="") -> Decimal | None:
    """Live organizations registered or filed by the end of ``year`` per 10 000 residents of ``region``."""
    from zhengshe.regions.selectors import totals

    population = totals(region.path)["population"] or (region.population or 0)
    if not population:
        return None
    return (Decimal(_live(region, year).count()) * 10000 / population).quantize(Decimal("0.01"))


def share_graded_3a(*, region, year, department="") -> Decimal | None:
    """Share of registered organizations holding a 3A–5A grade in force at the end of ``year``."""
    agg = _live(region, year).filter(registration_kind="registered").aggregate(
        n=Count("id"), top=Count("id", filter=Q(grade__in=["3A", "4A", "5A"], grade_valid_to__gte=date(year, 12, 31),
                                  grade_valid_from__lte=date(year, 12, 31))))
    if not agg["n"]:
        return None
    return (Decimal(agg["top"]) / agg["n"]).quantize(Decimal("0.0001"))
