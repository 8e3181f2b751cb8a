"""Checksums of national identifiers (STANDARDS §1)."""

import re
from datetime import date

from django.utils.translation import gettext as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def resident_id_error(value: str, *, today: date | None = None) -> str | None:
    """None when ``value`` is a valid 18-character resident ID number (GB 11643), else why not."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{17}[\dX]", value):
        return _("身份证号码应为 18 位，前 17 位为数字，最后一位为数字或大写 X")
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return _("身份证号码中的出生日期不存在")
    if born > (today or date.today()):
        return _("身份证号码中的出生日期晚于今天")
    total = sum(int(c) * w for c, w in zip(value[:17], _ID_WEIGHTS))
    if _ID_CHECK[total % 11] != value[17]:
        return _("身份证号码校验位不正确")
    return None


MOBILE_PATTERN = re.compile(r"1[3-9]\d{9}")
# A fixed-line number: area code (010, 0512 …), an optional hyphen, 7–8 digits, an optional extension.
LANDLINE_PATTERN = re.compile(r"0\d{2,3}-?\d{7,8}(-\d{1,6})?")


def normalize_phone(value: str | None) -> str:
    """Spaces and hyphens between the digits dropped from a mobile number (an entry like "138 1234 5678");
    a fixed-line number keeps the hyphen after its area code."""
    value = (value or "").strip().replace(" ", "").replace("\u3000", "")
    if value.startswith("+86"):
        value = value[3:]
    digits = value.replace("-", "")
    return digits if MOBILE_PATTERN.fullmatch(digits) else value


def mobile_error(value: str) -> str | None:
    """None when ``value`` is a mainland mobile number (11 digits, 13x–19x), else why not."""
    if not MOBILE_PATTERN.fullmatch(normalize_phone(value)):
        return _("手机号码应为 11 位数字，以 13–19 开头")
    return None


def phone_error(value: str) -> str | None:
    """None for a mainland mobile number or a fixed-line number with its area code (0512-12345678), else why not."""
    value = normalize_phone(value)
    if MOBILE_PATTERN.fullmatch(value) or LANDLINE_PATTERN.fullmatch(value):
        return None
    return _("请填写 11 位手机号码，或带区号的固定电话（如 0512-53512345）")


def _validator(check):
    def validate(value):
        from django.core.exceptions import ValidationError

        error = check(value) if value not in (None, "") else None
        if error:
            raise ValidationError(error, code="invalid")

    validate.__name__ = f"validate_{check.__name__.removesuffix('_error')}"
    validate.__doc__ = f"Django validator: raises ValidationError with {check.__name__}'s Chinese message."
    return validate


validate_resident_id = _validator(resident_id_error)
validate_mobile = _validator(mobile_error)
validate_phone = _validator(phone_error)
