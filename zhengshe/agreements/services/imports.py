"""Importing a town's existing paper agreements from Excel (历史协议导入): one row per committee and year, with the
signing date, both signers and the money. All rows or none, every bad row reported (``utilities.excel.run_import``);
each agreement is created and recorded as signed on paper through the workflow engine, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from zhengshe.accounts.roles import Role
from zhengshe.audit.services import record_event
from zhengshe.core.errors import NotAllowed
from zhengshe.core.scoping import Scope
from zhengshe.utilities.excel import ImportReport, read_table, run_import
from zhengshe.utilities.money import to_yuan

from ..choices import AgreementKind, AgreementStatus, LedgerKind
from ..models import Agreement, LedgerEntry
from ..workflows import AGREEMENT_FLOW
from ._common import _refresh_funds, standing_for
from .offline import SHANGHAI, offline_date_problem

IMPORT_HEADERS = ["村（社区）区划代码", "年度", "签署日期", "甲方签署代表", "乙方签署代表", "经费合计（元）", "协议编号",
                  "备注"]
REQUIRED_HEADERS = IMPORT_HEADERS[:6]


def _date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip().replace("/", "-"))
    except ValueError:
        return None


def _party_names(town, village) -> tuple[str, str]:
    a = f"{town.name}人民政府" if town.name.endswith(("镇", "乡")) else f"{town.name}办事处"
    return a, f"{village.name}{'居民委员会' if village.is_community else '村民委员会'}"


def agreements_import(upload, *, actor, town) -> ImportReport:
    """The town's existing agreements from one sheet. Party A's worker or the district imports; nothing is written
    unless every row passes."""
    scope = Scope.for_user(actor)
    if town is None or not (scope.is_superuser or scope.covers_path(town.path, {Role.TOWN_STAFF, Role.DISTRICT_ADMIN})):
        raise NotAllowed()
    rows = read_table(upload, IMPORT_HEADERS, required=REQUIRED_HEADERS)
    villages = {v.code: v for v in town.children.filter(level="village")}
    seen = set()

    def handle(number, rec, report):
        problems = []
        village = villages.get(str(rec.get("村（社区）区划代码") or "").strip())
        if village is None:
            problems.append(_("区划代码“%(c)s”不是%(town)s所辖的村（社区）") % {
                "c": rec.get("村（社区）区划代码") or "", "town": town.name})
        try:
            year = int(str(rec.get("年度") or "").strip())
            assert 1990 <= year <= 2100
        except (ValueError, AssertionError):
            year = None
            problems.append(_("年度须为 1990 至 2100 之间的整数"))
        try:
            money = to_yuan(str(rec.get("经费合计（元）") or "0").replace(",", ""))
            if money < 0:
                raise InvalidOperation
        except (InvalidOperation, ValueError, TypeError):
            money = Decimal("0")
            problems.append(_("经费合计须为不小于 0 的金额"))
        names = (str(rec.get("甲方签署代表") or "").strip(), str(rec.get("乙方签署代表") or "").strip())
        if not all(names):
            problems.append(_("请填写双方签署代表"))
        signed_on = _date(rec.get("签署日期"))
        if village is not None and year is not None:
            if (village.pk, year) in seen:
                problems.append(_("与前面的行重复（同一村（社区）同一年度）"))
            seen.add((village.pk, year))
            if Agreement.objects.filter(party_a=town, party_b=village, year=year, kind=AgreementKind.STANDARD,
                                        council__isnull=True).exists():
                problems.append(_("%(v)s %(y)d 年度的协议已存在") % {"v": village.name, "y": year})
            term = Agreement(year=year, term_start=dt.date(year, 1, 1), term_end=dt.date(year, 12, 31))
            problem = offline_date_problem(term, signed_on) if signed_on else _("签署日期须为 YYYY-MM-DD 格式的日期")
            if problem:
                problems.append(problem.rstrip("。"))
        if problems:
            report.add(number, *problems)
            return
        _create_signed(actor, town, village, year, signed_on, names, money, rec)
        report.created += 1

    report = run_import(rows, handle)
    if report.ok:
        record_event("agreements.import", town, after={"rows": report.total, "created": report.created})
    return report


def _create_signed(actor, town, village, year, signed_on, names, money, rec) -> Agreement:
    party_a_name, party_b_name = _party_names(town, village)
    agreement = Agreement.objects.create(
        kind=AgreementKind.STANDARD, title=f"{year}年度基层群众自治组织协助政府管理协议书", year=year,
        number=str(rec.get("协议编号") or "").strip()[:60], term_start=dt.date(year, 1, 1),
        term_end=dt.date(year, 12, 31), party_a=town, party_a_name=party_a_name, party_b=village,
        party_b_name=party_b_name, status=AgreementStatus.DRAFT, total_funding=money, created_by=actor)
    at = dt.datetime.combine(signed_on, dt.time(12, 0), tzinfo=SHANGHAI)

    def before_save(obj):
        for side, name in zip(("a", "b"), names, strict=True):
            setattr(obj, f"{side}_signed_by", actor)
            setattr(obj, f"{side}_signer_name", name[:50])
            setattr(obj, f"{side}_signed_at", at)
        obj.confirmed_a_revision = obj.confirmed_b_revision = obj.revision
        obj.signed_offline = True

    signed = AGREEMENT_FLOW.transition(agreement, "record_offline", actor=actor, before_save=before_save,
                                       standing=standing_for(actor, agreement),
                                       comment=str(rec.get("备注") or "").strip()[:300] or _("历史协议导入"))
    if money > 0:  # the paper agreement's money, not split into items here (shown as 未分摊到事项)
        LedgerEntry.objects.create(agreement=signed, kind=LedgerKind.ALLOCATE, amount=money, entry_date=signed_on,
                                   reason=_("历史协议导入，核定经费"), source="import", actor=actor)
        _refresh_funds(signed.pk)
    record_event("agreement.signed_offline", signed, after={"signed_on": signed_on, "a_signer_name": names[0],
                                                             "b_signer_name": names[1], "imported": True})
    return signed
