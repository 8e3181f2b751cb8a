"""Writes to the region tree: one region at a time, or a whole file all-or-nothing."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhengshe.audit.services import record_event
from zhengshe.core import context
from zhengshe.core.errors import NotAllowed
from zhengshe.core.scoping import Scope
from zhengshe.utilities.excel import ImportReport, nonnegative_int, read_table, run_import

from . import codes
from .choices import LEVEL_DEPTH, URBAN_RURAL, Level
from .models import Region

IMPORT_HEADERS = ["统计用区划代码", "名称", "层级", "上级代码", "城乡分类代码", "人口", "户数", "服务中心面积（㎡）"]
REQUIRED_HEADERS = ["统计用区划代码", "名称", "上级代码"]
LEVEL_BY_LABEL = {str(label): value for value, label in Level.choices} | {v: v for v in Level.values}
MANAGE_ROLES = {"district_admin", "sys_admin"}


def _can_manage(actor, parent_path: str | None) -> bool:
    scope = Scope.for_user(actor)
    if scope.is_superuser:
        return True
    return parent_path is not None and scope.covers_path(parent_path, MANAGE_ROLES)


@context.attributed
@transaction.atomic
def region_create(*, actor, code: str, name: str, parent: Region | None, level: str | None = None, **fields) -> Region:
    """Add one region under ``parent`` after validating its code, level and nesting."""
    if not _can_manage(actor, parent.path if parent else None):
        raise NotAllowed()
    region = Region(code=code, name=name, parent=parent, level=level or codes.level_of(code) or "", **fields)
    region.full_clean()
    region.save()
    return region


EDITABLE_FIELDS = ("name", "urban_rural_code", "population", "households", "service_centre_area", "is_active")


@context.attributed
@transaction.atomic
def region_update(*, actor, region: Region, expected_updated_at: str = "", **fields) -> Region:
    """Change a region's name and figures (never its code or parent: they are its path). Audited by the change log.

    ``expected_updated_at`` (the ISO time the form was loaded with) refuses a save over someone else's change.
    """
    from zhengshe.core.errors import ConflictError

    locked = Region.objects.select_for_update().get(pk=region.pk)
    if not _can_manage(actor, locked.path):
        raise NotAllowed()
    if expected_updated_at:
        from django.utils.dateparse import parse_datetime

        expected = parse_datetime(str(expected_updated_at))
        if expected is None or expected != locked.updated_at:
            raise ConflictError()
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for key, value in fields.items():
        setattr(locked, key, value)
    locked.full_clean()
    locked.save()
    return locked


def can_manage(actor, region: Region | None) -> bool:
    """Whether ``actor`` may add regions under ``region`` or edit it (district admin or system admin above it)."""
    return _can_manage(actor, region.path if region is not None else None)


def _parse_row(number: int, rec: dict, report: ImportReport, seen: dict) -> tuple:
    """One row of the file as (number, code, name, level, parent code, fields); its own errors go to ``report``."""
    code = str(rec.get("统计用区划代码") or "").strip()
    parent_code = str(rec.get("上级代码") or "").strip()
    name = str(rec.get("名称") or "").strip()
    level_text = str(rec.get("层级") or "").strip()
    level = LEVEL_BY_LABEL.get(level_text) if level_text else codes.level_of(code)
    if level_text and level is None:
        report.add(number, _("层级“%s”无法识别") % level_text)
    if not name:
        report.add(number, _("名称为空"))
    error = codes.format_error(code, level)
    if error:
        report.add(number, error)
    elif code in seen:
        report.add(number, _("区划代码“%(code)s”与第 %(row)d 行重复") % {"code": code, "row": seen[code]})
    else:
        seen[code] = number
    urban = str(rec.get("城乡分类代码") or "").strip()
    if urban and urban not in URBAN_RURAL:
        report.add(number, _("城乡分类代码“%s”不在 111/112/121/122/123/210/220 之中") % urban)
    area = rec.get("服务中心面积（㎡）")
    try:
        area = Decimal(str(area)).quantize(Decimal("0.01")) if area not in (None, "") else None
    except InvalidOperation:
        report.add(number, _("服务中心面积“%s”不是数字") % area)
        area = None
    fields = {
        "population": nonnegative_int(rec.get("人口"), _("人口"), report, number),
        "households": nonnegative_int(rec.get("户数"), _("户数"), report, number),
        "service_centre_area": area,
        "urban_rural_code": urban,
    }
    return number, code, name, level, parent_code, fields


def _check_nesting(parsed, existing: dict, levels_in_file: dict, report: ImportReport, update_existing: bool) -> None:
    """Each row's parent exists (in the file or the system), one level up, with a code that nests."""
    from .choices import PARENT_LEVEL

    for number, code, _name, level, parent_code, _f in parsed:
        if level is None:
            continue
        if code in existing and not update_existing:
            report.add(number, _("区划代码“%s”已存在于系统中") % code)
        if level == Level.PROVINCE:
            continue
        if not parent_code:
            report.add(number, _("上级代码为空"))
            continue
        parent_level = levels_in_file.get(parent_code) or (existing[parent_code].level if parent_code in existing else None)
        if parent_level is None:
            report.add(number, _("上级代码“%s”在文件和系统中都不存在") % parent_code)
            continue
        if parent_level not in PARENT_LEVEL.get(level, set()):
            report.add(number, _("层级顺序不正确：%(level)s 不能直接隶属于 %(parent)s") % {
                "level": Level(level).label, "parent": Level(parent_level).label})
            continue
        error = codes.nesting_error(code, parent_code, level)
        if error:
            report.add(number, error)


