"""Money is kept exactly: Decimal yuan with two places in the database (DecimalField), never floats."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_yuan(value) -> Decimal:
    """Any number-ish value → Decimal yuan rounded half-up to the fen. Floats are refused."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    return Decimal(str(value if value is not None else 0)).quantize(CENT, rounding=ROUND_HALF_UP)


def format_yuan(value) -> str:
    """12345.6 → '12,345.60 元'."""
    return f"{to_yuan(value):,.2f} 元"


def format_wan(value) -> str:
    """1234567 → '123.46 万元'."""
    return f"{(to_yuan(value) / Decimal(10000)).quantize(CENT, rounding=ROUND_HALF_UP):,.2f} 万元"


def split_to_fen(total, weights) -> list[Decimal]:
    """Split ``total`` yuan over ``weights`` in proportion, exact to the fen (largest remainder): the parts add up
    to the total. Ties go to the earlier weight. All weights 0 (or none) → ValueError: nothing to split over."""
    from fractions import Fraction

    weights = [Fraction(str(w)) for w in weights]
    whole = sum(weights, Fraction(0))
    if not weights or whole <= 0 or any(w < 0 for w in weights):
        raise ValueError("weights must be non-negative with a positive sum")
    cents = int(to_yuan(total) * 100)
    if cents < 0:
        return [-part for part in split_to_fen(-to_yuan(total), weights)]
    exact = [Fraction(cents) * w / whole for w in weights]
    parts = [int(e // 1) for e in exact]
    left = cents - sum(parts)
    for i in sorted(range(len(exact)), key=lambda i: (-(exact[i] - parts[i]), i))[:left]:
        parts[i] += 1
    return [(Decimal(p) / 100).quantize(CENT) for p in parts]


def natural_key(text) -> tuple:
    """Sort key reading digit runs as numbers: '2' < '10', 'A2' < 'A10'."""
    import re

    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", str(text or "")) if part)
