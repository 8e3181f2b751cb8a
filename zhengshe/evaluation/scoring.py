"""Pure scoring arithmetic: points per rule, grade bands, rankings. No database access here.

Every indicator yields points between 0 and its weight (weights of a template sum to 100), so a unit's
score is out of 100. All arithmetic is Decimal; points keep four decimals, totals two (half-up).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import SATISFACTION_SHARE, Mapping, Rule

POINTS_Q = Decimal("0.0001")
TOTAL_Q = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")


def q4(value: Decimal) -> Decimal:
    return Decimal(value).quantize(POINTS_Q, rounding=ROUND_HALF_UP)


def q2(value: Decimal) -> Decimal:
    return Decimal(value).quantize(TOTAL_Q, rounding=ROUND_HALF_UP)


def to_decimal(value, *, label: str = "") -> Decimal | None:
    """A user's number (str/int/Decimal) → Decimal; '' or None → None; floats go through str()."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(_("“%(label)s”不是有效数字。") % {"label": label or value}) from exc


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(high, value))


def manual_points(indicator, value=None, checked=None) -> Decimal | None:
    """Points for a scorer's input on a scale/checklist/deduction indicator; None when left blank."""
    weight = indicator.weight
    if indicator.rule == Rule.SCALE:
        v = to_decimal(value, label=indicator.name)
        if v is None:
            return None
        if v < 0 or v > indicator.max_points:
            raise ValidationError(_("“%(n)s”的分值须在 0 至 %(m)s 之间。") % {
                "n": indicator.name, "m": f"{indicator.max_points.normalize():f}"})
        return q4(v / indicator.max_points * weight)
    if indicator.rule == Rule.CHECKLIST:
        if checked is None:
            return None
        total = len(indicator.checklist)
        try:
            picked = {int(i) for i in checked}
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("核查项选择无效。")) from exc
        if any(i < 0 or i >= total for i in picked):
            raise ValidationError(_("核查项选择无效。"))
        return q4(Decimal(len(picked)) / Decimal(total) * weight)
    if indicator.rule == Rule.DEDUCTION:
        v = to_decimal(value, label=indicator.name)
        if v is None:
            return None
        if v < 0 or v != v.to_integral_value():
            raise ValidationError(_("“%(n)s”的发生次数须为非负整数。") % {"n": indicator.name})
        return q4(clamp(weight - v * indicator.deduction, ZERO, weight))
    raise ValidationError(_("“%(n)s”由系统计算，不能手工评分。") % {"n": indicator.name})


def computed_points(indicator, value) -> Decimal | None:
    """Points from a registered source's value (None = no data → missing, never zero)."""
    if value is None:
        return None
    v = Decimal(str(value))
    weight = indicator.weight
    if indicator.mapping == Mapping.RATIO:
        return q4(clamp(v, ZERO, Decimal(1)) * weight)
    if indicator.mapping == Mapping.INVERSE_RATIO:
        return q4((Decimal(1) - clamp(v, ZERO, Decimal(1))) * weight)
    if indicator.mapping == Mapping.DEDUCT_PER_COUNT:
        return q4(clamp(weight - v * indicator.deduction, ZERO, weight))
    if indicator.mapping == Mapping.SCORE:
        return q4(clamp(v, ZERO, HUNDRED) * weight / HUNDRED)
    raise ValueError(indicator.mapping)


def survey_points(indicator, level_counts: dict[int, int]) -> tuple[Decimal | None, int]:
    """Mean satisfaction share × weight, and the number of answers it rests on."""
    n = sum(level_counts.values())
    if not n:
        return None, 0
    share = sum(Decimal(SATISFACTION_SHARE[level]) * count for level, count in level_counts.items()) / n
    return q4(share * indicator.weight), n


def combine(points: list[tuple[Decimal, Decimal | None]], missing_rule: str) -> Decimal | None:
    """[(weight, points|None)] → a score out of 100 under the round's missing-score rule.

    renormalise: missing indicators drop out and the rest is scaled to 100 (Σ points ÷ Σ weights present × 100);
    zero: missing indicators count 0 (Σ points). None when nothing at all was scored.
    """
    present = [(w, p) for w, p in points if p is not None]
    if not present:
        return None
    if missing_rule == "zero":
        return q2(sum(p for _, p in present))
    weight = sum(w for w, _ in present)
    return q2(sum(p for _, p in present) / weight * HUNDRED)


def validate_bands(bands) -> list[dict]:
    """Grade bands: a list of {"label", "min"}, distinct labels, strictly decreasing minimums, the last at 0."""
    if not isinstance(bands, list) or not bands:
        raise ValidationError(_("请至少设置一个等次。"))
    cleaned, last = [], None
    for band in bands:
        label = str(band.get("label", "")).strip() if isinstance(band, dict) else ""
        minimum = to_decimal(band.get("min") if isinstance(band, dict) else None, label=label)
        if not label or minimum is None:
            raise ValidationError(_("每个等次须有名称和最低分。"))
        if not (ZERO <= minimum <= HUNDRED):
            raise ValidationError(_("等次“%s”的最低分须在 0–100 之间。") % label)
        if last is not None and minimum >= last:
            raise ValidationError(_("等次须按最低分从高到低排列，且不得重复。"))
        last = minimum
        cleaned.append({**band, "label": label, "min": str(minimum)})
    if last != ZERO:
        raise ValidationError(_("最低一档的最低分须为 0，使每个分数都有等次。"))
    if len({b["label"] for b in cleaned}) != len(cleaned):
        raise ValidationError(_("等次名称不得重复。"))
    return cleaned


def grade_for(total: Decimal | None, bands: list[dict]) -> str:
    """The first band (highest first) whose minimum the two-decimal total reaches: 90.00 → 优秀, 89.99 → 合格."""
    if total is None:
        return ""
    total = q2(total)
    for band in bands:
        if total >= Decimal(str(band["min"])):
            return band["label"]
    return bands[-1]["label"]


def band_for(label: str, bands: list[dict]) -> dict:
    return next((b for b in bands if b["label"] == label), {})


def competition_ranks(items: list[tuple[object, Decimal]]) -> dict:
    """Standard competition ranking (1, 2, 2, 4) of (key, score) pairs, highest first."""
    ordered = sorted(items, key=lambda kv: kv[1], reverse=True)
    ranks, previous, rank = {}, None, 0
    for position, (key, score) in enumerate(ordered, start=1):
        if score != previous:
            rank = position
            previous = score
        ranks[key] = rank
    return ranks