def _check_updates_and_scope(parsed, existing: dict, levels_in_file: dict, report: ImportReport, *, actor,
                             update_existing: bool) -> None:
    """Updates change neither level nor parent; new rows hang under parents the importer manages."""
    scope_is_super = Scope.for_user(actor).is_superuser
    for number, code, _name, level, parent_code, _f in parsed:
        if level is None:
            continue
        if code in existing and update_existing:
            current = existing[code]
            current_parent = current.path.rstrip("/").rsplit("/", 1)[0].rsplit("/", 1)[-1] if current.parent_id else ""
            if current.level != level:
                report.add(number, _("区划“%(code)s”在系统中的层级是%(level)s，导入不能改变层级") % {
                    "code": code, "level": current.get_level_display()})
            elif (parent_code or "") != current_parent:
                report.add(number, _("区划“%(code)s”在系统中的上级是“%(parent)s”，导入不能调整隶属关系") % {
                    "code": code, "parent": current_parent})
        if not parent_code:
            if level == Level.PROVINCE and not scope_is_super:
                report.add(number, _("只有超级管理员可以导入省级区划"))
            continue
        if parent_code in levels_in_file:
            continue  # checked through the parent's own row
        if parent_code in existing and not _can_manage(actor, existing[parent_code].path):
            report.add(number, _("上级“%s”不在您的管理范围内") % parent_code)


class _RegionWriter:
    """Writes one checked row (``run_import``'s handler), parents before children."""

    def __init__(self, existing: dict, update_existing: bool):
        self.by_code = dict(existing)
        self.update_existing = update_existing

    def __call__(self, number, item, rep) -> None:
        _n, code, name, level, parent_code, fields = item
        parent = self.by_code.get(parent_code) if parent_code else None
        if code in self.by_code and self.update_existing:
            region = self.by_code[code]
            if region.name != name or any(getattr(region, k) != v for k, v in fields.items()):
                region.name = name
                for key, value in fields.items():
                    setattr(region, key, value)
                region.full_clean()
                region.save()
                rep.updated += 1
        else:
            region = Region(code=code, name=name, level=level, parent=parent, **fields)
            region.full_clean(validate_unique=False)
            region.save()
            rep.created += 1
        self.by_code[code] = region


def import_regions(upload, *, actor, update_existing: bool = False) -> ImportReport:
    """Import a file in the 统计用区划代码 layout. Every bad row is reported; nothing is written unless all pass."""
    rows = read_table(upload, IMPORT_HEADERS, required=REQUIRED_HEADERS)
    report = ImportReport(total=len(rows))
    seen: dict[str, int] = {}
    parsed = [_parse_row(number, rec, report, seen) for number, rec in rows]
    existing = {r.code: r for r in Region.objects.filter(code__in=[p[1] for p in parsed] + [p[4] for p in parsed])}
    levels_in_file = {p[1]: p[3] for p in parsed}
    _check_nesting(parsed, existing, levels_in_file, report, update_existing)
    _check_updates_and_scope(parsed, existing, levels_in_file, report, actor=actor, update_existing=update_existing)
    if not report.ok:
        return report
    ordered = sorted(parsed, key=lambda p: LEVEL_DEPTH[p[3]])

    def finish(rep):
        record_event("regions.import", None, after={"created": rep.created, "updated": rep.updated,
                                                    "file": getattr(upload, "name", "")},
                     object_repr=_("区划导入"))

    # One new tree version for the whole file, written inside the import's transaction.
    with context.channel("import", user=actor), transaction.atomic():
        result = run_import([(p[0], p) for p in ordered], _RegionWriter(existing, update_existing), finish=finish)
    result.total = report.total
    return result


def export_rows(queryset):
    for r in queryset.select_related("parent"):
        yield [r.code, r.name, r.get_level_display(), r.parent.code if r.parent_id else "", r.urban_rural_code,
               r.population, r.households, r.service_centre_area]


def validate_tree_consistency(region: Region) -> None:
    """Raise when a region's path disagrees with its parent (used by data checks)."""
    expected = (region.parent.path if region.parent_id else "") + f"{region.code}/"
    if region.path != expected:
        raise ValidationError(_("区划“%s”的路径与上级不一致") % region.code)
