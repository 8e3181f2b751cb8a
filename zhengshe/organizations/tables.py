"""Tables (HTML and Excel share the columns). No personal data in list columns."""

from functools import lru_cache

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from zhengshe.core.tables import Column, Table

from .choices import Category, NotificationKind, OrgStatus, OrgType, RegistrationLevel


@lru_cache(maxsize=64)
def _labels(choices_cls, language) -> dict:
    return {value: str(label) for value, label in choices_cls.choices}


def label(choices_cls, field):
    """A column renderer reading the choice label from a per-language dict (get_FOO_display is slow)."""
    return lambda row: _labels(choices_cls, get_language()).get(getattr(row, field), getattr(row, field))


class OrganizationTable(Table):
    columns = [
        Column("name", _("名称"), link="self"),
        Column("credit_code", _("统一社会信用代码/备案编号"), render=lambda o: o.credit_code or o.filing_number),
        Column("org_type", _("类型"), render=label(OrgType, "org_type")),
        Column("category", _("类别"), render=label(Category, "category")),
        Column("registration_level", _("登记层级"), render=label(RegistrationLevel, "registration_level")),
        Column("region__name", _("所在区划"), render=lambda o: o.region.name),
        Column("registered_on", _("登记（备案）日期")),
        Column("grade", _("等级"), render=lambda o: o.grade or ""),
        Column("status", _("状态"), render=label(OrgStatus, "status")),
    ]


class ChangeRequestTable(Table):
    columns = [
        Column("pk", _("编号"), link="self"),
        Column("organization__name", _("社会组织"), link="self"),
        Column("changes", _("申请变更"), render=lambda c: "、".join(c.changes)),
        Column("status", _("状态")),
        Column("created_at", _("提交时间")),
    ]


class AnnualReportTable(Table):
    columns = [
        Column("organization__name", _("社会组织"), link="self"),
        Column("year", _("年度"), numeric=True),
        Column("deadline", _("截止日期")),
        Column("status", _("状态")),
        Column("late", _("逾期"), render=lambda r: "是" if r.late or r.status == "missing" else ""),
        Column("result", _("检查结论")),
        Column("revenue", _("收入（元）"), numeric=True),
        Column("expenditure", _("支出（元）"), numeric=True),
    ]


class IncubatorTable(Table):
    columns = [
        Column("name", _("名称"), link="self"),
        Column("level", _("层级")),
        Column("region__name", _("所在区划")),
        Column("parent__name", _("上级孵化平台")),
        Column("operator", _("运营方")),
        Column("capacity", _("可入驻数"), numeric=True),
    ]


class RoundTable(Table):
    columns = [
        Column("name", _("名称"), link="self"),
        Column("year", _("年度"), numeric=True),
        Column("region__name", _("区划")),
        Column("status", _("状态")),
        Column("declaration_deadline", _("申报截止")),
        Column("notice_end", _("公示截止")),
    ]


class CreditEntryTable(Table):
    columns = [
        Column("organization__name", _("社会组织"), render=lambda e: e.organization.name),
        Column("list_kind", _("名录")),
        Column("reason", _("列入事由")),
        Column("included_on", _("列入日期")),
        Column("decision_number", _("决定书文号")),
        Column("removed_on", _("移出日期")),
        Column("removal_reason", _("移出理由")),
    ]

    def html_rows(self, objects):
        rows = super().html_rows(objects)
        for obj, row in zip(objects, rows):
            row[0]["url"] = obj.organization.get_absolute_url()
        return rows


class NotificationTable(Table):
    """The user's own messages of the organizations app (rows of ``core.Notification``)."""

    columns = [
        Column("created_at", _("时间")),
        Column("kind", _("类型"), render=label(NotificationKind, "kind")),
        Column("message", _("标题")),
        Column("read_at", _("已读"), render=lambda n: "✓" if n.read_at else ""),
    ]

    def html_rows(self, objects):
        rows = super().html_rows(objects)
        for obj, row in zip(objects, rows):
            row[2]["url"] = obj.url or None
        return rows