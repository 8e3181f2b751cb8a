"""Agreement templates of a town: their items from the assisted list, weights, funding and instalment plans."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from zhengshe.accounts.roles import Role
from zhengshe.audit.services import record_event
from zhengshe.core.errors import ConflictError, ServiceError
from zhengshe.utilities.money import format_yuan, to_yuan

from ..choices import (
    AgreementKind,
)
from ..models import (
    AgreementTemplate,
    TemplateItem,
)
from ._common import DEFAULT_CLAUSES, HUNDRED, _require_roles, even_weights, funding_for


def assisted_list_for(region, kind: str = "assisted"):
    """The published list of ``kind`` in force for ``region`` (catalog's selector)."""
    from zhengshe.catalog.interface import list_in_force

    return list_in_force(region, kind)


def template_create(*, actor, region, year: int, title: str = "", kind: str = AgreementKind.STANDARD,
                    list_items=None, **fields) -> AgreementTemplate:
    """A template for ``region``'s agreements of ``year``; items default to the whole list in force, even weights."""
    roles = {Role.TOWN_STAFF} if kind == AgreementKind.STANDARD else {Role.VILLAGE_STAFF}
    _require_roles(actor, region, roles | ({Role.DISTRICT_ADMIN} if kind == AgreementKind.STANDARD else set()))
    expected_level = "town" if kind == AgreementKind.STANDARD else "village"
    if region.level != expected_level:
        raise ServiceError(_("甲方区划层级不符：镇（街道）协议的甲方须为镇（街道），“2+1”协议的甲方须为村（居）委会。"))
    list_kind = "assisted" if kind == AgreementKind.STANDARD else "council"
    duty_list = fields.pop("duty_list", None) or assisted_list_for(region, list_kind)
    if list_items is None:
        if duty_list is None:
            raise ServiceError(_("未找到适用于%(region)s的已发布清单，请先发布清单。") % {"region": region.name})
        list_items = list(duty_list.items.select_related("identity").order_by("position", "number"))
    if not list_items:
        raise ServiceError(_("请至少选择一个协议事项。"))
    with transaction.atomic():
        suffix = "政府" if region.name.endswith(("镇", "乡")) else "办事处" if region.name.endswith("街道") else (
            "居民委员会" if region.is_community else "村民委员会")
        template = AgreementTemplate(
            region=region, year=year, kind=kind, duty_list=duty_list, created_by=actor,
            title=title or (f"{year}年度基层群众自治组织协助政府管理协议书" if kind == AgreementKind.STANDARD
                            else f"{year}年度居民自治理事会协助事项协议书"),
            party_a_name=fields.pop("party_a_name", "") or (
                f"{region.name}人民{suffix}" if suffix == "政府" else f"{region.name}{suffix}"),
            term_start=fields.pop("term_start", None) or dt.date(year, 1, 1),
            term_end=fields.pop("term_end", None) or dt.date(year, 12, 31),
            number_prefix=fields.pop("number_prefix", "") or f"{region.name[:2]}协",
            instalment_plan=fields.pop("instalment_plan", None) or default_instalment_plan(year),
            **{**DEFAULT_CLAUSES, **fields},
        )
        template.full_clean(exclude=["duty_list", "created_by"])
        template.save()
        weights = even_weights(len(list_items))
        TemplateItem.objects.bulk_create([
            TemplateItem(template=template, list_item=li, position=i, weight=weights[i],
                         requirements=li.description or li.title,
                         conditions_money=_money_condition(li), payment_schedule=_("按协议拨付计划分期拨付"),
                         indicator=_("按时按质完成%(title)s") % {"title": li.title})
            for i, li in enumerate(list_items)])
        record_event("agreement_template.created", template, after={"items": len(list_items), "year": year})
    return template


def _money_condition(list_item) -> str:
    if not list_item.funding_follows or list_item.funding_basis == "none":
        return ""
    unit = {"per_household": "元/户·年", "per_capita": "元/人·年", "fixed": "元/年"}.get(list_item.funding_basis, "")
    return _("按%(amount)s%(unit)s的标准拨付工作经费（费随事转）") % {"amount": to_yuan(list_item.funding_amount),
                                                              "unit": unit}


def default_instalment_plan(year: int) -> list[dict]:
    return [{"label": "第一期", "percent": "60", "due": f"{year}-06-30"},
            {"label": "第二期（评估后结算）", "percent": "40", "due": f"{year}-12-31"}]


def instalment_plan_problem(plan, template=None) -> str | None:
    """Why a payment plan is unusable (Chinese, naming the row), else None. Each row has a name, a due date and
    either a share (percent, the shares add up to 100) or an amount (yuan; with ``template`` given, the amounts must
    add up to the money of every agreement the template drafts)."""
    if not isinstance(plan, list):
        return _("拨付计划格式不正确。")
    kinds, total = set(), Decimal("0")
    for n, row in enumerate(plan, start=1):
        where = _("第 %(n)d 期：") % {"n": n}
        if not isinstance(row, dict) or not str(row.get("label", "")).strip():
            return where + _("请填写名称。")
        try:
            dt.date.fromisoformat(str(row.get("due", "")))
        except ValueError:
            return where + _("请填写应拨付日期。")
        given = [k for k in ("percent", "amount") if row.get(k) not in (None, "")]
        if len(given) != 1:
            return where + _("比例和金额须填且只填一项。")
        try:
            value = Decimal(str(row[given[0]]))
        except ArithmeticError:
            return where + _("%(what)s格式不正确。") % {"what": _("比例") if given[0] == "percent" else _("金额")}
        if not value.is_finite() or value <= 0:
            return where + _("比例或金额须大于 0。")
        kinds.add(given[0])
        total += value
    if len(kinds) > 1:
        return _("拨付计划须全部按比例或全部按金额分期，不能混用。")
    if kinds == {"percent"} and total != HUNDRED:
        return _("拨付计划各期比例合计应为 100%%，当前为 %(t)s%%。") % {"t": f"{total.normalize():f}"}
    if kinds == {"amount"} and template is not None:
        totals = sorted(template_totals(template))
        if totals and (totals[0] != total or totals[-1] != total):
            shown = format_yuan(totals[0]) if totals[0] == totals[-1] else \
                f"{format_yuan(totals[0])}至{format_yuan(totals[-1])}"
            return _("按金额分期时各期金额合计（%(t)s）须等于每份协议的经费合计（本模板为 %(s)s）；"
                     "各村（社区）经费不同时请改按比例分期。") % {"t": format_yuan(total), "s": shown}
    return None


def template_totals(template) -> set:
    """The money of each agreement the template would draft (one total per committee or council)."""
    from .drafting import drafting_parties

    items = [i.list_item for i in template.items.select_related("list_item")]
    return {to_yuan(sum((funding_for(li, region)[3] for li in items), Decimal("0")))
            for region, _council in drafting_parties(template)}


def template_update(*, actor, template, version, data: dict) -> AgreementTemplate:
    """Change a template's header, clauses and plan (optimistic locking); agreements already drafted keep theirs."""
    _require_roles(actor, template, {Role.TOWN_STAFF, Role.DISTRICT_ADMIN, Role.VILLAGE_STAFF})
    with transaction.atomic():
        locked = AgreementTemplate.objects.select_for_update().get(pk=template.pk)
        if version not in (None, "") and int(version) != locked.version:
            raise ConflictError()
        problem = instalment_plan_problem(data.get("instalment_plan", locked.instalment_plan), locked)
        if problem:
            raise ServiceError(problem, fields={"instalment_plan": [problem]})
        for key, value in data.items():
            setattr(locked, key, value)
        locked.version += 1
        locked.full_clean(exclude=["duty_list", "created_by"])
        locked.save()
    return locked


def template_item_update(*, actor, item: TemplateItem, data: dict) -> TemplateItem:
    """Change one template item's default terms (weights are validated when drafting)."""
    _require_roles(actor, item, {Role.TOWN_STAFF, Role.DISTRICT_ADMIN, Role.VILLAGE_STAFF})
    with transaction.atomic():
        for key, value in data.items():
            setattr(item, key, value)
        item.save()
    return item


def template_item_add(*, actor, template, list_item) -> TemplateItem:
    """Put one more item of the template's list into the template (weights are then re-balanced by the user)."""
    _require_roles(actor, template, {Role.TOWN_STAFF, Role.DISTRICT_ADMIN, Role.VILLAGE_STAFF})
    if template.duty_list_id and list_item.duty_list_id != template.duty_list_id:
        raise ServiceError(_("只能从模板所依据的清单中选择事项。"))
    if template.items.filter(list_item__identity_id=list_item.identity_id).exists():
        raise ServiceError(_("该事项已在模板中。"))
    position = (template.items.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    return TemplateItem.objects.create(
        template=template, list_item=list_item, position=position, requirements=list_item.description or list_item.title,
        conditions_money=_money_condition(list_item), payment_schedule=_("按协议拨付计划分期拨付"),
        indicator=_("按时按质完成%(title)s") % {"title": list_item.title})


def template_item_remove(*, actor, item) -> None:
    """Leave one item out of the template (agreements already drafted keep theirs; the removal is audited)."""
    _require_roles(actor, item, {Role.TOWN_STAFF, Role.DISTRICT_ADMIN, Role.VILLAGE_STAFF})
    if item.template.items.count() <= 1:
        raise ServiceError(_("模板至少保留一个事项。"))
    item.delete()


def template_rebalance(*, actor, template) -> None:
    """Spread the evaluation weights evenly over the template's items (summing to exactly 100)."""
    _require_roles(actor, template, {Role.TOWN_STAFF, Role.DISTRICT_ADMIN, Role.VILLAGE_STAFF})
    with transaction.atomic():
        items = list(template.items.order_by("position", "id"))
        for item, weight in zip(items, even_weights(len(items)), strict=True):
            if item.weight != weight:
                item.weight = weight
                item.save()


def template_weight_problem(template) -> str | None:
    total = sum(template.items.values_list("weight", flat=True), Decimal("0"))
    if total != HUNDRED:
        return _("模板各事项评估权重合计应为 100，当前为 %(total)s。") % {"total": total.normalize()}
    return None
