"""Every write of the projects app: needs, catalogue items, calls and applications (atomic, scope-checked,
audited; statuses through ``workflows``). Money is Decimal to the fen; every refusal says why, in Chinese."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.audit.services import record_event
from zhengshe.core.errors import NotAllowed, ServiceError
from zhengshe.core.scoping import Scope, ancestor_paths
from zhengshe.organizations.interface import GRADE_RANK, eligibility, own_organizations

from .choices import ApplicationStatus, Buyer, CallKind, CallStatus, CatalogueKind, ContractStatus, NeedSource
from .models import Application, Call, Contract, Need, ServiceItem
from .workflows import APPLICATION_FLOW, CALL_FLOW, buyer_role

NEED_RECORDERS = {"village_staff", "town_staff", "district_admin"}
CATALOGUE_KEEPERS = {"district_admin"}
CENT = Decimal("0.01")


def _require(actor, region, roles) -> None:
    scope = Scope.for_user(actor)
    if not scope.is_superuser and (region is None or not scope.covers_path(region.path, set(roles))):
        raise NotAllowed()


def _money(value, label: str, errors: dict, field: str, *, required=True) -> Decimal | None:
    if value in (None, ""):
        if required:
            errors[field] = [_("请填写%s。") % label]
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        errors[field] = [_("%s不是有效的金额。") % label]
        return None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(CENT) or amount >= Decimal("1e12"):
        errors[field] = [_("%s须为不小于 0 的金额，最多两位小数。") % label]
        return None
    return amount.quantize(CENT)


def _refuse_if(errors: dict) -> None:
    if errors:
        raise ServiceError(_("请检查标出的字段。"), fields=errors)


# ---------------------------------------------------------------- needs


@transaction.atomic
def need_record(*, actor, region, year: int, title: str, category: str, description: str = "",
                source: str = NeedSource.SURVEY, residents: int = 0, respondents: int = 0) -> Need:
    """Record one need a village or community found among its residents (how many named it, out of how many)."""
    _require(actor, region, NEED_RECORDERS)
    errors: dict = {}
    if region.level != "village":
        errors["region"] = [_("居民需求须记录在村（社区）。")]
    if not title.strip():
        errors["title"] = [_("此项为必填项。")]
    if not category.strip():
        errors["category"] = [_("此项为必填项。")]
    if source not in NeedSource.values:
        errors["source"] = [_("请选择来源。")]
    if respondents and residents > respondents:
        errors["residents"] = [_("提出人数不能多于参与调查人数（%d）。") % respondents]
    _refuse_if(errors)
    if Need.objects.filter(region=region, year=year, title=title.strip()).exists():
        raise ServiceError(_("%(r)s %(y)d 年已记录“%(t)s”，请修改原记录的人数。") % {
            "r": region.name, "y": year, "t": title.strip()}, fields={"title": [_("重复的需求。")]})
    need = Need.objects.create(region=region, year=year, title=title.strip(), category=category.strip(),
                               description=description, source=source, residents=residents, respondents=respondents,
                               recorded_by=actor)
    record_event("projects.need.record", need, after={"title": need.title, "residents": need.residents})
    return need


# ---------------------------------------------------------------- catalogue


@transaction.atomic
def service_item_save(*, actor, region, kind: str, code: str, name: str, category: str, unit: str,
                      typical_price, buyers: list[str]) -> ServiceItem:
    """Add an item to a county's purchasable-services or community basic public services catalogue."""
    _require(actor, region, CATALOGUE_KEEPERS)
    errors: dict = {}
    price = _money(typical_price, _("参考单价"), errors, "typical_price")
    if kind not in CatalogueKind.values:
        errors["kind"] = [_("请选择目录。")]
    if not code.strip() or not name.strip():
        errors["code" if not code.strip() else "name"] = [_("此项为必填项。")]
    unknown = [b for b in buyers if b not in Buyer.values]
    if unknown or not buyers:
        errors["buyers"] = [_("请选择可购买主体。")]
    _refuse_if(errors)
    if ServiceItem.objects.filter(region=region, kind=kind, code=code.strip()).exists():
        raise ServiceError(_("编号 %s 已在本目录中使用。") % code.strip(), fields={"code": [_("编号重复。")]})
    item = ServiceItem.objects.create(region=region, kind=kind, code=code.strip(), name=name.strip(),
                                      category=category.strip(), unit=unit.strip() or "项", typical_price=price,
                                      buyers=list(buyers))
    record_event("projects.service_item.save", item, after={"code": item.code, "name": item.name,
                                                            "typical_price": str(price)})
    return item


