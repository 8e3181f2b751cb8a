"""The register of social organizations: registration and filing (备案), credit-code checks, edits, change requests, status, branches."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.accounts.roles import Role
from zhengshe.audit.services import record_event, snapshot
from zhengshe.core.errors import ConflictError, NotAllowed, ServiceError
from zhengshe.core.scoping import Scope, user_roles_on

from .. import workflows
from ..choices import (
    ChangeStatus,
    NotificationKind,
    OrgStatus,
    OrgType,
    RegistrationKind,
)
from ..credit_code import credit_code_errors
from ..models import (
    REGISTERED_FACTS,
    Branch,
    ChangeRequest,
    Organization,
)
from ._common import PROFILE_FACTS, STAFF, _covers
from .notifications import notify


def may_edit_registered_facts(actor, org: Organization) -> bool:
    """The registering office: the civil-affairs office, or the town for filed community organizations."""
    return workflows.registering_office(org, actor) is None


def _check_credit_code(org: Organization, actor, override_reason: str) -> None:
    """Blocking check of both check characters; an administrator may override with a recorded reason."""
    if not org.credit_code:
        if org.registration_kind == RegistrationKind.REGISTERED and org.status == OrgStatus.ACTIVE:
            raise ValidationError({"credit_code": _("已登记的社会组织须填写统一社会信用代码。")})
        return
    errors = credit_code_errors(org.credit_code)
    if not errors:
        org.credit_code_override = False
        org.credit_code_override_reason = ""
        return
    only_checks = all("校验" in e for e in errors)
    if only_checks and override_reason.strip() and Role.DISTRICT_ADMIN in Scope.for_user(actor).roles:
        org.credit_code_override = True
        org.credit_code_override_reason = override_reason.strip()[:200]
        return
    if only_checks:
        errors.append(_("如确属已核发的代码，可由民政管理员填写放行理由后保存（记入审计）。"))
    raise ValidationError({"credit_code": errors})


def _duplicate_check(org: Organization) -> None:
    if org.credit_code and Organization.objects.filter(credit_code=org.credit_code).exclude(pk=org.pk).exists():
        raise ValidationError({"credit_code": _("统一社会信用代码“%s”已被其他组织使用。") % org.credit_code})


def next_filing_number(region, year: int) -> str:
    """A filing number of the system's own for community organizations: BA + town code + year + serial."""
    town_code = region.code[:9] if len(region.code) >= 9 else region.code
    prefix = f"BA{town_code}{year}"
    last = (Organization.objects.filter(filing_number__startswith=prefix).order_by("-filing_number")
            .values_list("filing_number", flat=True).first())
    serial = int(last[len(prefix):]) + 1 if last else 1
    return f"{prefix}{serial:04d}"


@transaction.atomic
def organization_create(*, actor, data: dict, service_regions=(), override_reason: str = "") -> Organization:
    """Register (district office) or file (town, community organizations) one organization."""
    org = Organization(**data)
    region = org.region
    if not _covers(actor, region, STAFF):
        raise NotAllowed(_("该区划不在您的管理范围内。"))
    if not may_edit_registered_facts(actor, org):
        raise NotAllowed(_("街镇只能备案社区社会组织；登记须由民政部门办理。"))
    if org.registration_kind == RegistrationKind.FILED and not org.filing_number:
        org.filing_number = next_filing_number(region, (org.registered_on or timezone.localdate()).year)
    _check_credit_code(org, actor, override_reason)
    _duplicate_check(org)
    org.full_clean()
    org.save()
    if service_regions:
        org.service_regions.set(service_regions)
    record_event("organizations.create", org, after={"kind": org.registration_kind, "credit_code": org.credit_code,
                                                     "filing_number": org.filing_number})
    if org.credit_code_override:
        record_event("organizations.credit_code_override", org,
                     after={"credit_code": org.credit_code, "reason": org.credit_code_override_reason})
    return org


