"""Unified social credit code (统一社会信用代码, GB 32100-2015) checks, per STANDARDS §1.

Both check characters are verified: the organization-code check (GB 11714, position 17 over 9–16)
and the overall check (position 18 over 1–17). ``credit_code_errors`` returns every problem in
Chinese (empty list = valid); ``make_credit_code`` builds a valid code (demo, tests, benchmark).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
FORBIDDEN = set("IOSVZ")


def check_char(first17: str) -> str:
    """Position 18: (31 − Σ value·3^(i−1) mod 31) mod 31, back through the alphabet."""
    total = sum(VALUES[c] * w for c, w in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def org_check_char(org8: str) -> str:
    """Position 17 (GB 11714): 11 − Σ value·w mod 11, with 10 → X and 11 → 0; letters count A=10 … Z=35."""
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(org8, ORG_WEIGHTS))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def credit_code_errors(code: str | None) -> list[str]:
    """Every reason ``code`` is not a well-formed credit code (empty list when it is)."""
    code = code or ""
    if len(code) != 18:
        return [_("统一社会信用代码应为18位（当前%(n)d位）") % {"n": len(code)}]
    errors = []
    if any(c.islower() for c in code):
        errors.append(_("统一社会信用代码须使用大写字母"))
    bad = sorted({c for c in code.upper() if c in FORBIDDEN})
    if bad:
        errors.append(_("统一社会信用代码不得含字母 %(chars)s（I、O、S、V、Z 不在代码字符集中）") % {"chars": "、".join(bad)})
    if errors:
        return errors
    if not PATTERN.match(code):
        return [_("统一社会信用代码格式不正确：第3–8位须为数字，其余须为数字或大写字母")]
    if org_check_char(code[8:16]) != code[16]:
        errors.append(_("组织机构代码校验位（第17位）错误，应为“%(c)s”") % {"c": org_check_char(code[8:16])})
    if check_char(code[:17]) != code[17]:
        errors.append(_("校验码（第18位）错误"))
    return errors


def is_valid(code: str | None) -> bool:
    return not credit_code_errors(code)


def make_credit_code(type_digit: str, region6: str, serial: int, *, authority: str = "5") -> str:
    """A valid code for a civil-affairs organization: 5 + type + office code + organization code + checks.

    The organization code's first eight characters come from ``serial`` written in the code alphabet
    (so the same serial always gives the same code).
    """
    digits = []
    n = serial
    for _i in range(8):
        n, r = divmod(n, 31)
        digits.append(ALPHABET[r])
    org8 = "".join(reversed(digits))
    first17 = f"{authority}{type_digit}{region6}{org8}{org_check_char(org8)}"
    return first17 + check_char(first17)