# ---------------------------------------------------------------- calls


def parse_rubric(rows) -> list[dict]:
    """Review criteria ``[{name, weight}]``: names given, weights positive whole numbers adding up to 100."""
    rubric, problems = [], []
    for n, row in enumerate(rows, 1):
        name = str(row.get("name", "")).strip()
        try:
            weight = int(str(row.get("weight", "")).strip())
        except ValueError:
            problems.append(_("第 %d 项的权重须为整数。") % n)
            continue
        if not name or weight <= 0:
            problems.append(_("第 %d 项须有名称和大于 0 的权重。") % n)
            continue
        rubric.append({"name": name, "weight": weight})
    if not rubric and not problems:
        problems.append(_("请至少设置一项评审指标。"))
    total = sum(r["weight"] for r in rubric)
    if rubric and not problems and total != 100:
        problems.append(_("评审指标权重合计应为 100，当前为 %d。") % total)
    if problems:
        raise ServiceError("；".join(problems), fields={"rubric": problems})
    return rubric


def _call_number(region, year: int) -> str:
    """区划代码-XM年度-序号: unique by the buyer's code, whatever two towns are called."""
    taken = Call.objects.select_for_update().filter(buyer_region=region, year=year).count()
    return f"{region.code}-XM{year}-{taken + 1:03d}"


@transaction.atomic
def call_create(*, actor, buyer_region, year: int, kind: str, title: str, description: str, budget,
                opens_on: datetime.date, closes_on: datetime.date, min_grade: str = "3A", org_types=(),
                local_only: bool = True, rubric=(), max_per_project=None, needs=(), items=()) -> Call:
    """A buyer (county office, town, or a community with a budget) drafts a call; published by ``call_move``."""
    if buyer_region.level not in ("county", "city", "town", "village"):
        raise ServiceError(_("购买主体须为区（县）、镇（街道）或村（社区）。"))
    _require(actor, buyer_region, {buyer_role_for(buyer_region)})
    errors: dict = {}
    amount = _money(budget, _("预算"), errors, "budget")
    cap = _money(max_per_project, _("单个项目上限"), errors, "max_per_project", required=False)
    if amount is not None and amount <= 0:
        errors["budget"] = [_("预算须大于 0。")]
    if cap is not None and amount is not None and cap > amount:
        errors["max_per_project"] = [_("单个项目上限不能超过总预算。")]
    if kind not in CallKind.values:
        errors["kind"] = [_("请选择方式。")]
    if not title.strip():
        errors["title"] = [_("此项为必填项。")]
    if opens_on and closes_on and closes_on < opens_on:
        errors["closes_on"] = [_("截止日期不能早于开始日期。")]
    if min_grade and min_grade not in GRADE_RANK:
        errors["min_grade"] = [_("请选择等级。")]
    _refuse_if(errors)
    rubric = parse_rubric(rubric)
    call = Call.objects.create(buyer_region=buyer_region, number=_call_number(buyer_region, year), year=year,
                               kind=kind, title=title.strip(), description=description, budget=amount,
                               max_per_project=cap, opens_on=opens_on, closes_on=closes_on, min_grade=min_grade or "",
                               org_types=list(org_types), local_only=local_only, rubric=rubric, created_by=actor)
    call.needs.set([n for n in needs if n.region.path.startswith(buyer_region.path)])
    call.items.set(list(items))
    record_event("projects.call.create", call, after={"number": call.number, "title": call.title,
                                                      "budget": str(amount)})
    return call


def buyer_role_for(region) -> str:
    return buyer_role(Call(buyer_region=region))


def call_move(*, actor, call: Call, action: str, comment: str = "") -> Call:
    """Publish, close or cancel a call (the workflow checks who and when)."""
    changes = {"published_at": timezone.now()} if action == "publish" else None
    return CALL_FLOW.transition(call, action, actor=actor, comment=comment, changes=changes)


# ---------------------------------------------------------------- applications


def _organization_of(actor, organization):
    if organization.pk not in {o.pk for o in own_organizations(actor)}:
        raise NotAllowed()


