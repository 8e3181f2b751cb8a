"""Checksums of national identifiers (STANDARDS §1)."""

import re
from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def resident_id_error(value: str, *, today: date | None = None) -> str | None:
    """None when ``value`` is a valid 18-character resident ID number (GB 11643), else why not."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{17}[\dX]", value):
        return "身份证号码应为 18 位，前 17 位为数字，最后一位为数字或大写 X"
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "身份证号码中的出生日期不存在"
    if born > (today or date.today()):
        return "身份证号码中的出生日期晚于今天"
    total = sum(int(c) * w for c, w in zip(value[:17], _ID_WEIGHTS))
    if _ID_CHECK[total % 11] != value[17]:
        return "身份证号码校验位不正确"
    return None
