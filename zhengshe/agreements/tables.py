from django.utils.translation import gettext_lazy as _

from zhengshe.core.tables import Column, Table


class AgreementTable(Table):
    columns = [
        Column("number", _("协议编号"), link="self", render=lambda r: r.number or f"#{r.pk}"),
        Column("party_b_name", _("乙方"), link="self"),
        Column("party_b__code", _("乙方区划代码")),
        Column("party_a_name", _("甲方")),
        Column("year", _("年度"), numeric=True),
        Column("kind", _("类别"), html=False),
        Column("status", _("状态")),
        Column("total_funding", _("经费合计（元）"), numeric=True),
        Column("revision", _("版次"), numeric=True),
        Column("updated_at", _("更新时间"), render=lambda r: r.updated_at.strftime("%Y-%m-%d %H:%M")),
    ]


class TemplateTable(Table):
    columns = [
        Column("title", _("标题"), link="self"),
        Column("region__name", _("甲方区划")),
        Column("year", _("年度"), numeric=True),
        Column("kind", _("类别")),
        Column("party_a_name", _("甲方名称")),
        Column("b_signs_first", _("乙方先签"), render=lambda r: "是" if r.b_signs_first else "否"),
    ]


class CouncilTable(Table):
    columns = [
        Column("name", _("理事会名称")),
        Column("region__name", _("所属村（社区）")),
        Column("region__code", _("区划代码")),
        Column("chair", _("理事长")),
    ]


class LedgerTable(Table):
    columns = [
        Column("entry_date", _("日期")),
        Column("agreement__party_b_name", _("乙方")),
        Column("agreement__number", _("协议编号")),
        Column("kind", _("类别")),
        Column("amount", _("金额（元）"), numeric=True),
        Column("item__title", _("事项")),
        Column("voucher_number", _("凭证号")),
        Column("reason", _("事由")),
        Column("source", _("来源")),
    ]