def _lines(rows, *, money_field: str | None, label: str, errors: dict, field: str) -> list[dict]:
    out = []
    for n, row in enumerate(rows, 1):
        name = str(row.get("name", "")).strip()
        if not name:
            errors.setdefault(field, []).append(_("%(l)s第 %(n)d 行缺少名称。") % {"l": label, "n": n})
            continue
        entry = {"name": name}
        if money_field:
            amount = _money(row.get(money_field), _("%(l)s第 %(n)d 行金额") % {"l": label, "n": n}, errors, field)
            if amount is None:
                continue
            entry[money_field] = str(amount)
        else:
            entry["target"] = str(row.get("target", "")).strip()
            if not entry["target"]:
                errors.setdefault(field, []).append(_("%(l)s第 %(n)d 行缺少目标值。") % {"l": label, "n": n})
                continue
        out.append(entry)
    return out


def _application_fields(call: Call, data: dict) -> dict:
    errors: dict = {}
    title = str(data.get("title", "")).strip()
    if not title:
        errors["title"] = [_("此项为必填项。")]
    lines = _lines(data.get("budget_lines") or [], money_field="amount", label=_("预算明细"), errors=errors,
                   field="budget_lines")
    indicators = _lines(data.get("indicators") or [], money_field=None, label=_("绩效指标"), errors=errors,
                        field="indicators")
    requested = sum((Decimal(x["amount"]) for x in lines), Decimal("0.00"))
    if call.max_per_project is not None and requested > call.max_per_project:
        errors.setdefault("budget_lines", []).append(_("申请金额 %(a)s 元超过单个项目上限 %(m)s 元。") % {
            "a": requested, "m": call.max_per_project})
    elif requested > call.budget:
        errors.setdefault("budget_lines", []).append(_("申请金额 %(a)s 元超过征集预算 %(m)s 元。") % {
            "a": requested, "m": call.budget})
    _refuse_if(errors)
    return {"title": title, "proposal": str(data.get("proposal", "")), "target_group": str(data.get("target_group", "")),
            "beneficiaries": int(data.get("beneficiaries") or 0), "team": str(data.get("team", "")),
            "budget_lines": lines, "indicators": indicators, "requested": requested}


def application_save(*, actor, call: Call, organization, data: dict, application: Application | None = None,
                     version: int | None = None) -> Application:
    """Create or update an organization's draft application to a published call (one per organization)."""
    _organization_of(actor, organization)
    fields = _application_fields(call, data)
    with transaction.atomic():
        if application is None:
            if call.status != CallStatus.PUBLISHED:
                raise ServiceError(_("该征集不在申报期内（%s）。") % call.get_status_display())
            try:
                with transaction.atomic():
                    application = Application.objects.create(call=call, organization=organization, created_by=actor,
                                                             **fields)
            except IntegrityError as exc:
                raise ServiceError(_("本组织已申报该征集，请打开原申报继续填写。")) from exc
            record_event("projects.application.create", application, after={"title": application.title,
                                                                              "requested": str(fields["requested"])})
            return application
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != ApplicationStatus.DRAFT:
            raise ServiceError(_("申报已提交，不能再修改。"))
        if version is not None and locked.version != version:
            raise ServiceError(_("该申报已被他人修改（当前为第 %d 版），请刷新后重试。") % locked.version)
        before = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in
                  ((k, getattr(locked, k)) for k in fields)}
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.version += 1
        locked.save()
        record_event("projects.application.update", locked, before=before,
                     after={k: (str(v) if isinstance(v, Decimal) else v) for k, v in fields.items()})
        return locked


def local_registration_region(call: Call):
    """Where an organization must be registered for a call limited to local ones: the buyer's county (the lowest
    registration authority; a town's or community's call is open to the county's organizations), or the buyer
    itself when it is a county or above."""
    from zhengshe.regions.models import Region

    buyer = call.buyer_region
    if buyer.level in ("county", "city", "province"):
        return buyer
    return Region.objects.filter(path__in=ancestor_paths(buyer.path), level="county").first() or buyer


