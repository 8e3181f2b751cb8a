"""Aggregating a round: points per indicator, per group, per unit; grades; rankings; last year.

The rules, shown to users beside the numbers (``RULES_TEXT``):

1. Each indicator yields 0 … its weight points. A scored indicator's points are the **mean over the
   submitted sheets that scored it** (panel members and third-party evaluators for a committee; each
   committee of the town for the town government and its departments). Sheets of a scorer who declared a
   conflict of interest with the unit are ignored. Self-assessments are shown beside the result, not counted.
2. Computed indicators take the registered source's value for the unit and year; no data = missing.
3. Survey indicators take the mean satisfaction share of the residents' answers (see ``Indicator.rule_text``).
4. **Missing indicators** follow the round's rule: *renormalise* (default) — the indicators that were scored
   are scaled up to 100 (Σ points ÷ Σ their weights × 100); *zero* — a missing indicator counts 0.
5. The unit score = indicator score × (100 − r)% + residents' score × r% (r = the round's residents weight),
   when the unit has a residents' template and at least ``min_sample`` answers. With fewer answers the unit is
   marked 样本不足 (insufficient sample): its residents' part is left out and it is **not ranked**.
6. Grades: the first band whose minimum the two-decimal total reaches. Ranks: competition ranking (1, 2, 2, 4)
   by kind, within the town and within the round.

The heavy sums run in the database (GROUP BY over scores and answers); the rest is one pass in Python and
bulk writes, so a province-scale round (20 000 committees) aggregates in seconds.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengshe.audit.services import record_event
from zhengshe.core.errors import ServiceError
from zhengshe.core.indicators import get_source

from .choices import MissingRule, ResultRating, RoundStatus, Rule, SheetKind, SheetStatus, ShortSampleRule, UnitKind
from .models import (
    ConflictDeclaration,
    IndicatorResult,
    Round,
    Score,
    ScoreSheet,
    SurveyAnswer,
    SurveyResponse,
    Unit,
    UnitResult,
)
from .scoring import HUNDRED, combine, competition_ranks, computed_points, grade_for, q2, q4, survey_points

log = logging.getLogger(__name__)

RULES_TEXT = [
    gettext_lazy("指标得分：各评分人已提交评分表中该指标得分的平均值（只计给出该项分数的评分人）；"
                 "声明利益冲突的评分人的评分不计入；自评得分仅供对照，不计入总分。"),
    gettext_lazy("自动计算指标：取系统登记的数据来源在本年度的数值，按换算方式折算；无数据视为缺项，不按零分处理。"),
    gettext_lazy("居民满意度指标：非常满意 100%、满意 80%、基本满意 60%、不满意 30%、非常不满意 0%，取平均后乘以权重；"
                 "每个百分比旁注明答卷数。"),
    gettext_lazy("评分覆盖：已评指标（含自动计算指标）的权重合计须达到本轮设定的最低比例（默认 60%），否则该单位为"
                 "“评分不全”，不计总分、不定等次、不排名，不提出经费扣减或奖励等结果运用建议，也不计同比变化。"),
    gettext_lazy("缺项处理按本轮设置：“缺项不计”时以已评指标的权重折算为百分制；“缺项计零分”时缺项按 0 分计。"),
    gettext_lazy("总分 = 指标得分 ×（100 − 居民满意度比例）% + 居民满意度得分 × 居民满意度比例 %；"
                 "答卷数低于最低样本数的单位标为“样本不足”，按本轮设定的同一规则处理（等次暂定或不评定），"
                 "都不参与排名，也不提出经费奖励或扣减，规则印在其总分旁。"),
    gettext_lazy("等次按两位小数的总分对照等次划分确定（如 90.00 为优秀，89.99 为合格）；排名采用并列同名次方式。"),
]

COUNTED_SHEETS = [SheetKind.PANEL, SheetKind.THIRD_PARTY, SheetKind.COMMITTEE]


def _conflicted():
    return Exists(ConflictDeclaration.objects.filter(unit_id=OuterRef("sheet__unit_id"),
                                                     user_id=OuterRef("sheet__scorer_id")))


def _manual_sums(round_: Round, kinds) -> dict:
    """{(unit_id, indicator_id): (Σ points, n)} over submitted, unconflicted sheets: one GROUP BY query."""
    rows = (Score.objects.filter(sheet__round=round_, sheet__status=SheetStatus.SUBMITTED, sheet__kind__in=kinds)
            .exclude(_conflicted()).values("sheet__unit_id", "indicator_id")
            .annotate(total=Sum("points"), n=Count("id")).order_by())
    return {(r["sheet__unit_id"], r["indicator_id"]): (Decimal(str(r["total"])), r["n"]) for r in rows}


def _scorer_counts(round_: Round) -> dict:
    conflicted = Exists(ConflictDeclaration.objects.filter(unit_id=OuterRef("unit_id"), user_id=OuterRef("scorer_id")))
    rows = (ScoreSheet.objects.filter(round=round_, status=SheetStatus.SUBMITTED, kind__in=COUNTED_SHEETS)
            .exclude(conflicted).values("unit_id").annotate(n=Count("id")).order_by())
    return {r["unit_id"]: r["n"] for r in rows}


def _survey_counts(round_: Round, gov_of_committee: dict) -> tuple[dict, dict]:
    """({(unit_id, indicator_id): {level: n}}, {unit_id: responses}); answers on a community's survey about the
    town government count for the town's government unit."""
    levels: dict = defaultdict(lambda: defaultdict(int))
    for r in (SurveyAnswer.objects.filter(response__survey__round=round_)
              .values("response__survey__unit_id", "indicator_id", "indicator__template__direction", "level")
              .annotate(n=Count("id")).order_by()):
        unit_id = r["response__survey__unit_id"]
        if r["indicator__template__direction"] == "residents_gov":
            unit_id = gov_of_committee.get(unit_id)
            if unit_id is None:
                continue
        levels[(unit_id, r["indicator_id"])][r["level"]] += r["n"]
    samples: dict = defaultdict(int)
    for r in SurveyResponse.objects.filter(survey__round=round_).values("survey__unit_id").annotate(
            n=Count("id")).order_by():
        samples[r["survey__unit_id"]] += r["n"]
        gov = gov_of_committee.get(r["survey__unit_id"])
        if gov is not None:
            samples[gov] += r["n"]
    return levels, samples


