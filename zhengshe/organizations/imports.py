"""Excel import and export of an existing register (the spreadsheets civil-affairs offices keep today).

All-or-nothing: every row is checked (credit code with both check characters, region known and in the
importer's scope, duplicates in the file and in the system, choices, dates, numbers) and nothing is
written unless every row passes; the report lists each bad row in Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.accounts.roles import Role
from zhengshe.audit.services import record_event
from zhengshe.core.errors import NotAllowed
from zhengshe.core.scoping import Scope
from zhengshe.utilities.excel import ImportReport, nonnegative_int, read_table, run_import
from zhengshe.utilities.identifiers import normalize_phone, phone_error
from zhengshe.utilities.masking import mask_phone

from .choices import Category, OrgStatus, OrgType, RegistrationKind, RegistrationLevel
from .credit_code import credit_code_errors
from .models import Organization

IMPORT_HEADERS = ["名称", "统一社会信用代码", "备案编号", "组织类型", "类别", "登记/备案", "登记层级", "登记管理机关", "所在区划代码",
                  "成立日期", "登记日期", "法定代表人", "联系人", "联系电话", "住所", "业务范围", "会员数", "专职工作人员",
                  "持证社工", "志愿者", "党组织", "状态"]
REQUIRED_HEADERS = ["名称", "统一社会信用代码", "组织类型", "类别", "所在区划代码"]
IMPORT_ROLES = {Role.DISTRICT_ADMIN}


def _by_label(choices) -> dict:
    table = {}
    for value, label in choices:
        table[str(label)] = value
        table[value] = value
        short = str(label).split("（")[0]
        table.setdefault(short, value)
    return table


TYPES = _by_label(OrgType.choices) | {"民办非企业单位": OrgType.SERVICE_INSTITUTION, "社会服务机构": OrgType.SERVICE_INSTITUTION,
                                       "民非": OrgType.SERVICE_INSTITUTION, "社团": OrgType.SOCIAL_GROUP}
CATEGORIES = _by_label(Category.choices)
KINDS = _by_label(RegistrationKind.choices)
LEVELS = _by_label(RegistrationLevel.choices) | {"市级": RegistrationLevel.CITY, "县级": RegistrationLevel.COUNTY,
                                                 "区级": RegistrationLevel.COUNTY}
STATUSES = _by_label(OrgStatus.choices)
YES = {"是", "有", "1", "Y", "y", "true", "True"}


def _date(value, label, report, row):
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").rstrip("日")
    try:
        return date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
    except ValueError:
        report.add(row, _("%(label)s“%(v)s”不是有效日期（如 2019-05-20）") % {"label": label, "v": value})
        return None


def _phone(value: str, report, row) -> str:
    """A mobile or fixed-line number, checked on entry (it is stored encrypted, so it must be right now)."""
    value = normalize_phone(value)
    error = phone_error(value) if value else None
    if error:
        report.add(row, _("联系电话“%(v)s”：%(e)s") % {"v": mask_phone(value), "e": error})
        return ""
    return value


def _int(value, label, report, row):
    return nonnegative_int(value, label, report, row, default=0)


def _choice(value, table, label, report, row, default=None):
    text = str(value or "").strip()
    if not text:
        return default
    if text not in table:
        report.add(row, _("%(label)s“%(v)s”无法识别") % {"label": label, "v": text})
        return default
    return table[text]


@dataclass
class _RegisterFile:
    """What checking one register file needs to know: the rows' look-ups in the database and what earlier rows
    of the same file already used (codes, filing numbers, names per region)."""

    scope: object
    override_reason: str
    existing_codes: set
    regions: dict
    names_in_db: set
    existing_filings: set
    overridden: set = field(default_factory=set)
    seen_codes: dict = field(default_factory=dict)
    seen_names: dict = field(default_factory=dict)

    @classmethod
    def load(cls, rows, *, scope, override_reason: str) -> _RegisterFile:
        from zhengshe.regions.models import Region

        codes = [c for c in (_cell(r, "统一社会信用代码") for _n, r in rows) if c]
        region_codes = {_cell(r, "所在区划代码") for _n, r in rows}
        filings = [f for f in (_cell(r, "备案编号") for _n, r in rows) if f]
        return cls(
            scope=scope, override_reason=override_reason,
            existing_codes=set(Organization.objects.filter(credit_code__in=codes).values_list("credit_code", flat=True)),
            regions={r.code: r for r in Region.objects.filter(code__in=region_codes)},
            names_in_db=set(Organization.objects.filter(region__code__in=region_codes).values_list(
                "name", "region__code")),
            existing_filings=set(Organization.objects.filter(filing_number__in=filings).values_list(
                "filing_number", flat=True)),
        )

    def check_code(self, code: str, kind: str, report: ImportReport, number: int) -> None:
        """The credit code is valid (or only its check character fails, under an override) and not a duplicate."""
        if not code:
            if kind == RegistrationKind.REGISTERED:
                report.add(number, _("已登记的社会组织须填写统一社会信用代码"))
            return
        errors = credit_code_errors(code)
        if errors and self.override_reason.strip() and all("校验" in e for e in errors):
            self.overridden.add(number)
        else:
            for error in errors:
                report.add(number, error)
        if code in self.existing_codes:
            report.add(number, _("统一社会信用代码“%s”已存在于系统中（重复）") % code)
        elif code in self.seen_codes:
            report.add(number, _("统一社会信用代码“%(c)s”与第 %(r)d 行重复") % {"c": code, "r": self.seen_codes[code]})
        else:
            self.seen_codes[code] = number

    def check_filing(self, filing: str, report: ImportReport, number: int) -> None:
        if filing and (filing in self.existing_filings or self.seen_codes.get(filing)):
            report.add(number, _("备案编号“%s”重复") % filing)
        elif filing:
            self.seen_codes[filing] = number

    def check_region(self, region_code: str, name: str, report: ImportReport, number: int):
        """The row's region exists and is in the importer's scope, and the name is not registered there yet."""
        region = self.regions.get(region_code)
        if region is None:
            report.add(number, _("所在区划代码“%s”不存在") % region_code if region_code else _("所在区划代码为空"))
            return None
        if not (self.scope.is_superuser or self.scope.covers_path(region.path, IMPORT_ROLES)):
            report.add(number, _("区划“%s”不在您的管理范围内") % region.name)
        if name:
            key = (name, region.code)
            if key in self.names_in_db:
                report.add(number, _("“%(n)s”已在“%(r)s”登记（重复）") % {"n": name, "r": region.name})
            elif key in self.seen_names:
                report.add(number, _("名称与第 %d 行重复") % self.seen_names[key])
            else:
                self.seen_names[key] = number
        return region

    def parse(self, number: int, rec: dict, report: ImportReport) -> dict:
        """One row checked and turned into the organization's fields (errors go to ``report``)."""
        name = _cell(rec, "名称")
        if not name:
            report.add(number, _("名称为空"))
        org_type = _choice(rec.get("组织类型"), TYPES, _("组织类型"), report, number)
        if org_type is None and not rec.get("组织类型"):
            report.add(number, _("组织类型为空"))
        category = _choice(rec.get("类别"), CATEGORIES, _("类别"), report, number, Category.OTHER)
        default_kind = RegistrationKind.FILED if org_type == OrgType.COMMUNITY else RegistrationKind.REGISTERED
        kind = _choice(rec.get("登记/备案"), KINDS, _("登记/备案"), report, number, default_kind)
        level = _choice(rec.get("登记层级"), LEVELS, _("登记层级"), report, number,
                        RegistrationLevel.TOWN if kind == RegistrationKind.FILED else RegistrationLevel.COUNTY)
        status = _choice(rec.get("状态"), STATUSES, _("状态"), report, number, OrgStatus.ACTIVE)
        code = _cell(rec, "统一社会信用代码")
        self.check_code(code, kind, report, number)
        self.check_filing(_cell(rec, "备案编号"), report, number)
        region = self.check_region(_cell(rec, "所在区划代码"), name, report, number)
        return {
            "name": name, "credit_code": code, "org_type": org_type, "category": category,
            "registration_kind": kind, "registration_level": level, "status": status, "region": region,
            **_row_facts(rec, report, number),
            "filing_number": _cell(rec, "备案编号")[:32] if kind == RegistrationKind.FILED else "",
        }


