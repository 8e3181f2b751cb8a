from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengshe.core.tables import Column, Table
from zhengshe.utilities.dates import local_date, numeric_date

from .choices import AdmissionStatus, AskKind, AskOutcome, BurdenKind, BurdenState, BurdenSubtype, ListKind, ListStatus


def _choice(field: str, choices):
    """Render a choice field from a plain dict (``get_FOO_display`` costs a lot on 50-row pages)."""
    labels = dict(choices)
    return lambda row: str(labels.get(getattr(row, field), getattr(row, field)))


def _date(value):
    return numeric_date(value) if value else ""


class DutyListTable(Table):
    columns = [
        Column("title", _("标题"), link="self"),
        Column("kind", _("清单类别"), render=_choice("kind", ListKind.choices)),
        Column("region__name", _("发布区划")),
        Column("year", _("年度"), numeric=True),
        Column("version", _("版本"), numeric=True),
        Column("document_number", _("文号")),
        Column("status", _("状态"), render=_choice("status", ListStatus.choices)),
        Column("item_count", _("事项数"), numeric=True, render=lambda r: getattr(r, "item_count", "")),
        Column("published_at", _("发布时间"), render=lambda r: _date(local_date(r.published_at))),
    ]


class DepartmentTable(Table):
    columns = [
        Column("name", _("部门名称")),
        Column("short_name", _("简称")),
        Column("region__name", _("所属区划")),
        Column("active", _("有效"), render=lambda r: "是" if r.active else "否"),
    ]


class AdmissionTable(Table):
    columns = [
        Column("title", _("事项名称"), link="self"),
        Column("kind", _("事项类型"), render=_choice("kind", AskKind.choices)),
        Column("department", _("申请部门")),
        Column("applicant_region__name", _("申请单位")),
        Column("status", _("状态"), render=_choice("status", AdmissionStatus.choices)),
        Column("submitted_at", _("提交时间"), render=lambda r: _date(local_date(r.submitted_at))),
        Column("register_number", _("准入登记号")),
    ]


class RegisterTable(Table):
    columns = [
        Column("register_number", _("准入登记号")),
        Column("title", _("事项名称"), link="catalog:register_detail"),
        Column("kind", _("事项类型"), render=_choice("kind", AskKind.choices)),
        Column("department", _("申请部门")),
        Column("scope", _("适用范围"), render=lambda r: r.approved_root.name if r.approved_root_id
               else _("指定村（社区）")),
        Column("valid_from", _("有效期起"), render=lambda r: _date(r.valid_from)),
        Column("valid_until", _("有效期止"), render=lambda r: _date(r.valid_until)),
        Column("funding", _("随转经费（元/村·年）"), numeric=True,
               render=lambda r: r.funding_amount if r.funding_follows else "—"),
        Column("status", _("状态"), render=lambda r: _("已到期") if r.status == "approved" and r.valid_until
               and r.valid_until < timezone.localdate() else str(AdmissionStatus(r.status).label)),
    ]


class AskTable(Table):
    columns = [
        Column("received_on", _("收到日期"), render=lambda r: _date(r.received_on)),
        Column("region__name", _("村（社区）")),
        Column("department", _("要求部门")),
        Column("title", _("要求事项"), link="self"),
        Column("kind", _("事项类型"), render=_choice("kind", AskKind.choices)),
        Column("outcome", _("处理结果"), render=_choice("outcome", AskOutcome.choices)),
        Column("notice_number", _("告知书编号")),
    ]


class BurdenTable(Table):
    columns = [
        Column("region__name", _("村（社区）")),
        Column("kind", _("类型"), render=_choice("kind", BurdenKind.choices)),
        Column("subtype", _("类别"), render=_choice("subtype", BurdenSubtype.choices)),
        Column("name", _("名称"), link="catalog:burden_detail"),
        Column("department", _("要求部门")),
        Column("in_baseline", _("基线"), render=lambda r: "是" if r.in_baseline else "否"),
        Column("started_on", _("开始日期"), render=lambda r: _date(r.started_on)),
        Column("state", _("现状"), render=_choice("state", BurdenState.choices)),
        Column("state_changed_on", _("变更日期"), render=lambda r: _date(r.state_changed_on)),
    ]
