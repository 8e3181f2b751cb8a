"""The admission gate (准入制度, 凡进必审): requests, review by the leading group, the register."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.audit.services import record_event
from zhengshe.core.errors import NotAllowed, ServiceError
from zhengshe.core.scoping import Scope
from zhengshe.regions.models import Region

from ..choices import SUBTYPES_OF, AdmissionStatus, AskKind, BurdenKind, TargetMode
from ..models import AdmissionRequest, BurdenItem
from ..workflows import ADMISSION_FLOW, APPLICANTS, BURDEN_FLOW

EDITABLE = {AdmissionStatus.DRAFT, AdmissionStatus.RETURNED}
REQUEST_FIELDS = ["department", "kind", "subtype", "title", "content", "legal_basis", "workload", "workload_hours",
                  "funding_follows", "funding_amount", "target_mode", "target_root", "requested_from",
                  "requested_until"]
BURDEN_KIND_OF = {AskKind.LEDGER: BurdenKind.LEDGER, AskKind.SIGNBOARD: BurdenKind.SIGNBOARD,
                  AskKind.RATING: BurdenKind.RATING}


def issuing_region_for(region: Region) -> Region:
    """The level whose leading group reviews: the county/district above (or at) ``region``."""
    node = region
    while node is not None and node.level not in ("county", "city", "province"):
        node = node.parent
    if node is None:
        raise ServiceError(_("找不到上级县（市、区），无法确定审核的领导小组。"))
    return node


def target_limit(applicant_region: Region, issuing: Region) -> Region:
    """A town's department asks only for the town's own communities; a county department for the county's."""
    return applicant_region if applicant_region.level == "town" else issuing


def _applicant_grant(actor):
    scope = Scope.for_user(actor)
    grants = [g for g in scope.grants if g.role in APPLICANTS and g.region_id]
    if not grants:
        raise NotAllowed(_("只有街镇或县（市、区）部门的工作人员可以申请准入。"))
    grants.sort(key=lambda g: len(g.region_path or ""))
    return grants[-1]


def _department_of(actor) -> str:
    from zhengshe.accounts.models import RoleAssignment

    return (RoleAssignment.objects.filter(user=actor, active=True, role__in=APPLICANTS).exclude(department="")
            .values_list("department", flat=True).first() or "")


def _validate(fields: dict, regions, issuing: Region) -> None:
    errors = {}
    for name in ("title", "content", "legal_basis", "kind", "department"):
        if not str(fields.get(name) or "").strip():
            errors[name] = [_("此项为必填项。")]
    kind, subtype = fields.get("kind"), fields.get("subtype") or ""
    allowed = SUBTYPES_OF.get(BURDEN_KIND_OF.get(kind), set())
    if kind in (AskKind.LEDGER, AskKind.SIGNBOARD) and subtype not in allowed:
        errors["subtype"] = [_("台账须选纸质/创建/电子，挂牌须选对外/内部。")]
    start, end = fields.get("requested_from"), fields.get("requested_until")
    if start and end and start > end:
        errors["requested_until"] = [_("截止日期不能早于起始日期。")]
    if fields.get("funding_follows") and not (fields.get("funding_amount") or 0) > 0:
        errors["funding_amount"] = [_("费随事转须写明随转经费。")]
    _check_targets(fields.get("target_mode"), fields.get("target_root"), regions, issuing, errors, "target")
    if errors:
        raise ServiceError(_("申请内容有误，请检查标出的字段。"), fields=errors)


def _check_targets(mode, root, regions, issuing: Region, errors: dict, prefix: str) -> None:
    if mode == TargetMode.SUBTREE:
        if root is None:
            errors[f"{prefix}_root"] = [_("请选择范围所在的区划。")]
        elif not root.path.startswith(issuing.path):
            errors[f"{prefix}_root"] = [_("范围须在%s之内。") % issuing.name]
    elif mode == TargetMode.LIST:
        regions = list(regions or [])
        if not regions:
            errors[f"{prefix}_regions"] = [_("请至少选择一个村（社区）。")]
        bad = [r.name for r in regions if r.level != "village" or not r.path.startswith(issuing.path)]
        if bad:
            errors[f"{prefix}_regions"] = [_("不在范围内或不是村（社区）：%s") % "、".join(bad)]
    else:
        errors[f"{prefix}_mode"] = [_("请选择范围方式。")]


@transaction.atomic
def admission_create(*, actor, regions=(), **fields) -> AdmissionRequest:
    """A draft request by a town- or district-level department (the applicant is the actor)."""
    grant = _applicant_grant(actor)
    applicant_region = Region.objects.get(pk=grant.region_id)
    issuing = issuing_region_for(applicant_region)
    fields.setdefault("department", _department_of(actor))
    if fields.get("kind") not in (AskKind.LEDGER, AskKind.SIGNBOARD):
        fields["subtype"] = "rating" if fields.get("kind") == AskKind.RATING else ""
    _validate(fields, regions, target_limit(applicant_region, issuing))
    request = AdmissionRequest(applicant=actor, applicant_region=applicant_region, issuing_region=issuing,
                               **{k: v for k, v in fields.items() if k in REQUEST_FIELDS})
    request.save()
    if fields.get("target_mode") == TargetMode.LIST:
        request.target_regions.set(regions)
    record_event("catalog.admission.create", request, after={"title": request.title, "kind": request.kind})
    return request