def _previous_totals(round_: Round, regions=None) -> dict:
    """The previous round's final totals keyed by (kind, region_id, department): the latest earlier year with a
    published round over this region (not only "year − 1", never an unpublished draft); unrated units are missing."""
    rows = UnitResult.objects.filter(round__year__lt=round_.year, round__status__in=[RoundStatus.PUBLICITY,
                                                                                     RoundStatus.FINAL],
                                     unit__region__path__under=round_.region.path)
    if regions is not None:
        rows = rows.filter(unit__region_id__in=regions)
    latest = rows.order_by("-round__year").values_list("round__year", flat=True).first()
    found = {}
    if latest is None:
        return found
    for kind, region_id, dept, total, adjusted in (
            rows.filter(round__year=latest).values_list("unit__kind", "unit__region_id", "unit__department", "total",
                                                        "adjusted_total").order_by("round_id")):
        value = adjusted if adjusted is not None else total
        if value is not None:
            found[(kind, region_id, dept)] = value
    found["year"] = latest
    return found


def previous_totals(round_: Round, regions=None) -> tuple[dict, int | None]:
    """(totals by unit key, the year they are from) — what the results page compares with."""
    found = _previous_totals(round_, regions)
    return found, found.pop("year", None)


def _batched_values(units, templates, year) -> dict:
    """{(source_key, region_id, department): value} from sources that offer a batch function (few queries)."""
    found = {}
    keys = {i.source_key for inds in templates.values() for i in inds if i.rule == Rule.COMPUTED}
    for key in keys:
        source = get_source(key)
        if source is None or source.batch is None:
            continue
        by_department = defaultdict(list)
        for unit in units:
            by_department[unit.department].append(unit.region)
        for department, regions in by_department.items():
            try:
                values = source.batch(regions=regions, year=year, department=department)
            except Exception:  # fall back to one call per unit
                log.exception("evaluation source %s batch failed", key)
                continue
            for region in regions:
                found[(key, region.pk, department)] = values.get(region.pk)
    return found


def _computed(indicator, unit, year, batched=None):
    source = get_source(indicator.source_key)
    if source is None:
        return None, _("数据来源未登记")
    key = (indicator.source_key, unit.region_id, unit.department)
    if batched is not None and key in batched:
        value = batched[key]
        return value, ("" if value is None else str(value))
    try:
        value = source.func(region=unit.region, year=year, department=unit.department)
    except Exception:  # a broken source is reported as missing data on the result, never as zero
        log.exception("evaluation source %s failed for unit %s", indicator.source_key, unit.pk)
        return None, _("数据来源出错")
    return value, ("" if value is None else str(value))


