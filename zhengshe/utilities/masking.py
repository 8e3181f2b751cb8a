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
    if not value:
        return ""
    return value[:6] + "********" + value[-4:] if len(value) >= 10 else "****"


def mask_name(name: str | None) -> str:
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1) if len(name) > 1 else "*"
