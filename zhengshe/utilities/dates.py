"""Dates as Chinese offices write them, and working days.

Every moment is stored in UTC and shown in the deployment's zone (``TIME_ZONE``, Asia/Shanghai): ``local``,
``local_date`` and ``local_datetime_text`` are the one place a stored moment becomes a day or a time someone reads,
for pages, table cells, PDFs and Excel alike. A signature at 04:59 on 7 December Beijing time is 6 December in UTC;
taking ``.date()`` of the stored value would print the wrong day.
"""

from datetime import date, datetime, timedelta

from django.utils import timezone

_DIGITS = "〇一二三四五六七八九"


def local(value):
    """An aware datetime in the local zone (Asia/Shanghai); a naive datetime, a date or None as given."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def local_date(value) -> date | None:
    """The local calendar day of a moment (a date stays itself; None stays None)."""
    if isinstance(value, datetime):
        return local(value).date()
    return value


def local_datetime_text(value, *, seconds: bool = False) -> str:
    """A moment as local time, ``2026-12-07 04:59`` (with ``:ss`` when ``seconds``); "" for None."""
    if value is None:
        return ""
    return local(value).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


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
