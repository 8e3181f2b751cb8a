"""``{{ value|yuan }}`` → 12,345.60 (exact Decimal, thousands separated, as finance offices write amounts)."""

from django import template

from zhengshe.utilities.money import to_yuan

register = template.Library()


@register.filter
def yuan(value) -> str:
    if value in (None, ""):
        return ""
    try:
        return f"{to_yuan(value):,.2f}"
    except (ArithmeticError, TypeError, ValueError):
        return str(value)
