"""Writes to the lists: departments, list versions, items, publishing, whole-list Excel import."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.audit.services import record_event
from zhengshe.core.errors import ServiceError
from zhengshe.core.scoping import ancestor_paths
from zhengshe.utilities.excel import ImportReport, read_table

from ..choices import FundingBasis, ListKind, ListStatus
from ..models import Department, DutyList, ItemIdentity, ListItem
from ..workflows import LIST_FLOW
from .common import require_roles_over

LIST_MANAGERS = {"district_admin"}
DEPARTMENT_MANAGERS = {"district_admin", "town_staff"}
ITEM_FIELDS = ["number", "category", "title", "description", "legal_basis", "department", "funding_follows",
               "funding_basis", "funding_amount"]
IMPORT_HEADERS = ["编号", "类别", "事项名称", "事项内容", "法律依据", "责任部门", "费随事转", "经费标准方式",
                  "经费标准（元）", "事项标识"]
REQUIRED_HEADERS = ["编号", "类别", "事项名称"]
BASIS_ALIASES = {
    "": FundingBasis.NONE, "无": FundingBasis.NONE, "不随事转费": FundingBasis.NONE,
    "按户": FundingBasis.PER_HOUSEHOLD, "按人口": FundingBasis.PER_CAPITA, "按人": FundingBasis.PER_CAPITA,
    "定额": FundingBasis.FIXED,
} | {str(label): value for value, label in FundingBasis.choices} | {v: v for v in FundingBasis.values}
YES = {"是", "√", "✓", "Y", "y", "yes", "true", "1", "TRUE", "True"}
NO = {"", "否", "×", "N", "n", "no", "false", "0", "FALSE", "False"}


# ---- departments ---------------------------------------------------------------------------------

@transaction.atomic
def department_create(*, actor, region, name: str, short_name: str = "") -> Department:
    """Add a department to a region's registry (list items and asks name departments from it)."""
    require_roles_over(actor, region, DEPARTMENT_MANAGERS)
    name = name.strip()
    if not name:
        raise ServiceError(_("部门名称不能为空。"), fields={"name": [_("此项为必填项。")]})
    if Department.objects.filter(region=region, name=name).exists():
        raise ServiceError(_("“%s”已在部门名录中。") % name, fields={"name": [_("名称重复。")]})
    return Department.objects.create(region=region, name=name, short_name=short_name.strip())


def known_departments(region) -> set[str]:
    """Names of the active departments of ``region`` and its ancestors (who may answer for its items)."""
    return set(Department.objects.filter(region__path__in=ancestor_paths(region.path), active=True)
               .values_list("name", flat=True))


# ---- list versions -------------------------------------------------------------------------------

def _next_version(region, kind) -> tuple[int, DutyList | None]:
    latest = DutyList.objects.filter(region=region, kind=kind).order_by("-version").first()
    return (latest.version + 1 if latest else 1), latest


def _check_no_draft(region, kind):
    if DutyList.objects.filter(region=region, kind=kind, status=ListStatus.DRAFT).exists():
        raise ServiceError(_("该类清单已有一个草稿版本，请先完成或在其上修改。"))


@transaction.atomic
def list_create(*, actor, region, kind: str, year: int, title: str, document_number: str = "",
                note: str = "") -> DutyList:
    """Start a new (empty) draft version of a list issued by ``region``."""
    require_roles_over(actor, region, LIST_MANAGERS)
    if kind not in ListKind.values:
        raise ServiceError(_("清单类别不正确。"))
    _check_no_draft(region, kind)
    version, latest = _next_version(region, kind)
    duty_list = DutyList.objects.create(region=region, kind=kind, year=year, version=version, title=title.strip(),
                                        document_number=document_number.strip(), note=note, previous=latest)
    record_event("catalog.list.create", duty_list, after={"version": version, "kind": kind})
    return duty_list


@transaction.atomic
def list_new_version(*, actor, source: DutyList, year: int | None = None) -> DutyList:
    """A draft copy of ``source`` (items keep their identities), to be edited and published as the next version."""
    require_roles_over(actor, source.region, LIST_MANAGERS)
    _check_no_draft(source.region, source.kind)
    version, latest = _next_version(source.region, source.kind)
    draft = DutyList.objects.create(region=source.region, kind=source.kind, year=year or timezone.localdate().year,
                                    version=version, title=source.title, document_number="", previous=latest,
                                    note=source.note)
    copies = [ListItem(duty_list=draft, identity_id=i.identity_id, position=i.position,
                       **{f: getattr(i, f) for f in ITEM_FIELDS}) for i in source.items.all()]
    ListItem.objects.bulk_create(copies)
    record_event("catalog.list.new_version", draft, after={"from_version": source.version, "items": len(copies)})
    return draft