def application_problems(application: Application, *, today: datetime.date | None = None) -> list[str]:
    """Every reason the application cannot be submitted today: the call's dates and status, the organization's
    eligibility (status, grade in force, credit lists, annual report), its type and its region, the budget."""
    today = today or timezone.localdate()
    call, org = application.call, application.organization
    problems = []
    if call.status != CallStatus.PUBLISHED:
        problems.append(_("该征集当前状态为“%s”，不接受申报。") % call.get_status_display())
    if today < call.opens_on:
        problems.append(_("申报尚未开始（%s 开始）。") % call.opens_on.isoformat())
    if today > call.closes_on:
        problems.append(_("已过申报截止日期（%s）。") % call.closes_on.isoformat())
    _ok, reasons = eligibility(org, min_grade=call.min_grade, on_date=today)
    problems.extend(reasons)
    if call.org_types and org.org_type not in call.org_types:
        problems.append(_("组织类型“%s”不在本次征集的申报范围内。") % org.get_org_type_display())
    home = local_registration_region(call)
    if call.local_only and not org.region.path.startswith(home.path):
        problems.append(_("本次征集限在%(r)s登记的组织申报（本组织登记于%(o)s）。") % {
            "r": home.name, "o": org.region.name})
    if application.requested <= 0:
        problems.append(_("请填写预算明细（申请金额须大于 0）。"))
    if not application.indicators:
        problems.append(_("请至少填写一项绩效指标。"))
    return problems


def application_submit(*, actor, application: Application, today: datetime.date | None = None) -> Application:
    """Submit before the deadline; refused with every reason when the organization or the application falls short."""
    _organization_of(actor, application.organization)
    problems = application_problems(application, today=today)
    if problems:
        raise ServiceError(_("不能提交：") + "；".join(problems), fields={"__all__": problems})
    return APPLICATION_FLOW.transition(application, "submit", actor=actor, internal=True,
                                       changes={"submitted_at": timezone.now()})


def application_move(*, actor, application: Application, action: str, comment: str = "") -> Application:
    """The buyer's formal review (accept / reject with a reason) or the organization's withdrawal."""
    return APPLICATION_FLOW.transition(application, action, actor=actor, comment=comment)


# ---------------------------------------------------------------- expert review and awards


def _linked(user, organization) -> bool:
    """A reviewer is linked to an applicant when the account acts for that organization."""
    return organization.pk in {o.pk for o in own_organizations(user)}


@transaction.atomic
def reviewers_assign(*, actor, call: Call, reviewers) -> int:
    """The buyer assigns reviewers to every application that passed formal review once the call has closed; a
    reviewer linked to an applicant is recused from that application at once, with the reason. Returns the
    number of reviews opened."""
    from .models import Review
    from .workflows import REVIEW_FLOW

    call = Call.objects.select_related("buyer_region").get(pk=call.pk)
    _require(actor, call.buyer_region, {buyer_role(call)})
    if call.status != CallStatus.CLOSED:
        raise ServiceError(_("征集截止后才能分配评审专家。"))
    reviewers = list(reviewers)
    if not reviewers:
        raise ServiceError(_("请至少选择一名评审专家。"), fields={"reviewers": [_("此项为必填项。")]})
    opened = 0
    for application in call.applications.filter(status=ApplicationStatus.ACCEPTED).select_related("organization"):
        for reviewer in reviewers:
            review, created = Review.objects.get_or_create(application=application, reviewer=reviewer)
            if not created:
                continue
            opened += 1  # the engine's post_save opened the reviewer's 待办
            if _linked(reviewer, application.organization):
                REVIEW_FLOW.transition(review, "recuse", actor=actor, internal=True,
                                       comment=_("评审专家与申报组织有关联，自动回避。"),
                                       changes={"recusal_reason": _("与申报组织有关联")})
    record_event("projects.reviewers_assign", call, after={"reviewers": [str(r) for r in reviewers],
                                                           "reviews": opened})
    return opened


def _own_review(actor, review):
    from .models import Review

    review = Review.objects.select_related("application__call", "application__organization").get(pk=review.pk)
    if review.reviewer_id != actor.pk:
        raise NotAllowed()
    return review


