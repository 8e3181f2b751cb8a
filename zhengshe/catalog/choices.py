from django.db import models
from django.utils.translation import gettext_lazy as _


class ListKind(models.TextChoices):
    DUTIES = "duties", _("依法履职事项")
    ASSISTED = "assisted", _("协助政府工作事项")
    COUNCIL = "council", _("居民自治理事会协助事项")


class ListStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被新版本取代")


class FundingBasis(models.TextChoices):
    NONE = "none", _("不随事转费")
    PER_HOUSEHOLD = "per_household", _("按户（元/户·年）")
    PER_CAPITA = "per_capita", _("按人口（元/人·年）")
    FIXED = "fixed", _("定额（元/年）")
