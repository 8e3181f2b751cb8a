"""Choices of the social-organization registry (STANDARDS §1–2, DOMAIN §4 D, seed 000)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgType(models.TextChoices):
    SOCIAL_GROUP = "social_group", _("社会团体")
    SERVICE_INSTITUTION = "service_institution", _("民办非企业单位（社会服务机构）")
    FOUNDATION = "foundation", _("基金会")
    COMMUNITY = "community", _("社区社会组织")


# Position 2 of a civil-affairs credit code (STANDARDS §1): 1 社会团体, 2 民非, 3 基金会, 9 其他.
TYPE_CODE_DIGIT = {OrgType.SOCIAL_GROUP: "1", OrgType.SERVICE_INSTITUTION: "2", OrgType.FOUNDATION: "3",
                   OrgType.COMMUNITY: "9"}


class Category(models.TextChoices):
    INDUSTRY = "industry", _("行业协会商会类")
    SCIENCE = "science", _("科技类")
    CHARITY = "charity", _("公益慈善类")
    COMMUNITY_SERVICE = "community_service", _("城乡社区服务类")
    CULTURE_SPORTS = "culture_sports", _("文体类")
    FAMILY_PLANNING = "family_planning", _("计生类")
    RIGHTS = "rights", _("维权类")
    POPULAR_SCIENCE = "popular_science", _("科普类")
    EDUCATION = "education", _("教育类")
    HEALTH = "health", _("卫生类")
    ELDERLY = "elderly", _("养老服务类")
    MEDIATION = "mediation", _("调解类")
    OTHER = "other", _("其他")


# The four categories registered directly, with no sponsoring unit (STANDARDS §2).
DIRECT_REGISTRATION = {Category.INDUSTRY, Category.SCIENCE, Category.CHARITY, Category.COMMUNITY_SERVICE}


class RegistrationKind(models.TextChoices):
    REGISTERED = "registered", _("登记")
    FILED = "filed", _("备案")


class RegistrationLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县（区）级")
    TOWN = "town", _("街镇备案")


class OrgStatus(models.TextChoices):
    PREPARING = "preparing", _("筹备中（孵化）")
    ACTIVE = "active", _("正常")
    SUSPENDED = "suspended", _("暂停活动")
    DEREGISTERED = "deregistered", _("已注销")
    REVOKED = "revoked", _("已撤销")


class BranchKind(models.TextChoices):
    BRANCH = "branch", _("分支机构")
    REPRESENTATIVE = "representative", _("代表机构")


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    WITHDRAWN = "withdrawn", _("已撤回")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("退回修改")
    ACCEPTED = "accepted", _("已审核")
    MISSING = "missing", _("逾期未报")


class InspectionResult(models.TextChoices):
    QUALIFIED = "qualified", _("合格")
    BASIC = "basic", _("基本合格")
    UNQUALIFIED = "unqualified", _("不合格")


class IncubatorLevel(models.TextChoices):
    DISTRICT = "district", _("区（县）级")
    STREET = "street", _("街镇级")
    COMMUNITY = "community", _("社区级")


class IncubationStatus(models.TextChoices):
    APPLIED = "applied", _("申请入驻")
    INCUBATING = "incubating", _("孵化中")
    REJECTED = "rejected", _("未通过")
    GRADUATED = "graduated", _("已出壳（完成登记）")
    EXITED = "exited", _("已退出")


class ServiceKind(models.TextChoices):
    TRAINING = "training", _("培训")
    SPACE = "space", _("场地")
    MENTORING = "mentoring", _("督导陪伴")
    FUNDING = "funding", _("资金支持")
    REGISTRATION = "registration", _("登记指导")
    OTHER = "other", _("其他")


class Grade(models.TextChoices):
    A5 = "5A", "5A"
    A4 = "4A", "4A"
    A3 = "3A", "3A"
    A2 = "2A", "2A"
    A1 = "1A", "1A"


GRADE_RANK = {"1A": 1, "2A": 2, "3A": 3, "4A": 4, "5A": 5}


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("筹备")
    DECLARING = "declaring", _("申报中")
    REVIEWING = "reviewing", _("评审中")
    NOTICE = "notice", _("公示中")
    CLOSED = "closed", _("已结束")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("填报中")
    DECLARED = "declared", _("已申报")
    RETURNED = "returned", _("退回补正")
    SCORING = "scoring", _("专家评分")
    INELIGIBLE = "ineligible", _("初审未通过")
    COMMITTEE = "committee", _("待评估委员会审定")
    DECIDED = "decided", _("已审定")
    NOTICE = "notice", _("公示中")
    CONFIRMED = "confirmed", _("已确认等级")
    NOT_GRADED = "not_graded", _("未达等级")
    WITHDRAWN = "withdrawn", _("已撤回")


class Dimension(models.TextChoices):
    BASIC = "basic", _("基础条件")
    GOVERNANCE = "governance", _("内部治理")
    PERFORMANCE = "performance", _("工作绩效")
    SOCIAL = "social", _("社会评价")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


class CreditList(models.TextChoices):
    ABNORMAL = "abnormal", _("活动异常名录")
    SERIOUS = "serious", _("严重违法失信名单")


class CreditReason(models.TextChoices):
    """The grounds of 《社会组织信用信息管理办法》(民政部令第60号): §10 for the abnormal-activity list, §15 for the
    serious-dishonesty list (``GROUNDS`` says which list each belongs to). ``info_false`` and ``penalty`` are
    wordings of earlier versions, kept so that old entries still read; they are no longer offered."""

    REPORT_MISSING = "report_missing", _("未按照规定时限和要求向登记管理机关报送年度工作报告")
    NO_PARTY_ORG = "no_party_org", _("未按照有关规定设立党组织")
    RECTIFICATION = "rectification", _("登记管理机关责令限期整改，未按期完成整改")
    FUNDRAISING = "fundraising", _("具有公开募捐资格的慈善组织存在《公开募捐平台服务管理办法》第十九条规定的情形")
    MINOR_PENALTY = "minor_penalty", _("受到警告或者不满5万元罚款处罚")
    UNREACHABLE = "unreachable", _("通过登记的住所无法与社会组织取得联系")
    ABNORMAL_TWO_YEARS = "abnormal_two_years", _("被列入活动异常名录满2年")
    FALSE_CHANGE = "false_change", _("弄虚作假办理变更登记，被撤销变更登记")
    SUSPENSION = "suspension", _("受到限期停止活动行政处罚")
    FINE_50K = "fine_50k", _("受到5万元以上罚款处罚")
    REPEAT_PENALTY = "repeat_penalty", _("三年内两次以上受到警告或者不满5万元罚款处罚")
    JUDGMENT_DEBTOR = "judgment_debtor", _("被司法机关纳入“失信被执行人”名单")
    REVOKED = "revoked", _("被登记管理机关作出撤销登记、吊销登记证书行政处罚")
    OTHER = "other", _("法律、行政法规规定应当列入的其他情形")
    INFO_FALSE = "info_false", _("弄虚作假（旧版事由）")
    PENALTY = "penalty", _("受到较重行政处罚（旧版事由）")


# Which grounds each list may cite (民政部令第60号 §10, §15), in the rules' order.
GROUNDS = {
    "abnormal": [CreditReason.REPORT_MISSING, CreditReason.NO_PARTY_ORG, CreditReason.RECTIFICATION,
                 CreditReason.FUNDRAISING, CreditReason.MINOR_PENALTY, CreditReason.UNREACHABLE, CreditReason.OTHER],
    "serious": [CreditReason.ABNORMAL_TWO_YEARS, CreditReason.FALSE_CHANGE, CreditReason.SUSPENSION,
                CreditReason.FINE_50K, CreditReason.REPEAT_PENALTY, CreditReason.JUDGMENT_DEBTOR, CreditReason.REVOKED,
                CreditReason.OTHER],
}
# Grounds that rest on an administrative decision: its document number is required.
NEEDS_DECISION = {CreditReason.MINOR_PENALTY, CreditReason.FALSE_CHANGE, CreditReason.SUSPENSION,
                  CreditReason.FINE_50K, CreditReason.REVOKED}


class FindingSeverity(models.TextChoices):
    MINOR = "minor", _("一般问题")
    MAJOR = "major", _("较重问题")
    SERIOUS = "serious", _("严重问题")


class NotificationKind(models.TextChoices):
    REPORT_DUE = "report_due", _("年报提醒")
    REPORT_MISSING = "report_missing", _("年报逾期")
    GRADE_EXPIRING = "grade_expiring", _("等级即将到期")
    GRADE_EXPIRED = "grade_expired", _("等级已到期")
    CHANGE_DECIDED = "change_decided", _("变更审核结果")
    GRADING = "grading", _("等级评估")
    CREDIT = "credit", _("信用记录")
    OTHER = "other", _("其他")
