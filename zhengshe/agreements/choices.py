from django.db import models
from django.utils.translation import gettext_lazy as _


class AgreementKind(models.TextChoices):
    STANDARD = "standard", _("镇（街道）与村（居）委会协助管理协议")
    COUNCIL = "council", _("“2+1”村（居）委会与居民自治理事会协议")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    NEGOTIATING = "negotiating", _("协商中")
    SIGNED_BY_B = "signed_by_b", _("乙方已签署")
    AWAITING_B = "awaiting_b", _("甲方已签署，待乙方签署")
    SIGNED_BY_A = "signed_by_a", _("双方已签署")
    IN_FORCE = "in_force", _("履行中")
    EVALUATED = "evaluated", _("已评估")
    CLOSED = "closed", _("已结束")
    TERMINATED = "terminated", _("已提前终止")


EDITABLE_STATUSES = {AgreementStatus.DRAFT, AgreementStatus.NEGOTIATING}
SIGNED_STATUSES = {AgreementStatus.SIGNED_BY_A, AgreementStatus.IN_FORCE, AgreementStatus.EVALUATED,
                   AgreementStatus.CLOSED}


class Side(models.TextChoices):
    A = "a", _("甲方")
    B = "b", _("乙方")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("待甲方答复")
    ACCEPTED = "accepted", _("已采纳")
    REJECTED = "rejected", _("未采纳")
    WITHDRAWN = "withdrawn", _("已撤回")


class ProgressStatus(models.TextChoices):
    DONE = "done", _("已完成")
    IN_PROGRESS = "in_progress", _("推进中")
    NOT_DONE = "not_done", _("未完成")


class LedgerKind(models.TextChoices):
    ALLOCATE = "allocate", _("核定拨付额")
    PAY = "pay", _("拨付")
    WITHHOLD = "withhold", _("扣减")
    AWARD = "award", _("奖励")
    REDUCE = "reduce", _("核减核定额")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class AmendmentStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SIGNED_BY_B = "signed_by_b", _("乙方已签署")
    IN_FORCE = "in_force", _("已生效")
    CANCELLED = "cancelled", _("已撤销")


class AmendmentItemKind(models.TextChoices):
    ADD = "add", _("增加事项")
    REMOVE = "remove", _("终止事项")
    CHANGE = "change", _("变更事项")


# Item fields party B may propose to change during negotiation, with their labels.
PROPOSABLE_FIELDS = {
    "requirements": _("工作要求"),
    "deadline": _("完成时限"),
    "conditions_money": _("甲方提供的经费保障"),
    "conditions_staff": _("甲方提供的人员支持"),
    "conditions_training": _("甲方提供的业务培训"),
    "conditions_equipment": _("甲方提供的设施设备"),
    "conditions_information": _("甲方提供的信息数据"),
    "funding_amount": _("经费（元）"),
    "payment_schedule": _("拨付安排"),
    "indicator": _("评估指标"),
    "weight": _("权重"),
    "remove": _("删除该事项"),
}