def _fmt(value) -> str:
    return "—" if value is None else f"{value:.2f}"


@dataclass
class _Result:
    """One unit's computed figures before they are written (lighter than a model instance at 20 000 units)."""

    unit_id: int
    main_score: Decimal | None
    residents_score: Decimal | None
    self_score: Decimal | None
    total: Decimal | None
    grade: str
    sample_size: int
    insufficient_sample: bool
    previous_total: Decimal | None
    scorers: int
    explanation: str
    coverage: Decimal | None = None
    rating: str = ResultRating.RATED
    note: str = ""
    adjusted_total: Decimal | None = None
    rank_town: int | None = None
    rank_district: int | None = None

    @property
    def final_total(self):
        return self.total


def round_compute_results(*, actor, round_: Round) -> dict:
    """Aggregate the round into ``IndicatorResult`` and ``UnitResult`` rows (replacing earlier computations).

    Allowed while scoring or under review (before publication). Returns timings and counts.
    """
    from .services import _require_manager

    if actor is not None:
        _require_manager(actor, round_)
    if round_.status not in (RoundStatus.SCORING, RoundStatus.REVIEW):
        raise ServiceError(_("只能在评分或汇总审核阶段计算结果；公示后结果只能通过异议复核调整。"))
    started = time.perf_counter()
    units = list(Unit.objects.filter(round=round_).select_related("region").order_by("id"))
    templates = {}
    for direction in ("gov_committee", "committee_gov", "committee_dept", "residents_committee", "residents_gov"):
        template = round_.template_for(direction)
        templates[direction] = list(template.indicators.all()) if template else []
    gov_by_town = {u.region_id: u.pk for u in units if u.kind == UnitKind.GOVERNMENT}
    gov_of_committee = {u.pk: gov_by_town.get(u.region.parent_id) for u in units if u.kind == UnitKind.COMMITTEE}
    manual = _manual_sums(round_, COUNTED_SHEETS)
    own = _manual_sums(round_, [SheetKind.SELF])
    levels, samples = _survey_counts(round_, gov_of_committee)
    scorers = _scorer_counts(round_)
    previous, _year = previous_totals(round_)
    batched = _batched_values(units, templates, round_.year)
    queried = time.perf_counter()
    indicator_rows, results = _compute(round_, units, templates, manual, own, levels, samples, scorers, previous,
                                       batched)
    _assign_ranks(results, {u.pk: u for u in units})
    computed = time.perf_counter()
    with transaction.atomic():
        IndicatorResult.objects.filter(round=round_)._raw_delete(connection.alias)
        _write(round_, indicator_rows, results)
        round_.results_computed_at = timezone.now()
        round_.save(update_fields=["results_computed_at", "updated_at"])
        stats = {"units": len(units), "indicator_results": len(indicator_rows),
                 "seconds_queries": round(queried - started, 3), "seconds_compute": round(computed - queried, 3),
                 "seconds_total": round(time.perf_counter() - started, 3)}
        record_event("evaluation.results_compute", round_, after=stats)
    return stats


def _compute(round_, units, templates, manual, own, levels, samples, scorers, previous, batched):
    """One pass over the units: indicator rows (tuples) and unit figures, all Decimal."""
    directions = {kind: (Unit(kind=kind).direction, Unit(kind=kind).residents_direction) for kind in UnitKind.values}
    indicator_rows, results = [], []
    for unit in units:
        direction, res_direction = directions[unit.kind]
        main_points, self_points = _main_points(round_, unit, templates[direction], manual, own, batched,
                                                indicator_rows)
        main = combine(main_points, round_.missing_rule)
        coverage = coverage_of(main_points)
        lines = [_main_line(round_, main, main_points, coverage)]
        residents, sample, has_residents = None, 0, bool(res_direction and templates[res_direction])
        if has_residents:
            sample = samples.get(unit.pk, 0)
            res_points = []
            for ind in templates[res_direction]:
                points, count = survey_points(ind, levels.get((unit.pk, ind.pk), {}))
                res_points.append((ind.weight, points))
                indicator_rows.append(_indicator_row(round_.pk, unit.pk, ind, points, count, ""))
            residents = combine(res_points, round_.missing_rule)
        outcome = settle(round_, main, coverage, residents, sample, has_residents)
        lines += outcome.lines
        results.append(_Result(
            unit_id=unit.pk, main_score=outcome.main, residents_score=residents,
            self_score=combine(self_points, round_.missing_rule), total=outcome.total,
            grade=grade_for(outcome.total, round_.grade_bands), sample_size=sample,
            insufficient_sample=outcome.insufficient, previous_total=previous.get(_unit_key(unit)),
            scorers=scorers.get(unit.pk, 0), explanation="\n".join(lines), coverage=coverage,
            rating=outcome.rating, note=outcome.note))
    return indicator_rows, results


