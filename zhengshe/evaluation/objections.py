"""Objections (异议) to a published result, answered with four eyes.

An answer never types a total: it names the indicators it changes and gives each a new score within the
indicator's own scale (打分 0–满分, 核查项, 扣分次数), with the reason. Nothing moves until a second
authorised person confirms; then the named indicator results change and the unit's total, grade and rank
are recomputed by the round's own rules. A person who scored the unit may neither answer nor confirm.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.audit.services import record_event
from zhengshe.core.errors import NotAllowed, ServiceError

from .choices import ObjectionStatus, RoundStatus, Rule, SheetKind
from .models import IndicatorResult, Objection, Round, ScoreSheet, Unit, UnitResult
from .scoring import combine, manual_points, q2, q4
from .workflows import OBJECTION_FLOW

REVIEWABLE = (Rule.SCALE, Rule.CHECKLIST, Rule.DEDUCTION)


def scored_unit(actor, unit: Unit) -> bool:
    """Whether ``actor`` filled a sheet that counts for ``unit`` (panel, third party or committee)."""
    return ScoreSheet.objects.filter(unit=unit, scorer=actor).exclude(kind=SheetKind.SELF).exists()


def _require_reviewer(actor, objection: Objection) -> None:
    from .services import _require_manager

    _require_manager(actor, objection.round)
    if scored_unit(actor, objection.unit):
        raise NotAllowed(_("您为“%s”评过分，不能处理其异议，请由未参与评分的人员办理。") % objection.unit.name)
    if objection.filed_by_id == actor.pk:
        raise NotAllowed(_("异议提出人不能处理本人的异议。"))


def reviewable_indicators(unit: Unit) -> list:
    """The indicators an answer may change: the unit's own template, scored by people (not system data)."""
    template = unit.round.template_for(unit.direction)
    return [i for i in template.indicators.all() if i.rule in REVIEWABLE] if template else []


def objection_file(*, actor, unit: Unit, text: str, today=None) -> Objection:
    """An objection by the evaluated unit itself, accepted only during the publication period."""
    from .services import is_unit_party

    today = today or timezone.localdate()
    round_ = Round.objects.get(pk=unit.round_id)
    if not is_unit_party(actor, unit):
        raise NotAllowed(_("只有被评估单位本身可以提出异议。"))
    if round_.status != RoundStatus.PUBLICITY or not (round_.publicity_start and round_.publicity_end) or not (
            round_.publicity_start <= today <= round_.publicity_end):
        raise ServiceError(_("只能在公示期内提出异议。"))
    if not text.strip():
        raise ServiceError(_("请填写异议内容。"), fields={"text": [_("此项为必填项。")]})
    with transaction.atomic():
        objection = Objection.objects.create(round=round_, unit=unit, filed_by=actor, text=text.strip())
        record_event("evaluation.objection_file", objection, after={"text": objection.text})
    return objection


def _proposed_changes(unit: Unit, entries: dict) -> list[dict]:
    """{indicator_id: {"value"|"checked"}} → [{indicator, code, name, before, after, input}] for the changed ones;
    each new score checked against the indicator's own scale."""
    indicators = {i.pk: i for i in reviewable_indicators(unit)}
    current = dict(IndicatorResult.objects.filter(unit=unit, indicator_id__in=indicators)
                   .values_list("indicator_id", "points"))
    changes, errors = [], {}
    for key, entry in entries.items():
        indicator = indicators.get(int(key))
        if indicator is None:
            raise ServiceError(_("只能调整本单位由人工评分的指标。"))
        try:
            points = manual_points(indicator, entry.get("value"), entry.get("checked"))
        except ValidationError as exc:
            errors[f"ind_{indicator.pk}"] = exc.messages
            continue
        before = current.get(indicator.pk)
        if points is None or points == before:
            continue
        changes.append({"indicator": indicator.pk, "code": indicator.code, "name": indicator.name,
                        "before": None if before is None else str(before), "after": str(points),
                        "input": str(entry.get("value") if entry.get("checked") is None else
                                     len(entry.get("checked")))})
    if errors:
        raise ServiceError(_("部分复核分值有误，请检查标出的指标。"), fields=errors)
    return changes