def review_submit(*, actor, review, scores: dict, comment: str, no_conflict: bool):
    """A reviewer scores each criterion within its weight, with a comment, having declared no conflict."""
    from .workflows import REVIEW_FLOW

    review = _own_review(actor, review)
    if _linked(actor, review.application.organization):
        raise ServiceError(_("您与申报组织有关联，应当回避，不能评分。"))
    errors: dict = {}
    if not no_conflict:
        errors["no_conflict"] = [_("请先声明与申报组织无利益冲突；如有冲突，请选择回避。")]
    clean, total = {}, Decimal("0")
    for criterion in review.application.call.rubric:
        name, weight = criterion["name"], Decimal(criterion["weight"])
        try:
            value = Decimal(str(scores.get(name, "")).strip())
        except (InvalidOperation, ValueError):
            errors[name] = [_("“%s”请填写分数。") % name]
            continue
        if not value.is_finite() or not (0 <= value <= weight) or value != value.quantize(Decimal("0.1")):
            errors[name] = [_("“%(n)s”的得分须在 0–%(w)s 之间（最多一位小数）。") % {"n": name, "w": weight}]
            continue
        clean[name] = str(value)
        total += value
    if not comment.strip():
        errors["comment"] = [_("请填写评审意见。")]
    _refuse_if(errors)
    return REVIEW_FLOW.transition(review, "submit", actor=actor, internal=True, comment=comment.strip(), changes={
        "scores": clean, "total": total.quantize(CENT), "comment": comment.strip(), "no_conflict": True,
        "submitted_at": timezone.now()})


def review_recuse(*, actor, review, reason: str):
    """A reviewer who has a conflict of interest steps aside, saying why."""
    from .workflows import REVIEW_FLOW

    review = _own_review(actor, review)
    if not reason.strip():
        raise ServiceError(_("请说明回避原因。"), fields={"reason": [_("此项为必填项。")]})
    return REVIEW_FLOW.transition(review, "recuse", actor=actor, internal=True, comment=reason.strip(),
                                  changes={"recusal_reason": reason.strip()[:200]})


@transaction.atomic
def awards_decide(*, actor, call: Call, awards: dict) -> list:
    """The panel's decision: ``{application: amount}`` funded (each within what it asked, all within the budget,
    each reviewed at least once), every other application that passed formal review not funded."""
    from .models import Review

    call = Call.objects.select_for_update().select_related("buyer_region").get(pk=call.pk)
    _require(actor, call.buyer_region, {buyer_role(call)})
    if call.status != CallStatus.CLOSED:
        raise ServiceError(_("征集截止并完成评审后才能确定立项。"))
    candidates = {a.pk: a for a in call.applications.filter(status=ApplicationStatus.ACCEPTED)}
    errors, amounts = {}, {}
    for application_id, value in awards.items():
        application = candidates.get(int(application_id))
        if application is None:
            raise ServiceError(_("只能为通过形式审查的申报立项。"))
        amount = _money(value, application.title, errors, str(application.pk))
        if amount is None:
            continue
        if amount <= 0 or amount > application.requested:
            errors[str(application.pk)] = [_("“%(t)s”的资助金额须大于 0 且不超过申请金额 %(r)s 元。") % {
                "t": application.title, "r": application.requested}]
        elif not Review.objects.filter(application=application, status="submitted").exists():
            errors[str(application.pk)] = [_("“%s”尚无专家评审，不能立项。") % application.title]
        amounts[application.pk] = amount
    total = sum(amounts.values(), Decimal("0.00"))
    if total > call.budget:
        errors["__all__"] = [_("资助总额 %(t)s 元超过征集预算 %(b)s 元。") % {"t": total, "b": call.budget}]
    _refuse_if(errors)
    decided = []
    for pk, application in sorted(candidates.items()):
        if pk in amounts:
            decided.append(APPLICATION_FLOW.transition(application, "award", actor=actor, internal=True,
                                                       changes={"award_amount": amounts[pk]}))
        else:
            decided.append(APPLICATION_FLOW.transition(application, "decline", actor=actor, internal=True))
    record_event("projects.awards_decide", call, after={"awarded": {str(k): str(v) for k, v in amounts.items()},
                                                        "total": str(total)})
    return decided


# ---------------------------------------------------------------- contracts (任务书)


