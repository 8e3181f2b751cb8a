"""Scoped reads of the evaluation, each in a bounded number of queries.

Who sees what: managers (district, town) and leaders see their subtree; a committee sees its own unit,
its own results and the sheets it filled (its self-assessment and its grading of the town); a town's
staff — the government and its departments — see what they were given; panel members see the units
they score. Outside that: 404.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext as _

from zhengshe.accounts.roles import Role
from zhengshe.core.scoping import Scope, ancestor_paths, get_scoped_or_404
from zhengshe.regions.models import Region

from .choices import RoundStatus, SheetKind, SheetStatus, UnitKind
from .models import (
    MANAGERS,
    Consequence,
    IndicatorResult,
    IndicatorTemplate,
    Objection,
    Panelist,
    Round,
    ScoreSheet,
    Survey,
    Unit,
    UnitResult,
)

PUBLISHED = (RoundStatus.PUBLICITY, RoundStatus.FINAL)
# Who may read results before publication (within their scope): the organisers and leaders.
EARLY_READERS = (Role.DISTRICT_ADMIN, Role.TOWN_STAFF, Role.LEADER)
NOT_FOUND = _("未找到，或不在您的权限范围内。")


def rounds_for(user):
    """Rounds the user can see: through the region tree, or as a panel member."""
    scoped = Round.objects.restrict(user, "view").values("pk")
    return Round.objects.filter(Q(pk__in=scoped) | Q(panelists__user=user)).distinct().select_related("region")


def round_for(user, pk) -> Round:
    """One round within the user's reach, else 404."""
    try:
        return rounds_for(user).get(pk=pk)
    except (Round.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(NOT_FOUND) from exc


def templates_for(user):
    return IndicatorTemplate.objects.restrict(user, "view").select_related("region")


def template_for(user, pk) -> IndicatorTemplate:
    return get_scoped_or_404(IndicatorTemplate.objects.select_related("region"), user, "view", pk=pk)


def is_manager(user, round_: Round) -> bool:
    from .services import can_manage

    return can_manage(user, round_)


def scorable_units(user, round_: Round):
    """Units the user fills a sheet for in this round (self-assessment, panel, or committee grading)."""
    scope = Scope.for_user(user)
    q = Q(pk__in=[])
    if Panelist.objects.filter(round=round_, user=user).exists():
        q |= Q(kind=UnitKind.COMMITTEE)
    for grant in scope.grants_for({Role.VILLAGE_STAFF}):
        if grant.region_path and grant.region_path.startswith(round_.region.path):
            q |= Q(kind=UnitKind.COMMITTEE, region_id=grant.region_id)
            town_path = "/".join(grant.region_path.rstrip("/").split("/")[:-1]) + "/"
            q |= Q(kind__in=[UnitKind.GOVERNMENT, UnitKind.DEPARTMENT], region__path=town_path)
    for grant in scope.grants_for({Role.TOWN_STAFF}):
        if grant.region_path:
            q |= Q(kind__in=[UnitKind.GOVERNMENT, UnitKind.DEPARTMENT], region__path=grant.region_path)
    return Unit.objects.filter(q, round=round_).select_related("region").order_by("kind", "region__path", "department")


def units_for(user, round_: Round | None = None):
    """Units the user may open: within scope, scored by them, or anything of a published round they can see."""
    visible = Unit.objects.restrict(user, "view").values("pk")
    q = Q(pk__in=visible) | Q(round__panelists__user=user)
    if round_ is not None:
        q |= Q(pk__in=scorable_units(user, round_).values("pk"))
        qs = Unit.objects.filter(round=round_)
    else:
        qs = Unit.objects.all()
    return qs.filter(q).distinct()


def unit_for(user, pk) -> Unit:
    """One unit the user may open (404 otherwise)."""
    unit = Unit.objects.select_related("round", "round__region", "region", "region__parent").filter(pk=pk).first()
    if unit is None:
        raise Http404(NOT_FOUND)
    round_ = unit.round
    if Unit.objects.restrict(user, "view").filter(pk=unit.pk).exists():
        return unit
    if round_.status in PUBLISHED and rounds_for(user).filter(pk=round_.pk).exists():
        return unit
    if scorable_units(user, round_).filter(pk=unit.pk).exists():
        return unit
    raise Http404(NOT_FOUND)


def results_for(user, round_: Round):
    """Results the user sees in a round: all of a published round they can see; before publication only the
    organisers and leaders, within their scope.

    A scope covering the whole round needs no filter; a narrower one filters by region path prefix (indexed).
    """
    qs = UnitResult.objects.filter(round=round_)
    if round_.status not in PUBLISHED and not is_manager(user, round_):
        scope = Scope.for_user(user)
        if not (scope.is_superuser or scope.has_role(*EARLY_READERS)):
            return qs.none()  # committees and departments see results from publication (公示) on
        paths = scope.region_paths(UnitResult.scope_roles["view"])
        if not scope.is_superuser and not any(round_.region.path.startswith(p) for p in paths):
            q = Q(pk__in=[])
            for path in paths:
                if path.startswith(round_.region.path):
                    # the regions first (a few hundred for a district), then their units through the FK index
                    ids = list(Region.objects.filter(path__under=path).values_list("pk", flat=True)[:5001])
                    q |= Q(unit__region_id__in=ids) if len(ids) <= 5000 else Q(unit__region__path__under=path)
            qs = qs.filter(q)
    return qs.select_related("unit", "unit__region", "unit__region__parent")


def towns_for(user, round_: Round):
    """The towns of a round the user can filter by (an indexed path query, not a scan of the results)."""
    qs = Region.objects.filter(level="town", path__under=round_.region.path)
    scope = Scope.for_user(user)
    paths = scope.region_paths(scope.roles)
    if not scope.is_superuser and not any(round_.region.path.startswith(p) for p in paths):
        q = Q(pk__in=[])
        for path in paths:
            q |= Q(path__under=path) | Q(path__in=[a for a in ancestor_paths(path)])
        qs = qs.filter(q)
    return qs.order_by("path")


def sheets_for(user):
    """Sheets the user filled, the sheets their committee filled (the scores it gave), and — for managers —
    the sheets about units in their subtree (a department sees what it was given)."""
    scope = Scope.for_user(user)
    q = Q(scorer=user)
    for path in scope.region_paths({Role.VILLAGE_STAFF}):
        q |= Q(on_behalf__path__under=path)
    for path in scope.region_paths(MANAGERS | {Role.LEADER}):
        q |= Q(unit__region__path__under=path)
    return ScoreSheet.objects.filter(q).select_related("unit", "round", "scorer", "on_behalf")


def sheet_for(user, pk) -> ScoreSheet:
    try:
        return sheets_for(user).get(pk=pk)
    except (ScoreSheet.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(NOT_FOUND) from exc


def surveys_for(user, round_: Round):
    return (Survey.objects.restrict(user, "view").filter(round=round_).select_related("unit", "unit__region")
            .annotate(answers=Count("responses")).order_by("unit__region__path"))


def survey_for(user, pk) -> Survey:
    return get_scoped_or_404(Survey.objects.select_related("round", "unit", "unit__region", "unit__region__parent"),
                             user, "view", pk=pk)


def objections_for(user, round_: Round | None = None):
    qs = Objection.objects.restrict(user, "view").select_related("unit", "round", "filed_by", "responded_by")
    return qs.filter(round=round_) if round_ is not None else qs


def objection_for(user, pk) -> Objection:
    return get_scoped_or_404(Objection.objects.select_related("unit", "round", "filed_by"), user, "view", pk=pk)


def consequences_for(user, round_: Round | None = None):
    qs = Consequence.objects.restrict(user, "view").select_related("unit", "round", "proposed_by", "decided_by")
    return qs.filter(round=round_) if round_ is not None else qs


def consequence_for(user, pk) -> Consequence:
    return get_scoped_or_404(Consequence.objects.select_related("unit", "round"), user, "view", pk=pk)


def next_year_flags(region, year: int):
    """Confirmed "flag for next year's agreement" consequences of a committee (for the agreements app)."""
    return Consequence.objects.filter(unit__region=region, next_year=year, kind="flag", status="confirmed")


def unit_breakdown(unit: Unit) -> dict:
    """Indicator rows of a unit grouped by indicator group, with group sums (one query)."""
    rows = list(IndicatorResult.objects.filter(unit=unit).select_related("indicator", "indicator__template")
                .order_by("indicator__template__direction", "indicator__position", "indicator__code"))
    groups: dict = defaultdict(lambda: {"rows": [], "weight": Decimal(0), "points": Decimal(0), "missing": 0})
    for row in rows:
        key = (row.indicator.template.get_direction_display(), row.indicator.group)
        g = groups[key]
        g["rows"].append(row)
        g["weight"] += row.indicator.weight
        if row.points is not None:
            g["points"] += row.points
        else:
            g["missing"] += 1
    return {"groups": [{"direction": k[0], "name": k[1], **v} for k, v in groups.items()]}


def round_progress(round_: Round) -> tuple[dict, list]:
    """Units per kind and sheets per kind/status (two GROUP BYs): a progress board."""
    counts = {row["kind"]: row["n"] for row in round_.units.values("kind").annotate(n=Count("id")).order_by()}
    sheets = [{"kind": SheetKind(r["kind"]).label, "status": SheetStatus(r["status"]).label, "n": r["n"]}
              for r in round_.sheets.values("kind", "status").annotate(n=Count("id")).order_by("kind", "status")]
    return counts, sheets


def chart_data(round_: Round, results) -> dict:
    """Everything the round's charts need, plain JSON, in a fixed number of queries whatever the round size:
    grade distribution (GROUP BY), heat map and year-over-year (first 60/40 committees), government side."""
    bands = [b["label"] for b in round_.grade_bands]
    committees = results.filter(unit__kind=UnitKind.COMMITTEE)
    grades = dict(committees.exclude(grade="").values_list("grade").annotate(n=Count("id")).order_by())
    heat_units = list(committees.order_by("unit__region__path")[:60])
    indicators = list(round_.template_committee.indicators.all()) if round_.template_committee_id else []
    cells = []
    if heat_units and indicators:
        ratios = {(u, i): r for u, i, r in IndicatorResult.objects.filter(
            unit_id__in=[r.unit_id for r in heat_units], indicator__in=indicators).values_list(
            "unit_id", "indicator_id", "ratio")}
        for y, res in enumerate(heat_units):
            for x, ind in enumerate(indicators):
                ratio = ratios.get((res.unit_id, ind.pk))
                cells.append([x, y, None if ratio is None else round(float(ratio) * 100, 1)])
    government = list(results.filter(unit__kind__in=[UnitKind.GOVERNMENT, UnitKind.DEPARTMENT]).order_by(
        "unit__region__path", "unit__kind", "unit__department")[:60])
    government.sort(key=lambda r: (r.unit.region.path, r.unit.kind != UnitKind.GOVERNMENT, r.unit.department))
    scored = [r for r in government if r.final_total is not None]  # an unscored government is missing, not 0
    return {
        "grades": {"labels": bands, "values": [grades.get(b, 0) for b in bands]},
        "heatmap": {"x": [f"{i.code} {i.name}" for i in indicators], "y": [r.unit.name for r in heat_units],
                    "cells": cells},
        "departments": {"labels": [r.unit.name for r in scored], "values": [float(r.final_total) for r in scored],
                        "missing": [r.unit.name for r in government if r.final_total is None]},
        "yoy": year_over_year(round_, results),
    }


def year_over_year(round_: Round, results, limit: int = 40) -> dict:
    """This round's committees beside the previous published round's totals (three queries). A unit not yet
    scored, or not rated, in either round is a gap (null), never a zero; a new round already shows last year."""
    from .aggregation import previous_totals

    units = list(Unit.objects.filter(round=round_, kind=UnitKind.COMMITTEE, pk__in=results.values("unit_id"))
                 .order_by("region__path")[:limit]) if results.exists() else list(
        units_for_round(round_).order_by("region__path")[:limit])
    current = dict(results.filter(unit__in=units).values_list("unit_id", "total"))
    adjusted = dict(results.filter(unit__in=units, adjusted_total__isnull=False).values_list("unit_id",
                                                                                            "adjusted_total"))
    previous, year = previous_totals(round_, regions=[u.region_id for u in units])
    rows = []
    for unit in units:
        now = adjusted.get(unit.pk, current.get(unit.pk))
        before = previous.get((unit.kind, unit.region_id, unit.department))
        if now is not None or before is not None:
            rows.append((unit.name, None if now is None else float(now), None if before is None else float(before)))
    return {"labels": [r[0] for r in rows], "current": [r[1] for r in rows], "previous": [r[2] for r in rows],
            "year": round_.year, "previous_year": year}


def units_for_round(round_: Round):
    return Unit.objects.filter(round=round_, kind=UnitKind.COMMITTEE)
