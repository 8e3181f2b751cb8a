"""Excel import and export of an existing register (the spreadsheets civil-affairs offices keep today).

All-or-nothing: every row is checked (credit code with both check characters, region known and in the
importer's scope, duplicates in the file and in the system, choices, dates, numbers) and nothing is
written unless every row passes; the report lists each bad row in Chinese.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.accounts.roles import Role
from zhengshe.audit.services import record_event
from zhengshe.core.errors import NotAllowed
from zhengshe.core.scoping import Scope
from zhengshe.utilities.excel import ImportReport, nonnegative_int, read_table, run_import

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


def import_register(upload, *, actor, override_reason: str = "") -> ImportReport:
    """Import a register file; returns the report (``report.ok`` and ``report.created`` when written).

    With ``override_reason`` (civil-affairs administrators only), codes whose only fault is a check
    character are accepted as really issued; each such organization is flagged and audited.
    """
    from zhengshe.regions.models import Region

    scope = Scope.for_user(actor)
    if not (scope.is_superuser or scope.has_role(*IMPORT_ROLES)):
        raise NotAllowed(_("只有民政部门可以导入社会组织名册。"))
    rows = read_table(upload, IMPORT_HEADERS, required=REQUIRED_HEADERS)
    report = ImportReport(total=len(rows))
    codes_in_file = [str(r.get("统一社会信用代码") or "").strip() for _n, r in rows]
    existing_codes = set(Organization.objects.filter(credit_code__in=[c for c in codes_in_file if c]).values_list(
        "credit_code", flat=True))
    region_codes = {str(r.get("所在区划代码") or "").strip() for _n, r in rows}
    regions = {r.code: r for r in Region.objects.filter(code__in=region_codes)}
    names_in_db = set(Organization.objects.filter(region__code__in=region_codes).values_list("name", "region__code"))
    filings = [str(r.get("备案编号") or "").strip() for _n, r in rows]
    existing_filings = set(Organization.objects.filter(filing_number__in=[f for f in filings if f]).values_list(
        "filing_number", flat=True))
    overridden: set[int] = set()
    seen_codes: dict[str, int] = {}
    seen_names: dict[tuple, int] = {}
    parsed = []
    for number, rec in rows:
        name = str(rec.get("名称") or "").strip()
        code = str(rec.get("统一社会信用代码") or "").strip()
        region_code = str(rec.get("所在区划代码") or "").strip()
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
        if code:
            errors = credit_code_errors(code)
            if errors and override_reason.strip() and all("校验" in e for e in errors):
                overridden.add(number)
            else:
                for error in errors:
                    report.add(number, error)
            if code in existing_codes:
                report.add(number, _("统一社会信用代码“%s”已存在于系统中（重复）") % code)
            elif code in seen_codes:
                report.add(number, _("统一社会信用代码“%(c)s”与第 %(r)d 行重复") % {"c": code, "r": seen_codes[code]})
            else:
                seen_codes[code] = number
        elif kind == RegistrationKind.REGISTERED:
            report.add(number, _("已登记的社会组织须填写统一社会信用代码"))
        filing = str(rec.get("备案编号") or "").strip()
        if filing and (filing in existing_filings or seen_codes.get(filing)):
            report.add(number, _("备案编号“%s”重复") % filing)
        elif filing:
            seen_codes[filing] = number
        region = regions.get(region_code)
        if region is None:
            report.add(number, _("所在区划代码“%s”不存在") % region_code if region_code else _("所在区划代码为空"))
        elif not (scope.is_superuser or scope.covers_path(region.path, IMPORT_ROLES)):
            report.add(number, _("区划“%s”不在您的管理范围内") % region.name)
        if name and region is not None:
            key = (name, region.code)
            if key in names_in_db:
                report.add(number, _("“%(n)s”已在“%(r)s”登记（重复）") % {"n": name, "r": region.name})
            elif key in seen_names:
                report.add(number, _("名称与第 %d 行重复") % seen_names[key])
            else:
                seen_names[key] = number
        data = {
            "name": name, "credit_code": code, "org_type": org_type, "category": category,
            "registration_kind": kind, "registration_level": level, "status": status, "region": region,
            "registration_authority": str(rec.get("登记管理机关") or "").strip()[:100],
            "founded_on": _date(rec.get("成立日期"), _("成立日期"), report, number),
            "registered_on": _date(rec.get("登记日期"), _("登记日期"), report, number),
            "legal_representative": str(rec.get("法定代表人") or "").strip()[:50],
            "contact_person": str(rec.get("联系人") or "").strip()[:50],
            "contact_phone": str(rec.get("联系电话") or "").strip()[:20],
            "address": str(rec.get("住所") or "").strip()[:200],
            "business_scope": str(rec.get("业务范围") or "").strip(),
            "members": _int(rec.get("会员数"), _("会员数"), report, number),
            "full_time_staff": _int(rec.get("专职工作人员"), _("专职工作人员"), report, number),
            "social_workers": _int(rec.get("持证社工"), _("持证社工"), report, number),
            "volunteers": _int(rec.get("志愿者"), _("志愿者"), report, number),
            "has_party_org": str(rec.get("党组织") or "").strip() in YES,
            "filing_number": str(rec.get("备案编号") or "").strip()[:32] if kind == RegistrationKind.FILED else "",
        }
        parsed.append((number, data))
    if not report.ok:
        return report

    from .services import next_filing_number

    serials: dict[str, int] = {}

    def filing_number(region, year) -> str:
        """Like ``next_filing_number``, one query per town and year rather than per row."""
        prefix = f"BA{region.code[:9]}{year}"
        if prefix not in serials:
            serials[prefix] = int(next_filing_number(region, year)[-4:]) - 1
        serials[prefix] += 1
        return f"{prefix}{serials[prefix]:04d}"

    def handle(number, data, rep):
        org = Organization(**data)
        if org.registration_kind == RegistrationKind.FILED and not org.filing_number:
            org.filing_number = filing_number(org.region, (org.registered_on or timezone.localdate()).year)
        if number in overridden:
            org.credit_code_override = True
            org.credit_code_override_reason = override_reason.strip()[:200]
        org.full_clean(exclude=["region"], validate_constraints=False)  # the region was checked above
        org.save()
        if number in overridden:
            record_event("organizations.credit_code_override", org,
                         after={"credit_code": org.credit_code, "reason": org.credit_code_override_reason, "row": number})
        rep.created += 1

    result = run_import(parsed, handle)
    result.total = report.total
    if result.ok:
        record_event("organizations.import", None, after={"rows": result.created}, object_repr=_("社会组织名册导入"))
    return result


def export_rows(queryset, *, full: bool):
    """Rows in the import layout (round trip); contact phones only in full for the registering office."""
    from zhengshe.utilities.masking import mask_phone

    for o in queryset.select_related("region").order_by("region__path", "name"):
        yield [o.name, o.credit_code, o.filing_number, o.get_org_type_display(), o.get_category_display(),
               o.get_registration_kind_display(), o.get_registration_level_display(), o.registration_authority,
               o.region.code, o.founded_on, o.registered_on, o.legal_representative, o.contact_person,
               o.contact_phone if full else mask_phone(o.contact_phone), o.address, o.business_scope, o.members,
               o.full_time_staff, o.social_workers, o.volunteers, "是" if o.has_party_org else "否",
               o.get_status_display()]