@transaction.atomic
def contract_create(*, actor, application: Application, starts_on: datetime.date, ends_on: datetime.date,
                    deliverables: str, milestones) -> Contract:
    """The buyer turns an award into a contract: the application's indicators and budget, and milestones whose
    payments add up to the award to the fen."""
    from .models import Contract, Milestone

    application = Application.objects.select_for_update().select_related("call__buyer_region").get(
        pk=application.pk)
    call = application.call
    _require(actor, call.buyer_region, {buyer_role(call)})
    if application.status != ApplicationStatus.AWARDED:
        raise ServiceError(_("只有立项资助的项目可以签订合同。"))
    if Contract.objects.filter(application=application).exists():
        raise ServiceError(_("该项目已有合同。"))
    errors: dict = {}
    if not deliverables.strip():
        errors["deliverables"] = [_("此项为必填项。")]
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("服务期结束日期不能早于开始日期。")]
    rows = []
    for n, row in enumerate(milestones, 1):
        title, due = str(row.get("title", "")).strip(), row.get("due_on")
        amount = _money(row.get("payment"), _("第 %d 个节点的拨付金额") % n, errors, "milestones")
        if not title or not due:
            errors.setdefault("milestones", []).append(_("第 %d 个节点须有名称和完成期限。") % n)
        elif starts_on and ends_on and not (starts_on <= due <= ends_on):
            errors.setdefault("milestones", []).append(_("第 %d 个节点的完成期限须在服务期内。") % n)
        if amount is not None and title and due:
            rows.append((title, due, amount))
    paid = sum((r[2] for r in rows), Decimal("0.00"))
    if not errors and paid != application.award_amount:
        errors["milestones"] = [_("各节点拨付金额合计 %(p)s 元，应等于资助金额 %(a)s 元。") % {
            "p": paid, "a": application.award_amount}]
    _refuse_if(errors)
    taken = Contract.objects.filter(application__call=call).count()
    contract = Contract.objects.create(
        application=application, number=f"{call.number}-HT{taken + 1:02d}", amount=application.award_amount,
        starts_on=starts_on, ends_on=ends_on, deliverables=deliverables.strip(), indicators=application.indicators,
        budget_lines=application.budget_lines)
    Milestone.objects.bulk_create([Milestone(contract=contract, position=n, title=t, due_on=d, payment=a)
                                   for n, (t, d, a) in enumerate(rows, 1)])
    record_event("projects.contract.create", contract, after={
        "number": contract.number, "amount": str(contract.amount),
        "milestones": [{"title": t, "due_on": d.isoformat(), "payment": str(a)} for t, d, a in rows]})
    return contract


def contract_move(*, actor, contract, action: str, comment: str = ""):
    """The organization signs, then the buyer signs and the contract is in force (or the buyer cancels a draft)."""
    from .workflows import CONTRACT_FLOW

    field = {"sign_org": "org_signed_at", "sign_buyer": "buyer_signed_at"}.get(action)
    if action == "sign_org" and contract.application.organization.pk not in {
            o.pk for o in own_organizations(actor)}:
        raise NotAllowed()
    return CONTRACT_FLOW.transition(contract, action, actor=actor, comment=comment,
                                    changes={field: timezone.now()} if field else None)


# ---------------------------------------------------------------- supervision and payments


def milestone_report(*, actor, milestone, report: str, indicator_values: dict, spent) -> object:
    """The organization reports a milestone of a contract in force: what was done, the indicators' values so far
    and what it spent; the buyer then accepts (releasing the payment) or returns it."""
    from .workflows import MILESTONE_FLOW

    # the contract as it is now (never a copy cached on the caller's objects)
    contract = Contract.objects.select_related("application__organization").get(pk=milestone.contract_id)
    if contract.status != ContractStatus.IN_FORCE:
        raise ServiceError(_("合同尚未生效（%s），不能报告进展。") % contract.get_status_display())
    if contract.application.organization.pk not in {o.pk for o in own_organizations(actor)}:
        raise NotAllowed()
    errors: dict = {}
    amount = _money(spent, _("本节点支出"), errors, "spent")
    if not report.strip():
        errors["report"] = [_("请填写进展报告。")]
    known = {i["name"] for i in contract.indicators}
    values = {k: str(v).strip() for k, v in indicator_values.items() if k in known and str(v).strip()}
    _refuse_if(errors)
    return MILESTONE_FLOW.transition(milestone, "report", actor=actor, internal=True, comment=report.strip()[:200],
                                     changes={"report": report.strip(), "indicator_values": values, "spent": amount,
                                              "reported_at": timezone.now()})


def milestone_decide(*, actor, milestone, action: str, comment: str = ""):
    """Accept (the milestone's payment is released today) or return a reported milestone."""
    from .workflows import MILESTONE_FLOW

    changes = {"paid_on": timezone.localdate()} if action == "accept" else None
    return MILESTONE_FLOW.transition(milestone, action, actor=actor, comment=comment, changes=changes)
