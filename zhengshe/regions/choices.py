from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县/区")
    TOWN = "town", _("镇/街道")
    VILLAGE = "village", _("村/社区")
    GRID = "grid", _("网格")
    GROUP = "group", _("村民小组")


LEVEL_DEPTH = {
    Level.PROVINCE: 1, Level.CITY: 2, Level.COUNTY: 3, Level.TOWN: 4, Level.VILLAGE: 5, Level.GRID: 6, Level.GROUP: 6,
}
PARENT_LEVEL = {
    Level.CITY: {Level.PROVINCE},
    Level.COUNTY: {Level.CITY, Level.PROVINCE},  # 省直辖县级行政区
    Level.TOWN: {Level.COUNTY},
    Level.VILLAGE: {Level.TOWN},
    Level.GRID: {Level.VILLAGE},
    Level.GROUP: {Level.VILLAGE},
}

URBAN_RURAL = {
    "111": _("主城区"),
    "112": _("城乡结合区"),
    "121": _("镇中心区"),
    "122": _("镇乡结合区"),
    "123": _("特殊区域"),
    "210": _("乡中心区"),
    "220": _("村庄"),
}
URBAN_RURAL_CHOICES = [(k, f"{k} {v}") for k, v in URBAN_RURAL.items()]
