"""Incubators (孵化园): entry, services, milestones and graduation of incubated organizations."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.accounts.roles import Role
from zhengshe.audit.services import record_event
from zhengshe.core.errors import NotAllowed, ServiceError
from zhengshe.core.scoping import user_roles_on

from .. import workflows
from ..choices import (
    IncubationStatus,
    OrgStatus,
)
from ..models import (
    Incubation,
    IncubationMilestone,
    IncubationService,
    Incubator,
    Organization,
)
from ._common import STAFF, _covers


@transaction.atomic
def incubator_save(*, actor, data: dict, incubator: Incubator | None = None) -> Incubator:
    """District offices run district parks; towns run their street centres."""
    incubator = incubator or Incubator()
    for key, value in data.items():
        setattr(incubator, key, value)
    if not _covers(actor, incubator.region, STAFF):
        raise NotAllowed(_("该区划不在您的管理范围内。"))
    incubator.full_clean()
    incubator.save()
    return incubator


@transaction.atomic
def incubation_apply(*, actor, incubator: Incubator, organization: Organization, plan: str) -> Incubation:
    """An organization (or a worker on its behalf) applies to enter an incubator."""
    if not user_roles_on(actor, organization) & {Role.ORG_USER, Role.DISTRICT_ADMIN, Role.TOWN_STAFF}:
        raise NotAllowed()
    if Incubation.objects.filter(organization=organization,
                                 status__in=[IncubationStatus.APPLIED, IncubationStatus.INCUBATING]).exists():
        raise ServiceError(_("该组织已在孵化中或已有待审核的入驻申请。"))
    incubation = Incubation.objects.create(incubator=incubator, organization=organization, plan=plan,
                                           applied_on=timezone.localdate())
    record_event("organizations.incubation_apply", incubation, after={"incubator": incubator.name})
    return incubation


def incubation_transition(*, actor, incubation: Incubation, action: str, comment: str = "",
                          start_on: date | None = None, months: int | None = None) -> Incubation:
    """Admit (with the incubation period), reject, graduate (registration achieved) or exit."""

    def stamp(obj):
        today = timezone.localdate()
        if action == "admit":
            obj.start_on = start_on or today
            span = months or obj.incubator.default_months
            obj.end_on = obj.start_on + timedelta(days=round(span * 30.44))
            if Incubation.objects.filter(incubator=obj.incubator, status=IncubationStatus.INCUBATING).count() >= \
                    obj.incubator.capacity:
                raise ServiceError(_("孵化平台已满（可入驻 %d 家）。") % obj.incubator.capacity)
        if action == "graduate":
            org = obj.organization
            if org.status != OrgStatus.ACTIVE or not (org.credit_code or org.filing_number):
                raise ServiceError(_("出壳须先完成登记或备案（组织状态为“正常”，并有信用代码或备案编号）。"))

    # "outcome" here is the written account of how the incubation ended, set with the move that ends it.
    ends = {"finished_on": timezone.localdate(), "outcome": comment} if action in ("graduate", "exit") else {}
    return workflows.INCUBATION_FLOW.transition(incubation, action, actor=actor, comment=comment, changes=ends,
                                                before_save=stamp)


def _incubation_staff(actor, incubation):
    if not user_roles_on(actor, incubation.incubator) & STAFF:
        raise NotAllowed(_("只有孵化平台所在地的工作人员可以记录。"))
    if incubation.status != IncubationStatus.INCUBATING:
        raise ServiceError(_("只有孵化中的组织可以记录服务和里程碑。"))


@transaction.atomic
def incubation_add_service(*, actor, incubation: Incubation, data: dict) -> IncubationService:
    _incubation_staff(actor, incubation)
    service = IncubationService(incubation=incubation, **data)
    service.full_clean()
    service.save()
    return service


@transaction.atomic
def incubation_add_milestone(*, actor, incubation: Incubation, data: dict) -> IncubationMilestone:
    _incubation_staff(actor, incubation)
    milestone = IncubationMilestone(incubation=incubation, **data)
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_done(*, actor, milestone: IncubationMilestone, done_on: date | None = None) -> IncubationMilestone:
    _incubation_staff(actor, milestone.incubation)
    milestone.done_on = done_on or timezone.localdate()
    milestone.save()
    return milestone
