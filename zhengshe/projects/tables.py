from django.utils.translation import gettext_lazy as _

from zhengshe.core.tables import Column, Table
from zhengshe.utilities.money import format_yuan


def _yuan(field: str):
    return lambda row: format_yuan(row[field] if isinstance(row, dict) else getattr(row, field))


class NeedTable(Table):
    columns = [
        Column("title", _("需求"), link="self"),
        Column("region__name", _("村（社区）")),
        Column("year", _("年度"), numeric=True),
        Column("category", _("服务类别")),
        Column("residents", _("提出人数"), numeric=True, grouped=True),
        Column("source", _("来源")),
    ]


class ServiceItemTable(Table):
    columns = [
        Column("code", _("编号")),
        Column("name", _("服务名称"), link="self"),
        Column("kind", _("目录")),
        Column("category", _("类别")),
        Column("typical_price", _("参考单价（元）"), numeric=True, render=_yuan("typical_price")),
        Column("unit", _("单位")),
        Column("region__name", _("发布区划")),
    ]


class CallTable(Table):
    columns = [
        Column("number", _("编号")),
        Column("title", _("名称"), link="self"),
        Column("buyer_region__name", _("购买主体")),
        Column("kind", _("方式")),
        Column("budget", _("预算（元）"), numeric=True, render=_yuan("budget")),
        Column("closes_on", _("申报截止")),
        Column("status", _("状态")),
    ]


class ApplicationTable(Table):
    columns = [
        Column("title", _("项目名称"), link="self"),
        Column("organization__name", _("申报组织")),
        Column("call__title", _("项目征集")),
        Column("requested", _("申请金额（元）"), numeric=True, render=_yuan("requested")),
        Column("status", _("状态")),
    ]


class ContractTable(Table):
    columns = [
        Column("number", _("合同编号"), link="self"),
        Column("application__title", _("项目名称")),
        Column("application__organization__name", _("承接组织")),
        Column("amount", _("合同金额（元）"), numeric=True, render=_yuan("amount")),
        Column("status", _("状态")),
    ]