@transaction.atomic
def admission_update(*, actor, admission: AdmissionRequest, version: int, regions=None, **fields) -> AdmissionRequest:
    """Change a draft or returned request (the applicant only; a stale form is refused)."""
    locked = AdmissionRequest.objects.select_for_update().get(pk=admission.pk)
    if locked.applicant_id != actor.pk:
        raise NotAllowed(_("只有申请人本人可以修改申请。"))
    if locked.status not in EDITABLE:
        raise ServiceError(_("只有草稿或退回补充的申请可以修改。"))
    if locked.version != version:
        from zhengshe.core.errors import ConflictError

        raise ConflictError()
    if "kind" in fields and fields["kind"] not in (AskKind.LEDGER, AskKind.SIGNBOARD):
        fields["subtype"] = "rating" if fields["kind"] == AskKind.RATING else ""
    if regions is None:
        regions = list(locked.target_regions.all())
    _validate({**{k: getattr(locked, k) for k in REQUEST_FIELDS}, **fields}, regions,
              target_limit(locked.applicant_region, locked.issuing_region))
    for name in REQUEST_FIELDS:
        if name in fields:
            setattr(locked, name, fields[name])
    locked.version += 1
    locked.save()
    locked.target_regions.set(regions if locked.target_mode == TargetMode.LIST else [])
    return locked


def admission_move(*, actor, admission: AdmissionRequest, action: str, comment: str = "") -> AdmissionRequest:
    """Submit, return, reject, withdraw or revoke (approval has its own service: it needs scope and validity)."""
    if action == "approve":
        raise ServiceError(_("准入须填写范围和有效期，请使用准入审核表。"))

    def stamp(obj):
        now = timezone.now()
        if action == "submit":
            obj.submitted_at = now
        elif action in ("return", "reject", "revoke"):
            obj.decided_by, obj.decided_at, obj.decision_comment = actor, now, comment

    with transaction.atomic():
        moved = ADMISSION_FLOW.transition(admission, action, actor=actor, comment=comment, before_save=stamp)
        if action == "revoke":
            # What the gate let in leaves the communities' registries with the revocation (kept on record).
            BURDEN_FLOW.bulk_transition(
                BurdenItem.objects.filter(admission=moved, state="kept"), "remove", actor=actor, comment=comment,
                changes={"state_changed_on": timezone.localdate()}, internal=True,
                before_save=lambda item: setattr(item, "note", (item.note + " " + _("准入已撤销")).strip()))
    return moved


def _register_number(request: AdmissionRequest, year: int) -> str:
    count = AdmissionRequest.objects.filter(issuing_region=request.issuing_region, decided_at__year=year,
                                            status__in=[AdmissionStatus.APPROVED, AdmissionStatus.REVOKED]
                                            ).exclude(register_number="").count()
    name = request.issuing_region.name
    place = name[:-1] if len(name) > 2 and name[-1] in "市县区" else name  # 太仓市 → 太仓; 甲县 stays
    return _("%(place)s准入〔%(year)d〕%(n)d号") % {"place": place,
                                                  "year": year, "n": count + 1}


def approved_villages(request: AdmissionRequest):
    """The villages/communities an approved request applies to (today's tree for a subtree scope)."""
    if request.approved_mode == TargetMode.SUBTREE and request.approved_root_id:
        return Region.objects.filter(path__under=request.approved_root.path, level="village")
    return request.approved_regions.all()


@transaction.atomic
def admission_approve(*, actor, admission: AdmissionRequest, mode: str, root=None, regions=(), valid_from: date,
                      valid_until: date, comment: str = "") -> AdmissionRequest:
    """Approve with a scope (a subtree or a list of communities) and a validity; enter it in the register.

    A ledger, signboard or rating also enters each community's burden registry, so the burden
    rollups show what the gate let in.
    """
    errors: dict = {}
    _check_targets(mode, root, regions, admission.issuing_region, errors, "approved")
    if not valid_from or not valid_until or valid_from > valid_until:
        errors["valid_until"] = [_("有效期不正确：截止日期须不早于起始日期。")]
    if errors:
        raise ServiceError(_("准入范围或有效期有误。"), fields=errors)
    year = timezone.localdate().year

    def stamp(obj):
        obj.approved_mode = mode
        obj.approved_root = root if mode == TargetMode.SUBTREE else None
        obj.valid_from, obj.valid_until = valid_from, valid_until
        obj.decided_by, obj.decided_at, obj.decision_comment = actor, timezone.now(), comment
        obj.register_number = _register_number(obj, year)

    approved = ADMISSION_FLOW.transition(admission, "approve", actor=actor, comment=comment, before_save=stamp)
    approved.approved_regions.set(list(regions) if mode == TargetMode.LIST else [])
    villages = list(approved_villages(approved))
    burden_kind = BURDEN_KIND_OF.get(approved.kind)
    if burden_kind:
        BurdenItem.objects.bulk_create([
            BurdenItem(region=v, kind=burden_kind, subtype=approved.subtype or "rating", name=approved.title,
                       department=approved.department, in_baseline=False, started_on=valid_from, admission=approved,
                       note=approved.register_number) for v in villages])
    record_event("catalog.admission.register", approved, after={
        "register_number": approved.register_number, "mode": mode, "villages": [v.code for v in villages][:500],
        "valid_from": valid_from, "valid_until": valid_until, "burden_items": len(villages) if burden_kind else 0})
    return approved
