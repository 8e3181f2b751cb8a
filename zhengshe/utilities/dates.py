"""Dates as Chinese offices write them, and working days."""

from datetime import date, timedelta

_DIGITS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1–31 as written in official dates: 十, 十一, 二十, 二十一, 三十一."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def chinese_date(d: date) -> str:
    """2026-11-22 → 二〇二六年十一月二十二日 (the form on official documents and seals)."""
    year = "".join(_DIGITS[int(c)] for c in str(d.year))
    return f"{year}年{chinese_number(d.month)}月{chinese_number(d.day)}日"


def numeric_date(d: date) -> str:
    """2026-11-22 → 2026年11月22日 (the form on screens and in tables)."""
    return f"{d.year}年{d.month}月{d.day}日"


def add_working_days(start: date, days: int) -> date:
    """Mon–Fri working days (public holidays are configured per deployment in later work)."""
    current = start
    added = 0
    while added < days:
        current += timedelta(days=1)
        if current.weekday() < 5:
            added += 1
    return current