@transaction.atomic
def organization_update(*, actor, org: Organization, data: dict, version: int | None = None,
                        service_regions=None, reason: str = "", override_reason: str = ""):
    """Save a profile edit. The registering office changes anything directly; an organization user's
    changes of registered facts become a change request (returned second), the rest apply directly."""
    locked = Organization.objects.select_for_update().get(pk=org.pk)
    if version is not None and locked.version != int(version):
        raise ConflictError()
    roles = user_roles_on(actor, locked)
    if not roles & {Role.DISTRICT_ADMIN, Role.TOWN_STAFF, Role.ORG_USER}:
        raise NotAllowed()
    office = may_edit_registered_facts(actor, locked)
    if not office and Role.ORG_USER not in roles:
        raise NotAllowed(_("只有登记管理机关或本组织可以修改。"))
    direct, requested = {}, {}
    for key, value in data.items():
        if getattr(locked, key if key != "region" else "region") == value:
            continue
        if key in REGISTERED_FACTS and not office:
            requested[key] = value
        elif key in REGISTERED_FACTS or key in PROFILE_FACTS:
            direct[key] = value
    change = None
    if requested:
        change = change_request_submit(actor=actor, org=locked, changes=requested, reason=reason)
    if direct or service_regions is not None:
        before = snapshot(locked)
        for key, value in direct.items():
            setattr(locked, key, value)
        if "credit_code" in direct:
            _check_credit_code(locked, actor, override_reason)
            _duplicate_check(locked)
            if locked.credit_code_override:
                record_event("organizations.credit_code_override", locked,
                             after={"credit_code": locked.credit_code, "reason": locked.credit_code_override_reason})
        if "region" in direct and not _covers(actor, locked.region, STAFF):
            raise NotAllowed(_("该区划不在您的管理范围内。"))
        locked.full_clean()
        locked.version += 1
        locked.save()
        if service_regions is not None:
            locked.service_regions.set(service_regions)
        record_event("organizations.update", locked, before={k: before.get(k) for k in direct},
                     after={k: snapshot(locked).get(k) for k in direct})
    return locked, change


def _jsonable_change(key, value):
    if key == "region":
        return value.code if value is not None else None
    if isinstance(value, date):
        return value.isoformat()
    return value


@transaction.atomic
def change_request_submit(*, actor, org: Organization, changes: dict, reason: str = "") -> ChangeRequest:
    """An organization asks to change registered facts; nothing changes until the office approves."""
    if Role.ORG_USER not in user_roles_on(actor, org):
        raise NotAllowed()
    if ChangeRequest.objects.filter(organization=org, status=ChangeStatus.PENDING).exists():
        raise ServiceError(_("已有一份待审核的变更申请，请等待审核结果或先撤回。"))
    payload = {k: _jsonable_change(k, v) for k, v in changes.items()}
    before = {k: _jsonable_change(k, getattr(org, k)) for k in changes}
    req = ChangeRequest.objects.create(organization=org, changes=payload, before=before, reason=reason,
                                       submitted_by=actor)
    record_event("organizations.change_request", req, after=payload)
    notify(kind=NotificationKind.OTHER, region=org.region,
           title=_("%(org)s 提交了登记事项变更申请") % {"org": org.name}, link=req.get_absolute_url())
    return req


def _apply_change(req: ChangeRequest, actor) -> None:
    from zhengshe.regions.models import Region

    org = Organization.objects.select_for_update().get(pk=req.organization_id)
    for key, value in req.changes.items():
        if key == "region":
            value = Region.objects.get(code=value)
        elif key in ("registered_on", "founded_on") and value:
            value = date.fromisoformat(value)
        setattr(org, key, value)
    if "credit_code" in req.changes:
        _check_credit_code(org, actor, "")
        _duplicate_check(org)
    org.full_clean()
    org.version += 1
    org.save()


def change_request_decide(*, actor, change: ChangeRequest, action: str, comment: str = "") -> ChangeRequest:
    """Approve (apply the changes), reject or withdraw a change request."""

    def stamp(obj):
        if action in ("approve", "reject"):
            obj.decided_by = actor
            obj.decided_at = timezone.now()
            obj.decision_comment = comment
        if action == "approve":
            _apply_change(obj, actor)

    with transaction.atomic():
        result = workflows.CHANGE_FLOW.transition(change, action, actor=actor, comment=comment, before_save=stamp)
        if action in ("approve", "reject"):
            notify(kind=NotificationKind.CHANGE_DECIDED, organization=result.organization,
                   title=_("登记事项变更申请已%(r)s") % {"r": result.get_status_display()}, body=comment,
                   link=result.get_absolute_url())
    return result


def organization_set_status(*, actor, org: Organization, action: str, comment: str = "") -> Organization:
    """Suspend, resume, deregister or revoke; every move has a history row."""
    return workflows.ORGANIZATION_FLOW.transition(org, action, actor=actor, comment=comment)


@transaction.atomic
def branch_save(*, actor, org: Organization, data: dict, branch: Branch | None = None) -> Branch:
    """Branches of a 社会团体 are recorded as the organization decides (no registration, seed 000)."""
    if org.org_type != OrgType.SOCIAL_GROUP:
        raise ServiceError(_("只有社会团体可以设立分支机构、代表机构。"))
    if not user_roles_on(actor, org) & {Role.ORG_USER, Role.DISTRICT_ADMIN}:
        raise NotAllowed()
    branch = branch or Branch(organization=org)
    for key, value in data.items():
        setattr(branch, key, value)
    branch.full_clean()
    branch.save()
    return branch
