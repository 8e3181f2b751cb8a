from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    """Who grades whom: one indicator template per direction."""

    GOV_TO_COMMITTEE = "gov_committee", _("政府评村（居）委会（履约评估）")
    COMMITTEE_TO_GOV = "committee_gov", _("村（居）委会评政府")
    COMMITTEE_TO_DEPT = "committee_dept", _("村（居）委会评政府部门")
    RESIDENTS_TO_COMMITTEE = "residents_committee", _("居民评村（居）委会")
    RESIDENTS_TO_GOV = "residents_gov", _("居民评政府")


RESIDENT_DIRECTIONS = {Direction.RESIDENTS_TO_COMMITTEE, Direction.RESIDENTS_TO_GOV}


class TemplateStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被新版本取代")


class Rule(models.TextChoices):
    """How an indicator turns input into points (always 0 … the indicator's weight)."""

    SCALE = "scale", _("打分（0–满分）")
    CHECKLIST = "checklist", _("逐项核查")
    DEDUCTION = "deduction", _("按次扣分（扣完为止）")
    COMPUTED = "computed", _("系统数据自动计算")
    SURVEY = "survey", _("居民满意度调查")


class Mapping(models.TextChoices):
    """How a computed source's value becomes points."""

    RATIO = "ratio", _("比例 × 权重（0–1）")
    INVERSE_RATIO = "inverse_ratio", _("(1 − 比例) × 权重")
    DEDUCT_PER_COUNT = "deduct_per_count", _("每发生一次扣分（扣完为止）")
    SCORE = "score", _("百分制得分 × 权重 ÷ 100")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    SELF_ASSESSMENT = "self", _("自评阶段")
    SCORING = "scoring", _("评分阶段")
    REVIEW = "review", _("汇总审核")
    PUBLICITY = "publicity", _("公示中")
    FINAL = "final", _("结果已确定")


class UnitKind(models.TextChoices):
    COMMITTEE = "committee", _("村（居）委会")
    GOVERNMENT = "government", _("镇（街道）政府")
    DEPARTMENT = "department", _("政府部门")


class SheetKind(models.TextChoices):
    SELF = "self", _("自评")
    PANEL = "panel", _("评估组评分")
    THIRD_PARTY = "third_party", _("第三方评估")
    COMMITTEE = "committee", _("村（居）委会评分")


class PanelKind(models.TextChoices):
    PANEL = "panel", _("评估组成员")
    THIRD_PARTY = "third_party", _("第三方评估机构")


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("填写中")
    SUBMITTED = "submitted", _("已提交")


class MissingRule(models.TextChoices):
    RENORMALISE = "renormalise", _("缺项不计：按已评指标权重折算为百分制")
    ZERO = "zero", _("缺项计零分")


class ResultRating(models.TextChoices):
    """Whether a unit's result may carry a grade, a rank and consequences (see the round's coverage and sample rules)."""

    RATED = "rated", _("已评定")
    INCOMPLETE = "incomplete", _("评分不全，未评定")
    PROVISIONAL = "provisional", _("样本不足，等次暂定")
    SHORT = "short", _("样本不足，未评定")


class ShortSampleRule(models.TextChoices):
    """The one rule a round applies to every unit whose residents' answers fall short of the minimum sample."""

    PROVISIONAL = "provisional", _("等次暂定：总分只计指标得分，不排名，样本补足并重新计算前不提出经费奖励或扣减")
    UNRATED = "unrated", _("不评定：不计总分、不定等次、不排名，样本补足并重新计算前不运用结果")


class Satisfaction(models.IntegerChoices):
    VERY = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    BASIC = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


# Points share for each answer: 非常满意 100%, 满意 80%, 基本满意 60%, 不满意 30%, 非常不满意 0%.
SATISFACTION_SHARE = {5: "1", 4: "0.8", 3: "0.6", 2: "0.3", 1: "0"}


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待答复")
    PENDING = "pending", _("答复待确认")
    MAINTAINED = "maintained", _("维持原结果")
    ADJUSTED = "adjusted", _("已调整结果")


class ConsequenceKind(models.TextChoices):
    WITHHOLD = "withhold", _("扣减经费")
    AWARD = "award", _("奖励经费")
    FLAG = "flag", _("列入下年度协议关注事项")


class ConsequenceStatus(models.TextChoices):
    PROPOSED = "proposed", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("已否决")


DEFAULT_GRADE_BANDS = [
    {"label": "优秀", "min": "90"},
    {"label": "合格", "min": "75"},
    {"label": "基本合格", "min": "60"},
    {"label": "不合格", "min": "0"},
]


class SurveyRefusal(models.TextChoices):
    """Why an answer (or a request for a verification code) to a residents' survey was refused."""

    DEVICE = "device", _("同一设备重复作答")
    ADDRESS = "address", _("同一网络超过每小时上限")
    BURST = "burst", _("同一网络提交过快")
    PHONE = "phone", _("同一手机号重复作答")
    CODE = "code", _("验证码错误或已过期")
