from django.utils.translation import gettext_lazy as _

from zhengshe.core.tables import Column, Table


def _score(value):
    return "—" if value is None else f"{value:.2f}"


class RoundTable(Table):
    columns = [
        Column("title", _("名称"), link="self"),
        Column("year", _("年度"), numeric=True),
        Column("region__name", _("组织区划")),
        Column("status", _("状态")),
        Column("publicity_end", _("公示截止"), render=lambda r: r.publicity_end or "—"),
    ]


class TemplateTable(Table):
    columns = [
        Column("title", _("名称"), link="self"),
        Column("direction", _("评估方向")),
        Column("version", _("版本"), numeric=True),
        Column("status", _("状态")),
        Column("region__name", _("发布区划")),
    ]


def _rank(value):
    return "—" if value is None else value


def _rank_cell(r, rank):
    if r.rating == "incomplete":
        return str(_("未评定"))
    return str(_("样本不足")) if r.insufficient_sample else _rank(rank)


class ResultTable(Table):
    """Result rows; the sample size sits beside every residents' score."""

    columns = [
        Column("unit__name", _("参评单位"), link="self"),
        Column("unit__kind", _("类别")),
        Column("unit__region__parent__name", _("所属镇（街道）"),
               render=lambda r: r.unit.region.parent.name if r.unit.kind == "committee" and r.unit.region.parent
               else r.unit.region.name),
        Column("main_score", _("指标得分"), numeric=True, render=lambda r: _score(r.main_score)),
        Column("residents_score", _("居民满意度（答卷数）"), numeric=True,
               render=lambda r: "—" if r.residents_score is None and not r.sample_size else
               f"{_score(r.residents_score)}（{r.sample_size} 份）"),
        Column("final_total", _("总分"), numeric=True, render=lambda r: r.total_label),
        Column("grade", _("等次"), render=lambda r: r.grade_label),
        Column("note", _("结果说明"), render=lambda r: r.note or "—"),
        Column("rank_town", _("镇内排名"), numeric=True,
               render=lambda r: _rank_cell(r, r.rank_town)),
        Column("rank_district", _("全区排名"), numeric=True,
               render=lambda r: _rank_cell(r, r.rank_district)),
        Column("previous_total", _("上年总分"), numeric=True, render=lambda r: _score(r.previous_total)),
        Column("change", _("同比变化"), numeric=True,
               render=lambda r: "—" if r.change is None else f"{r.change:+.2f}"),
        Column("self_score", _("自评得分"), numeric=True, render=lambda r: _score(r.self_score)),
        Column("scorers", _("评分人数"), numeric=True),
    ]


class SheetTable(Table):
    columns = [
        Column("unit__name", _("参评单位"), link="self"),
        Column("round__title", _("评估轮次")),
        Column("kind", _("类别")),
        Column("on_behalf__name", _("代表单位"), render=lambda s: s.on_behalf.name if s.on_behalf else "—"),
        Column("scorer", _("填写人"), render=lambda s: str(s.scorer)),
        Column("status", _("状态")),
        Column("submitted_at", _("提交时间"), render=lambda s: s.submitted_at or "—"),
    ]


class ObjectionTable(Table):
    columns = [
        Column("unit__name", _("参评单位"), link="self"),
        Column("text", _("异议内容"), render=lambda o: o.text[:60]),
        Column("status", _("状态")),
        Column("created_at", _("提出时间")),
        Column("adjusted_total", _("复核后总分"), numeric=True, render=lambda o: _score(o.adjusted_total)),
    ]


class ConsequenceTable(Table):
    columns = [
        Column("unit__name", _("参评单位")),
        Column("kind", _("类别")),
        Column("amount", _("金额（元）"), numeric=True),
        Column("reason", _("依据")),
        Column("status", _("状态")),
        Column("agreement_repr", _("协议")),
        Column("ledger_reference", _("台账记录")),
    ]
