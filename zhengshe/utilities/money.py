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
