"""Shares as the statistics pages print them: ``{{ r.share|share }}`` → 12.5%, 0.0%, or — with no denominator."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


@register.filter
def share(value, bare=""):
    """A percentage (12.50 → "12.5%"; 0 → "0.0%": a real zero share); "—" when there is none (a zero denominator
    gives None). ``|share:"bare"`` leaves the % sign off, for a column whose header already says %."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    except ArithmeticError:
        return "—"
    return f"{number}" if bare else f"{number}%"