def _cell(rec: dict, header: str) -> str:
    return str(rec.get(header) or "").strip()


def _row_facts(rec: dict, report: ImportReport, number: int) -> dict:
    """The descriptive columns of a row: dates, people, counts."""
    return {
        "registration_authority": _cell(rec, "登记管理机关")[:100],
        "founded_on": _date(rec.get("成立日期"), _("成立日期"), report, number),
        "registered_on": _date(rec.get("登记日期"), _("登记日期"), report, number),
        "legal_representative": _cell(rec, "法定代表人")[:50],
        "contact_person": _cell(rec, "联系人")[:50],
        "contact_phone": _phone(_cell(rec, "联系电话"), report, number),
        "address": _cell(rec, "住所")[:200],
        "business_scope": _cell(rec, "业务范围"),
        "members": _int(rec.get("会员数"), _("会员数"), report, number),
        "full_time_staff": _int(rec.get("专职工作人员"), _("专职工作人员"), report, number),
        "social_workers": _int(rec.get("持证社工"), _("持证社工"), report, number),
        "volunteers": _int(rec.get("志愿者"), _("志愿者"), report, number),
        "has_party_org": _cell(rec, "党组织") in YES,
    }


def import_register(upload, *, actor, override_reason: str = "") -> ImportReport:
    """Import a register file; returns the report (``report.ok`` and ``report.created`` when written).

    With ``override_reason`` (civil-affairs administrators only), codes whose only fault is a check
    character are accepted as really issued; each such organization is flagged and audited.
    """
    scope = Scope.for_user(actor)
    if not (scope.is_superuser or scope.has_role(*IMPORT_ROLES)):
        raise NotAllowed(_("只有民政部门可以导入社会组织名册。"))
    rows = read_table(upload, IMPORT_HEADERS, required=REQUIRED_HEADERS)
    report = ImportReport(total=len(rows))
    checked = _RegisterFile.load(rows, scope=scope, override_reason=override_reason)
    parsed = [(number, checked.parse(number, rec, report)) for number, rec in rows]
    if not report.ok:
        return report
    result = run_import(parsed, _RegisterWriter(checked.overridden, override_reason.strip()[:200]))
    result.total = report.total
    if result.ok:
        record_event("organizations.import", None, after={"rows": result.created}, object_repr=_("社会组织名册导入"))
    return result


