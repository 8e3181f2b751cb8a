"""Administrative division codes (GB/T 2260 and 统计用区划代码, STANDARDS §1): format and nesting.

province 6 digits ending in 0000 (320000); city ending in 00 (320500); county any other 6 digits (320585); town 9 digits (county + 3:
001–099 街道, 100–199 镇, 200–399 乡, 400–599 other); village/community 12 digits (town + 3: 001–199
居委会/社区, 200–399 村委会); grid and villagers' group: the village code, a hyphen and a local
suffix of 1–6 letters or digits (no national code exists).
"""

import re

from django.utils.translation import gettext as _

from .choices import Level

LOCAL_SUFFIX_RE = re.compile(r"^(\d{12})-([0-9A-Z]{1,6})$")


def level_of(code: str) -> str | None:
    """The level a well-formed code implies, or None when the code is malformed."""
    if not isinstance(code, str):
        return None
    if re.fullmatch(r"\d{6}", code):
        if code.endswith("0000"):
            return Level.PROVINCE
        if code.endswith("00"):
            return Level.CITY
        return Level.COUNTY
    if re.fullmatch(r"\d{9}", code):
        return Level.TOWN
    if re.fullmatch(r"\d{12}", code):
        return Level.VILLAGE
    if LOCAL_SUFFIX_RE.fullmatch(code):
        return Level.GRID
    return None


def format_error(code, level: str | None = None) -> str | None:
    """None when ``code`` is well-formed (for ``level`` if given), else the reason in Chinese."""
    if code in (None, ""):
        return _("区划代码为空")
    code = str(code)
    implied = level_of(code)
    if implied is None:
        return _("区划代码“%s”格式不正确：应为 6 位（省、市、县）、9 位（乡镇街道）或 12 位（村、社区）数字，网格为村代码加“-”和本地编号") % code
    if level in (Level.GRID, Level.GROUP):
        return None if implied == Level.GRID else _("网格或村民小组的代码应为村代码加“-”和本地编号，如 320585100201-01")
    if level and implied != level:
        return _("区划代码“%(code)s”的位数与层级“%(level)s”不符") % {"code": code, "level": Level(level).label}
    if implied == Level.PROVINCE and not ("11" <= code[:2] <= "82"):
        return _("省级代码“%s”不在 11–82 之间") % code
    if implied == Level.TOWN and not ("001" <= code[6:9] <= "599"):
        return _("乡镇街道代码第 7–9 位应在 001–599 之间")
    if implied == Level.VILLAGE and not ("001" <= code[9:12] <= "399"):
        return _("村级代码第 10–12 位应在 001–399 之间（001–199 社区，200–399 村）")
    return None


def nesting_error(code: str, parent_code: str, level: str) -> str | None:
    """None when ``code`` sits under ``parent_code`` as the code scheme requires."""
    if level == Level.CITY:
        ok = code[:2] == parent_code[:2]
    elif level == Level.COUNTY:
        ok = code[:4] == parent_code[:4] or (parent_code.endswith("0000") and code[:2] == parent_code[:2])
    elif level == Level.TOWN:
        ok = code[:6] == parent_code
    elif level == Level.VILLAGE:
        ok = code[:9] == parent_code
    elif level in (Level.GRID, Level.GROUP):
        ok = code.split("-")[0] == parent_code
    else:
        ok = True
    if ok:
        return None
    return _("代码“%(code)s”不在上级“%(parent)s”的代码之下") % {"code": code, "parent": parent_code}


def village_kind(code: str) -> str:
    """社区 (001–199) or 村 (200–399) from a 12-digit code."""
    return _("社区") if code[9:12] <= "199" else _("村")