def _require_draft(duty_list):
    if duty_list.status != ListStatus.DRAFT:
        raise ServiceError(_("只有草稿版本可以修改；已发布的清单请先生成新版本。"))


def _new_identity(duty_list, number: str, key: str = "") -> ItemIdentity:
    taken = set(ItemIdentity.objects.filter(region=duty_list.region, kind=duty_list.kind)
                .values_list("key", flat=True))
    key = key or number
    candidate, n = key, 1
    while candidate in taken:
        n += 1
        candidate = f"{key}-{n}"
    return ItemIdentity.objects.create(region=duty_list.region, kind=duty_list.kind, key=candidate)


def _validate_item(duty_list, fields: dict, *, exclude_pk=None) -> dict:
    errors = {}
    for required in ("number", "category", "title"):
        if not str(fields.get(required) or "").strip():
            errors[required] = [_("此项为必填项。")]
    number = str(fields.get("number") or "").strip()
    if number and duty_list.items.filter(number=number).exclude(pk=exclude_pk).exists():
        errors["number"] = [_("编号“%s”在本清单中已存在。") % number]
    dept = str(fields.get("department") or "").strip()
    if dept and dept not in known_departments(duty_list.region):
        errors["department"] = [_("部门“%s”不在部门名录中。") % dept]
    basis = fields.get("funding_basis") or FundingBasis.NONE
    amount = fields.get("funding_amount") or Decimal(0)
    if fields.get("funding_follows") and basis == FundingBasis.NONE:
        errors["funding_basis"] = [_("费随事转的事项须写明经费标准方式。")]
    if amount < 0:
        errors["funding_amount"] = [_("经费标准不能为负数。")]
    if errors:
        raise ServiceError(_("事项内容有误，请检查标出的字段。"), fields=errors)
    return {**fields, "number": number, "department": dept, "funding_basis": basis, "funding_amount": amount}


@transaction.atomic
def item_save(*, actor, duty_list: DutyList, item: ListItem | None = None, **fields) -> ListItem:
    """Add an item to a draft list, or change one of its items (its identity stays)."""
    require_roles_over(actor, duty_list.region, LIST_MANAGERS)
    duty_list = DutyList.objects.select_for_update().get(pk=duty_list.pk)
    _require_draft(duty_list)
    clean = _validate_item(duty_list, fields, exclude_pk=item.pk if item else None)
    if item is None:
        position = (duty_list.items.aggregate(m=Max("position"))["m"] or 0) + 1
        item = ListItem(duty_list=duty_list, identity=_new_identity(duty_list, clean["number"]), position=position)
    for name in ITEM_FIELDS:
        if name in clean:
            setattr(item, name, clean[name])
    item.save()
    return item


@transaction.atomic
def item_remove(*, actor, item: ListItem) -> None:
    """Take an item out of a draft version (earlier versions keep theirs; the diff shows it removed)."""
    require_roles_over(actor, item.duty_list.region, LIST_MANAGERS)
    _require_draft(item.duty_list)
    record_event("catalog.item.remove", item.duty_list, before={"number": item.number, "title": item.title})
    item.delete()


@transaction.atomic
def list_publish(*, actor, duty_list: DutyList) -> DutyList:
    """Publish a draft; the version in force until now becomes superseded (kept, never deleted)."""
    now = timezone.now()
    current = list(DutyList.objects.filter(region=duty_list.region, kind=duty_list.kind,
                                           status=ListStatus.PUBLISHED).exclude(pk=duty_list.pk))

    def stamp(obj):
        obj.published_at = now

    with transaction.atomic():  # the new version and the retirement of the old one, together or not at all
        published = LIST_FLOW.transition(duty_list, "publish", actor=actor, before_save=stamp)
        LIST_FLOW.bulk_transition(current, "supersede", actor=actor, internal=True,
                                  comment=_("由第 %d 版取代") % published.version, changes={"superseded_at": now})
    return published


# ---- whole-list import ---------------------------------------------------------------------------

