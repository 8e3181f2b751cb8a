"""Choices of the projects app (政府购买服务 · 公益创投)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NeedSource(models.TextChoices):
    SURVEY = "survey", _("需求调查问卷")
    PAPER = "paper", _("纸质问卷录入")
    MEETING = "meeting", _("居民议事会/座谈")
    VISIT = "visit", _("走访")


class CatalogueKind(models.TextChoices):
    PURCHASABLE = "purchasable", _("政府购买服务目录")
    BASIC = "basic", _("社区基本公共服务目录")


class Buyer(models.TextChoices):
    DISTRICT = "district", _("区（县）民政部门")
    TOWN = "town", _("镇（街道）")
    COMMUNITY = "community", _("有预算的村（社区）")


class CallKind(models.TextChoices):
    OPEN_TENDER = "open_tender", _("公开招标")
    NEGOTIATION = "negotiation", _("竞争性磋商/谈判")
    SINGLE_SOURCE = "single_source", _("单一来源")
    ENTRUSTMENT = "entrustment", _("委托")
    VENTURE = "venture", _("公益创投")


# OCDS procurementMethod of each kind (the open-data export uses the standard's codelist).
PROCUREMENT_METHOD = {CallKind.OPEN_TENDER: "open", CallKind.NEGOTIATION: "selective",
                      CallKind.SINGLE_SOURCE: "direct", CallKind.ENTRUSTMENT: "direct", CallKind.VENTURE: "open"}


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("征集中")
    CLOSED = "closed", _("征集截止")
    CANCELLED = "cancelled", _("已撤销")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    ACCEPTED = "accepted", _("形式审查通过")
    REJECTED = "rejected", _("形式审查未通过")
    AWARDED = "awarded", _("立项资助")
    NOT_AWARDED = "not_awarded", _("未获资助")
    WITHDRAWN = "withdrawn", _("已撤回")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("待评审")
    SUBMITTED = "submitted", _("已评审")
    RECUSED = "recused", _("已回避")


MIN_GRADE_CHOICES = [("", _("不要求等级")), ("1A", "1A"), ("2A", "2A"), ("3A", "3A"), ("4A", "4A"), ("5A", "5A")]


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("待承接方签署")
    SIGNED_BY_ORG = "signed_by_org", _("待购买方签署")
    IN_FORCE = "in_force", _("履行中")
    CANCELLED = "cancelled", _("已撤销")


class MilestoneStatus(models.TextChoices):
    PENDING = "pending", _("未到期/进行中")
    REPORTED = "reported", _("已报告，待验收")
    ACCEPTED = "accepted", _("已验收，已拨付")
