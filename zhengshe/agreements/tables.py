from django.utils.translation import gettext_lazy as _

from zhengshe.core.tables import Column, Table
from zhengshe.utilities.dates import local_datetime_text


class AgreementTable(Table):
    columns = [
        Column("number", _("协议编号"), link="agreements:detail", link_arg="pk",
               render=lambda r: r.number or f"#{r.pk}"),
        Column("party_b_name", _("乙方"), link="agreements:detail", link_arg="pk"),
        Column("party_b__code", _("乙方区划代码")),
        Column("party_a_name", _("甲方")),
        Column("year", _("年度"), numeric=True),
        Column("kind", _("类别"), html=False),
        Column("status", _("状态")),
        Column("total_funding", _("经费合计（元）"), numeric=True),
        Column("revision", _("版次"), numeric=True),
        Column("updated_at", _("更新时间"), render=lambda r: local_datetime_text(r.updated_at)),
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
        Column("source", _("来源"), render=lambda r: str(LEDGER_SOURCES.get(r.source, r.source))),
    ]


# Where a ledger line came from (``LedgerEntry.source``, written by the services), as the ledger page names it.
LEDGER_SOURCES = {"agreement": _("协议签署"), "payment": _("分期拨付"), "amendment": _("补充协议"),
                  "manual": _("手工登记"), "evaluation": _("评估结果运用"), "bench": _("性能测试数据"),
                  "offline": _("线下签署"), "import": _("导入")}


def _yuan(key):
    from .templatetags.agreement_money import yuan

    return lambda r: yuan(r[key])


def _value(key):
    return lambda r: r[key]


def _str(key):
    return lambda r: "" if r[key] is None else str(r[key])


class FundsTable(Table):
    """The funds rollup (rows are dicts from ``selectors.funds_rollup``), rendered in Python: 100+ rows at province
    scale with six amounts each."""

    columns = [
        Column("key", _("代码"), render=_str("key")),
        Column("label", _("名称"), render=_str("label")),
        Column("agreements", _("协议数"), numeric=True, render=_value("agreements")),
        *[Column(k, label, numeric=True, render=_yuan(k)) for k, label in [
            ("allocated", _("核定（元）")), ("paid", _("已拨付（元）")), ("withheld", _("扣减（元）")),
            ("awarded", _("奖励（元）")), ("balance", _("未拨余额（元）"))]],
    ]


class StatusCountTable(Table):
    """Agreements by signing state per group (dicts from ``selectors.funds_and_status``); ``list_url`` set per
    render links a town to its agreement list."""

    def __init__(self, *, list_url: str | None = None):
        from django.utils.html import format_html

        def place(r):
            if list_url:
                return format_html('<a href="{}{}">{}</a>', list_url, r["key"], r["label"])
            return format_html('{} <small class="text-muted">{}</small>', r["label"], r["key"])

        self.columns = [
            Column("label", _("区划"), render=place),
            *[Column(k, label, numeric=True, render=_value(k)) for k, label in [
                ("total", _("协议数")), ("signed", _("已签署")), ("drafting", _("起草/协商中"))]],
            Column("funding", _("经费合计（元）"), numeric=True, render=_yuan("funding")),
        ]