def _parse_rows(rows, region, report: ImportReport) -> list[dict]:
    departments = known_departments(region)
    parsed, numbers, keys = [], {}, {}
    for row, rec in rows:
        number = str(rec.get("编号") or "").strip()
        category = str(rec.get("类别") or "").strip()
        title = str(rec.get("事项名称") or "").strip()
        dept = str(rec.get("责任部门") or "").strip()
        key = str(rec.get("事项标识") or "").strip()
        if not number:
            report.add(row, _("编号为空"))
        elif number in numbers:
            report.add(row, _("编号“%(n)s”与第 %(r)d 行重复") % {"n": number, "r": numbers[number]})
        else:
            numbers[number] = row
        if not category:
            report.add(row, _("类别为空"))
        if not title:
            report.add(row, _("事项名称为空"))
        if dept and dept not in departments:
            report.add(row, _("责任部门“%s”不在本级及上级部门名录中") % dept)
        if key:
            if key in keys:
                report.add(row, _("事项标识“%(k)s”与第 %(r)d 行重复") % {"k": key, "r": keys[key]})
            keys[key] = row
        follows_text = str(rec.get("费随事转") or "").strip()
        if follows_text not in YES | NO:
            report.add(row, _("费随事转应填“是”或“否”，不是“%s”") % follows_text)
        basis_text = str(rec.get("经费标准方式") or "").strip()
        basis = BASIS_ALIASES.get(basis_text)
        if basis is None:
            report.add(row, _("经费标准方式“%s”无法识别（可填：按户、按人口、定额、无）") % basis_text)
        amount_text = rec.get("经费标准（元）")
        try:
            amount = Decimal(str(amount_text).replace(",", "")) if amount_text not in (None, "") else Decimal(0)
            if amount < 0:
                raise InvalidOperation
        except InvalidOperation:
            report.add(row, _("经费标准“%s”不是非负数") % amount_text)
            amount = Decimal(0)
        follows = follows_text in YES
        if follows and basis == FundingBasis.NONE:
            report.add(row, _("费随事转的事项须写明经费标准方式"))
        parsed.append({"row": row, "key": key, "number": number, "category": category, "title": title,
                       "description": str(rec.get("事项内容") or "").strip(),
                       "legal_basis": str(rec.get("法律依据") or "").strip(), "department": dept,
                       "funding_follows": follows, "funding_basis": basis or FundingBasis.NONE,
                       "funding_amount": amount.quantize(Decimal("0.01"))})
    return parsed


def list_import(upload, *, actor, region, kind: str, year: int, title: str,
                document_number: str = "") -> tuple[ImportReport, DutyList | None]:
    """A whole list from one sheet, as a new draft version. Every bad row is reported; nothing is written
    unless all rows pass. Items keep the identity named in 事项标识, else that of the same title in the
    previous version, else get a new one."""
    require_roles_over(actor, region, LIST_MANAGERS)
    rows = read_table(upload, IMPORT_HEADERS, required=REQUIRED_HEADERS)
    report = ImportReport(total=len(rows))
    if not rows:
        report.file_error = _("文件中没有事项。")
        return report, None
    parsed = _parse_rows(rows, region, report)
    if DutyList.objects.filter(region=region, kind=kind, status=ListStatus.DRAFT).exists():
        report.file_error = _("该类清单已有一个草稿版本，请先发布或在草稿上修改后再导入。")
    if not report.ok:
        return report, None
    with transaction.atomic():
        duty_list = list_create(actor=actor, region=region, kind=kind, year=year, title=title,
                                document_number=document_number)
        identities = {i.key: i for i in ItemIdentity.objects.filter(region=region, kind=kind)}
        by_title = {}
        if duty_list.previous_id:
            by_title = {i.title: i.identity for i in duty_list.previous.items.select_related("identity")}
        items = []
        for position, rec in enumerate(parsed, start=1):
            identity = identities.get(rec["key"]) if rec["key"] else by_title.get(rec["title"])
            if identity is None:
                identity = _new_identity(duty_list, rec["number"], rec["key"])
                identities[identity.key] = identity
            items.append(ListItem(duty_list=duty_list, identity=identity, position=position,
                                  **{f: rec[f] for f in ITEM_FIELDS}))
        ListItem.objects.bulk_create(items)
        report.created = len(items)
        record_event("catalog.list.import", duty_list, after={"items": len(items), "rows": report.total})
    return report, duty_list


def export_rows(duty_list: DutyList):
    """The list's items in the import layout (so an export can be edited and imported as the next version)."""
    for i in duty_list.items.select_related("identity").order_by("position", "number"):
        yield [i.number, i.category, i.title, i.description, i.legal_basis, i.department,
               "是" if i.funding_follows else "否", i.get_funding_basis_display() if i.funding_follows else "无",
               i.funding_amount, i.identity.key]