def _unit_key(unit) -> tuple:
    return unit.kind, unit.region_id, unit.department


def _main_points(round_, unit, indicators, manual, own, batched, indicator_rows):
    """[(weight, points|None)] of the unit's own template, and of its self-assessment; indicator rows appended."""
    main_points, self_points = [], []
    for ind in indicators:
        raw = ""
        if ind.rule == Rule.COMPUTED:
            value, raw = _computed(ind, unit, round_.year, batched)
            points = computed_points(ind, value)
            count = 0 if value is None else 1
        else:
            total, count = manual.get((unit.pk, ind.pk), (None, 0))
            points = q4(total / count) if count else None
            mine = own.get((unit.pk, ind.pk))
            self_points.append((ind.weight, q4(mine[0] / mine[1]) if mine else None))
        main_points.append((ind.weight, points))
        indicator_rows.append(_indicator_row(round_.pk, unit.pk, ind, points, count, raw))
    return main_points, self_points


def coverage_of(points) -> Decimal:
    """The share (%) of the template's weight that was scored: what a total may rest on."""
    weight = sum((w for w, _p in points), Decimal(0))
    if not weight:
        return Decimal("0.00")
    return q2(sum((w for w, p in points if p is not None), Decimal(0)) / weight * HUNDRED)


def _main_line(round_, main, points, coverage) -> str:
    missing = sum(1 for _w, p in points if p is None)
    return _("指标得分 %(s)s（%(n)d 项指标，缺项 %(m)d 项，已评指标权重 %(c)s%%，%(rule)s）") % {
        "s": _fmt(main), "n": len(points), "m": missing, "c": f"{coverage:.2f}",
        "rule": str(MissingRule(round_.missing_rule).label)}


@dataclass
class Outcome:
    """What a unit's parts add up to under the round's rules: the total (or none), its rating and why."""

    main: Decimal | None
    total: Decimal | None
    rating: str
    note: str
    insufficient: bool
    lines: list


def settle(round_, main, coverage, residents, sample, has_residents) -> Outcome:
    """The round's rules in order: coverage first (评分不全 → no total), then the residents' sample, then the blend."""
    insufficient = has_residents and sample < round_.min_sample
    lines = []
    if has_residents:
        lines.append(_("居民满意度 %(s)s（答卷 %(n)d 份，最低样本 %(min)d 份%(flag)s）") % {
            "s": _fmt(residents), "n": sample, "min": round_.min_sample,
            "flag": _("，样本不足") if insufficient else ""})
    if main is None or coverage < round_.min_coverage:
        note = _("评分不全：已评指标权重 %(c)s%%，低于本轮最低 %(m)s%%，未评定等次，不排名，不运用结果") % {
            "c": f"{coverage:.2f}", "m": f"{round_.min_coverage.normalize():f}"}
        return Outcome(None, None, ResultRating.INCOMPLETE, note, insufficient, lines + [note])
    rw = round_.residents_weight
    if insufficient:
        return _short_sample(round_, main, sample, lines)
    if residents is None or not rw:
        return Outcome(main, main, ResultRating.RATED, "", False, lines)
    total = q2(main * (HUNDRED - rw) / HUNDRED + residents * rw / HUNDRED)
    lines.append(_("总分 = %(m)s × %(a)s%% + %(r)s × %(b)s%% = %(t)s") % {
        "m": _fmt(main), "a": f"{HUNDRED - rw:g}", "r": _fmt(residents), "b": f"{rw:g}", "t": _fmt(total)})
    return Outcome(main, total, ResultRating.RATED, "", False, lines)


def _short_sample(round_, main, sample, lines) -> Outcome:
    """The round's one rule for a short residents' sample, the same for every unit and printed beside its total."""
    counts = {"n": sample, "min": round_.min_sample}
    if round_.short_sample_rule == ShortSampleRule.UNRATED:
        note = _("样本不足（%(n)d/%(min)d 份）：按本轮规则不评定，不计总分、不定等次、不排名、不运用结果") % counts
        return Outcome(main, None, ResultRating.SHORT, note, True, lines + [note])
    note = _("样本不足（%(n)d/%(min)d 份）：按本轮规则等次暂定，总分只计指标得分，不排名，"
             "不提出经费奖励或扣减") % counts
    return Outcome(main, main, ResultRating.PROVISIONAL, note, True, lines + [note])