def objection_answer(*, actor, objection: Objection, response: str, changes: dict | None = None) -> Objection:
    """Answer an objection: keep the result, or name the indicators to re-score (within their scale) with the
    reason. The answer waits for a second person's confirmation; no total changes here."""
    _require_reviewer(actor, objection)
    if not response.strip():
        raise ServiceError(_("请填写答复意见（调整的理由）。"), fields={"response": [_("此项为必填项。")]})
    proposed = _proposed_changes(objection.unit, changes or {})
    with transaction.atomic():
        objection = OBJECTION_FLOW.transition(
            objection, "answer", actor=actor, internal=True, comment=response.strip(),
            changes={"response": response.strip(), "responded_by": actor, "responded_at": timezone.now(),
                     "changes": proposed, "confirmed_by": None, "confirmed_at": None, "confirm_note": ""})
        record_event("evaluation.objection_answer", objection, after={"response": objection.response,
                                                                       "changes": proposed})
    return objection


def objection_confirm(*, actor, objection: Objection, approve: bool = True, note: str = "") -> Objection:
    """The second person: confirm the answer (the named scores change, the total follows) or send it back."""
    _require_reviewer(actor, objection)
    if objection.responded_by_id == actor.pk:
        raise NotAllowed(_("答复须由另一名人员确认，答复人不能确认本人的答复。"))
    if not approve and not note.strip():
        raise ServiceError(_("退回时请说明理由。"), fields={"note": [_("此项为必填项。")]})
    with transaction.atomic():
        objection = Objection.objects.select_for_update().select_related("unit", "round").get(pk=objection.pk)
        if objection.status != ObjectionStatus.PENDING:
            raise ServiceError(_("该异议没有待确认的答复。"))
        decided = {"confirmed_by": actor, "confirmed_at": timezone.now(), "confirm_note": note.strip()}
        if not approve:
            objection = OBJECTION_FLOW.transition(objection, "send_back", actor=actor, internal=True,
                                                  comment=note.strip(), changes=decided)
            record_event("evaluation.objection_send_back", objection, after={"note": note.strip()})
            return objection
        result = UnitResult.objects.select_for_update().get(unit=objection.unit)
        decided["previous_total"] = result.final_total
        if objection.changes:
            decided["adjusted_total"] = _apply(objection, result, actor)
        objection = OBJECTION_FLOW.transition(
            objection, "confirm_adjust" if objection.changes else "confirm_maintain", actor=actor, internal=True,
            comment=note.strip(), changes=decided)
        record_event("evaluation.objection_confirm", objection, before={"total": objection.previous_total},
                     after={"total": result.final_total, "grade": result.grade, "changes": objection.changes})
    return objection


def _apply(objection: Objection, result: UnitResult, actor) -> Decimal | None:
    """Write the confirmed indicator scores and recompute the unit's total by the round's rules; rerank."""
    from .aggregation import coverage_of, rerank, settle

    unit, round_ = objection.unit, objection.round
    new = {c["indicator"]: Decimal(c["after"]) for c in objection.changes}
    template = round_.template_for(unit.direction)
    rows = {r.indicator_id: r for r in IndicatorResult.objects.filter(unit=unit, indicator__template=template)}
    points = []
    for ind in template.indicators.all():
        row = rows.get(ind.pk)
        if ind.pk in new and row is not None:
            row.points, row.ratio, row.missing = new[ind.pk], q4(new[ind.pk] / ind.weight), False
            row.save(update_fields=["points", "ratio", "missing"])
        points.append((ind.weight, row.points if row is not None else None))
    main = combine(points, round_.missing_rule)
    has_residents = bool(unit.residents_direction and round_.template_for(unit.residents_direction))
    outcome = settle(round_, main, coverage_of(points), result.residents_score, result.sample_size, has_residents)
    before = result.final_total
    result.adjusted_total = None if outcome.total is None else q2(outcome.total)
    result.grade = "" if outcome.total is None else _grade(outcome.total, round_)
    result.rating, result.note, result.coverage = outcome.rating, outcome.note, coverage_of(points)
    named = "；".join(f"{c['code']} {c['name']} {c['before'] or '—'} → {c['after']}" for c in objection.changes)
    result.explanation += "\n" + _("异议复核（%(who)s 答复，%(by)s 确认）：%(named)s；总分 %(a)s → %(b)s") % {
        "who": objection.responded_by, "by": actor, "named": named,
        "a": before if before is not None else "—", "b": result.adjusted_total if result.adjusted_total is not None
        else "—"}
    result.save()
    rerank(round_)
    return result.adjusted_total


def _grade(total, round_) -> str:
    from .scoring import grade_for

    return grade_for(total, round_.grade_bands)
