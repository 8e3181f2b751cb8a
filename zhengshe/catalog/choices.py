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


class AskKind(models.TextChoices):
    """What a department wants pushed into communities (准入申请的事项类型)."""

    TASK = "task", _("工作事项")
    LEDGER = "ledger", _("台账")
    SIGNBOARD = "signboard", _("挂牌")
    RATING = "rating", _("评比达标/检查考核")
    CERTIFICATE = "certificate", _("证明事项")


class LedgerType(models.TextChoices):
    PAPER = "paper", _("纸质台账")
    CREATION = "creation", _("创建台账")
    ELECTRONIC = "electronic", _("电子台账")


class SignboardType(models.TextChoices):
    OUTSIDE = "outside", _("对外挂牌")
    INSIDE = "inside", _("内部挂牌")


class AdmissionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("退回补充")
    APPROVED = "approved", _("已准入")
    REJECTED = "rejected", _("不予准入")
    WITHDRAWN = "withdrawn", _("已撤回")
    REVOKED = "revoked", _("已撤销准入")


class TargetMode(models.TextChoices):
    SUBTREE = "subtree", _("某区划下全部村（社区）")
    LIST = "list", _("指定村（社区）")


class AskOutcome(models.TextChoices):
    """What a community did with an ask that is on neither list nor the admitted register."""

    PENDING = "pending", _("待处理")
    REFUSED = "refused", _("已拒绝执行")
    ACCEPTED = "accepted", _("自愿协助")
    WITHDRAWN = "withdrawn", _("部门已撤回")
    LEGITIMATE = "legitimate", _("经核实属清单或准入事项")


class BurdenKind(models.TextChoices):
    LEDGER = "ledger", _("台账")
    SIGNBOARD = "signboard", _("挂牌")
    RATING = "rating", _("评比达标/检查考核")


class BurdenSubtype(models.TextChoices):
    PAPER = "paper", _("纸质台账")
    CREATION = "creation", _("创建台账")
    ELECTRONIC = "electronic", _("电子台账")
    OUTSIDE = "outside", _("对外挂牌")
    INSIDE = "inside", _("内部挂牌")
    RATING = "rating", _("评比/检查/考核")


SUBTYPES_OF = {
    BurdenKind.LEDGER: {BurdenSubtype.PAPER, BurdenSubtype.CREATION, BurdenSubtype.ELECTRONIC},
    BurdenKind.SIGNBOARD: {BurdenSubtype.OUTSIDE, BurdenSubtype.INSIDE},
    BurdenKind.RATING: {BurdenSubtype.RATING},
}


class BurdenState(models.TextChoices):
    KEPT = "kept", _("保留")
    MERGED = "merged", _("并入电子台账")
    REMOVED = "removed", _("取消/清理")
