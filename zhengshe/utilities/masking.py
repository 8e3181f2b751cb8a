"""Masking personal data on screen (STANDARDS §1 and §4.7)."""

import re

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    phone = phone.strip()
    if len(phone) >= 7:
        return phone[:3] + "****" + phone[-4:]
    return "****"


def mask_id_number(value: str | None) -> str:
    """320***********1234: the first three and the last four characters (the birth date is never shown)."""
    if not value:
        return ""
    value = value.strip()
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) >= 10 else "****"


def mask_secret(value: str | None) -> str:
    """A protected value of no known shape: nothing of it shown."""
    return "******" if value else ""


def mask_name(name: str | None) -> str:
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1) if len(name) > 1 else "*"