class _RegisterWriter:
    """Writes one checked row (``run_import``'s handler); filing numbers counted once per town and year."""

    def __init__(self, overridden: set, override_reason: str):
        self.overridden = overridden
        self.override_reason = override_reason
        self.serials: dict[str, int] = {}

    def filing_number(self, region, year) -> str:
        """Like ``next_filing_number``, one query per town and year rather than per row."""
        from .services import next_filing_number

        prefix = f"BA{region.code[:9]}{year}"
        if prefix not in self.serials:
            self.serials[prefix] = int(next_filing_number(region, year)[-4:]) - 1
        self.serials[prefix] += 1
        return f"{prefix}{self.serials[prefix]:04d}"

    def __call__(self, number, data, rep) -> None:
        org = Organization(**data)
        if org.registration_kind == RegistrationKind.FILED and not org.filing_number:
            org.filing_number = self.filing_number(org.region, (org.registered_on or timezone.localdate()).year)
        if number in self.overridden:
            org.credit_code_override = True
            org.credit_code_override_reason = self.override_reason
        org.full_clean(exclude=["region"], validate_constraints=False)  # the region was checked above
        org.save()
        if number in self.overridden:
            record_event("organizations.credit_code_override", org,
                         after={"credit_code": org.credit_code, "reason": org.credit_code_override_reason, "row": number})
        rep.created += 1


MASKED_PHONE_HEADER = "联系电话（已脱敏）"


def export_headers(*, full: bool) -> list[str]:
    """The import layout; the phone column says when its numbers are masked (such a file cannot be re-imported)."""
    return IMPORT_HEADERS if full else [MASKED_PHONE_HEADER if h == "联系电话" else h for h in IMPORT_HEADERS]


def export_full_for(actor) -> bool:
    """Whether ``actor``'s export carries full phones: a role of the organizations' ``reveal`` action."""
    from zhengshe.core.scoping import roles_for_action

    scope = Scope.for_user(actor)
    return scope.is_superuser or scope.has_role(*roles_for_action(Organization, "reveal"))


def export_rows(queryset, *, full: bool):
    """Rows in the import layout (round trip); contact phones only in full for a role that may reveal them."""
    for o in queryset.select_related("region").order_by("region__path", "name"):
        yield [o.name, o.credit_code, o.filing_number, o.get_org_type_display(), o.get_category_display(),
               o.get_registration_kind_display(), o.get_registration_level_display(), o.registration_authority,
               o.region.code, o.founded_on, o.registered_on, o.legal_representative, o.contact_person,
               o.contact_phone if full else mask_phone(o.contact_phone), o.address, o.business_scope, o.members,
               o.full_time_staff, o.social_workers, o.volunteers, "是" if o.has_party_org else "否",
               o.get_status_display()]