def _indicator_row(round_id, unit_id, ind, points, count, raw) -> tuple:
    return (round_id, unit_id, ind.pk, points, None if points is None else q4(points / ind.weight), count,
            raw[:100], points is None)


INDICATOR_COLUMNS = ["round_id", "unit_id", "indicator_id", "points", "ratio", "count", "raw", "missing"]
RESULT_COLUMNS = ["main_score", "residents_score", "self_score", "total", "adjusted_total", "grade", "rank_town",
                  "rank_district", "sample_size", "insufficient_sample", "previous_total", "scorers", "explanation",
                  "coverage", "rating", "note"]


def _insert_rows(cursor, head: str, width: int, rows: list, tail: str = "", chunk: int = 1000) -> None:
    """Multi-row ``INSERT … VALUES (…), (…)`` in chunks: one round trip per thousand rows on either database."""
    one = "(" + ", ".join(["%s"] * width) + ")"
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        cursor.execute(f"{head} VALUES {', '.join([one] * len(part))}{tail}", [v for row in part for v in row])


def _write(round_, indicator_rows, results) -> None:
    """Parameterised multi-row inserts (and an upsert keyed by unit) — the ORM's per-object work is what costs
    at 20 000 units, not the database. Derived rows: one typed audit event records the computation."""
    qn = connection.ops.quote_name
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    columns = ["created_at", "updated_at", "round_id", "unit_id"] + RESULT_COLUMNS
    updates = ", ".join(f"{qn(c)} = EXCLUDED.{qn(c)}" for c in ["updated_at"] + RESULT_COLUMNS)
    rows = [(now, now, round_.pk, r.unit_id) + tuple(getattr(r, c) for c in RESULT_COLUMNS) for r in results]
    table = f"{qn(IndicatorResult._meta.db_table)} ({', '.join(qn(c) for c in INDICATOR_COLUMNS)})"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: the bulk path PostgreSQL is built for
            with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                for row in indicator_rows:
                    copy.write_row(row)
        else:
            _insert_rows(cursor, f"INSERT INTO {table}", len(INDICATOR_COLUMNS), indicator_rows)
        _insert_rows(cursor, f"INSERT INTO {qn(UnitResult._meta.db_table)} ({', '.join(qn(c) for c in columns)})",
                     len(columns), rows, f" ON CONFLICT ({qn('unit_id')}) DO UPDATE SET {updates}", chunk=500)


def _town_key(unit: Unit):
    if unit.kind == UnitKind.COMMITTEE:
        return unit.region.parent_id if hasattr(unit, "region") else None
    if unit.kind == UnitKind.DEPARTMENT:
        return unit.region_id
    return None


def _assign_ranks(results: list[UnitResult], units: dict) -> None:
    """Competition ranks by kind, over the round and within each town; unranked: no score or too few answers."""
    by_kind, by_town = defaultdict(list), defaultdict(list)
    for r in results:
        r.rank_district = r.rank_town = None
        score = r.final_total
        if score is None or r.insufficient_sample or r.rating != ResultRating.RATED:
            continue
        unit = units[r.unit_id]
        by_kind[unit.kind].append((r.unit_id, score))
        town = _town_key(unit)
        if town is not None:
            by_town[(unit.kind, town)].append((r.unit_id, score))
    district = {}
    for items in by_kind.values():
        district.update(competition_ranks(items))
    town_ranks = {}
    for items in by_town.values():
        town_ranks.update(competition_ranks(items))
    for r in results:
        r.rank_district = district.get(r.unit_id)
        r.rank_town = town_ranks.get(r.unit_id)


def rerank(round_: Round) -> None:
    """Recompute rankings after a review adjusted a total (bulk update, recorded as one event)."""
    results = list(UnitResult.objects.filter(round=round_).select_related("unit__region"))
    units = {r.unit_id: r.unit for r in results}
    _assign_ranks(results, units)
    UnitResult.objects.bulk_update(results, ["rank_town", "rank_district"], batch_size=2000)
    round_.save(update_fields=["updated_at"])  # cached charts and pages follow the round's timestamp
    record_event("evaluation.results_rerank", round_, after={"units": len(results)})
