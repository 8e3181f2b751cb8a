"""Status tables of the organizations app, as plain data (grep a status to find every move)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from zhengshe.accounts.roles import Role
from zhengshe.core.scoping import user_roles_on
from zhengshe.core.workflows import Transition, Waiting, Workflow, actors

from .choices import (
    ApplicationStatus as A,
)
from .choices import (
    ChangeStatus as C,
)
from .choices import (
    IncubationStatus as I,
)
from .choices import (
    ObjectionStatus as OB,
)
from .choices import (
    OrgStatus as O,
)
from .choices import (
    RegistrationKind,
)
from .choices import (
    ReportStatus as R,
)
from .choices import (
    RoundStatus as RS,
)

DISTRICT = {Role.DISTRICT_ADMIN}
STAFF = {Role.DISTRICT_ADMIN, Role.TOWN_STAFF}
ORG = {Role.ORG_USER}


def registering_office(org, user, roles=None) -> str | None:
    """Registered organizations answer to the civil-affairs office; filed ones also to their town (STANDARDS §2)."""
    roles = user_roles_on(user, org) if roles is None else roles
    if Role.DISTRICT_ADMIN in roles:
        return None
    if Role.TOWN_STAFF in roles and org.registration_kind == RegistrationKind.FILED:
        return None
    return _("只有登记管理机关（备案组织为所在街镇）可以办理。")


def _office_of_org(obj, standing):
    return registering_office(obj.organization, standing.user)


def _office_of_self(obj, standing):
    return registering_office(obj, standing.user, standing.roles)


ORGANIZATION_FLOW = Workflow("organizations.organization", {
    O.PREPARING: {
        "activate": Transition(O.ACTIVE, STAFF, _l("确认登记（备案）"), guard=_office_of_self, style="success"),
    },
    O.ACTIVE: {
        "suspend": Transition(O.SUSPENDED, STAFF, _l("暂停活动"), guard=_office_of_self, comment_required=True,
                              style="warning"),
        "deregister": Transition(O.DEREGISTERED, STAFF, _l("注销登记"), guard=_office_of_self,
                                 comment_required=True, style="danger"),
        "revoke": Transition(O.REVOKED, DISTRICT, _l("撤销登记"), guard=_office_of_self, comment_required=True,
                             style="danger"),
    },
    O.SUSPENDED: {
        "resume": Transition(O.ACTIVE, STAFF, _l("恢复活动"), guard=_office_of_self, comment_required=True,
                             style="success"),
        "deregister": Transition(O.DEREGISTERED, STAFF, _l("注销登记"), guard=_office_of_self,
                                 comment_required=True, style="danger"),
        "revoke": Transition(O.REVOKED, DISTRICT, _l("撤销登记"), guard=_office_of_self, comment_required=True,
                             style="danger"),
    },
})

def office_roles(org) -> set[str]:
    """The roles of an organization's registering office (filed organizations: the town too)."""
    return STAFF if org.registration_kind == RegistrationKind.FILED else DISTRICT


# 待办: the office reviews what an organization submits; the organization owes its drafts and returned reports.
AT_OFFICE = Waiting(roles=lambda obj: office_roles(obj.organization))
AT_ORGANIZATION = Waiting(roles=ORG, deadline=lambda obj: obj.deadline)

CHANGE_FLOW = Workflow("organizations.change_request", model="organizations.ChangeRequest",
                       waiting={C.PENDING: AT_OFFICE}, table={
    C.PENDING: {
        "approve": Transition(C.APPROVED, STAFF, _l("批准变更"), guard=_office_of_org, style="success"),
        "reject": Transition(C.REJECTED, STAFF, _l("驳回"), guard=_office_of_org, comment_required=True,
                             style="danger"),
        "withdraw": Transition(C.WITHDRAWN, ORG, _l("撤回申请"), style="secondary"),
    },
})


def _report_complete(report, standing):
    if not report.activities.strip():
        return _("请填写业务活动情况后再报送。")
    return None


REPORT_FLOW = Workflow("organizations.annual_report", model="organizations.AnnualReport", waiting={
    R.DRAFT: AT_ORGANIZATION, R.MISSING: AT_ORGANIZATION, R.RETURNED: AT_ORGANIZATION, R.SUBMITTED: AT_OFFICE,
}, table={
    R.DRAFT: {
        "submit": Transition(R.SUBMITTED, ORG | STAFF, _l("报送"), guard=_report_complete),
        # The daily job, once the deadline has passed (services.report_reminders).
        "mark_missing": Transition(R.MISSING, frozenset(), _l("逾期未报"), internal=True),
    },
    R.MISSING: {"submit": Transition(R.SUBMITTED, ORG | STAFF, _l("补报"), guard=_report_complete)},
    R.RETURNED: {"submit": Transition(R.SUBMITTED, ORG | STAFF, _l("重新报送"), guard=_report_complete)},
    R.SUBMITTED: {
        "accept": Transition(R.ACCEPTED, STAFF, _l("审核通过"), guard=_office_of_org, style="success"),
        "return": Transition(R.RETURNED, STAFF, _l("退回修改"), guard=_office_of_org, comment_required=True,
                             style="warning"),
    },
})


def _incubator_staff(incubation, standing):
    """The incubator's own region staff (district for district parks, the town for street centres) decide."""
    roles = user_roles_on(standing.user, incubation.incubator)
    return None if roles & STAFF else _("只有孵化平台所在地的工作人员可以办理。")


INCUBATION_FLOW = Workflow("organizations.incubation", {
    I.APPLIED: {
        "admit": Transition(I.INCUBATING, STAFF, _l("同意入驻"), guard=_incubator_staff, style="success"),
        "reject": Transition(I.REJECTED, STAFF, _l("不予入驻"), guard=_incubator_staff, comment_required=True,
                             style="danger"),
    },
    I.INCUBATING: {
        "graduate": Transition(I.GRADUATED, STAFF, _l("出壳（已完成登记/备案）"), guard=_incubator_staff,
                               style="success"),
        "exit": Transition(I.EXITED, STAFF | ORG, _l("退出孵化"), comment_required=True, style="warning"),
    },
})


def _round_declaring(app, standing):
    if app.round.status != RS.DECLARING:
        return _("本批次不在申报期内。")
    deadline = app.round.declaration_deadline
    if deadline and timezone.localdate() > deadline:
        return _("申报已于 %(d)s 截止。") % {"d": deadline}
    if not app.self_assessment.strip():
        return _("请先填写自评报告。")
    if not app.evidence.exists():
        return _("请至少上传一份证明材料。")
    return None


def _round_reviewing(app, standing):
    return None if app.round.status == RS.REVIEWING else _("本批次不在评审阶段。")


def _scored(app, standing):
    if app.round.status != RS.REVIEWING:
        return _("本批次不在评审阶段。")
    return None if app.scores.exists() else _("尚无专家评分。")


# An assessment's steps that separation of duties spreads over at least two people.
DUTY_STEPS = ("accept", "close_scoring", "decide", "not_graded")


def _separated(app, standing):
    """With separation of duties on, whoever ran the preliminary review and closed scoring cannot also make the
    committee decision alone."""
    if not app.round.separate_duties or actors(app, DUTY_STEPS) - {standing.user.pk}:
        return None
    return _("本批次实行职责分离：初审、结束评分、评估委员会审定须至少由两名不同人员办理，请由另一名工作人员审定。")


APPLICATION_FLOW = Workflow("organizations.grade_application", {
    A.DRAFT: {"declare": Transition(A.DECLARED, ORG, _l("提交申报"), guard=_round_declaring)},
    A.RETURNED: {"declare": Transition(A.DECLARED, ORG, _l("重新申报"), guard=_round_declaring)},
    A.DECLARED: {
        "accept": Transition(A.SCORING, DISTRICT, _l("初审通过，进入专家评分"), style="success"),
        "return": Transition(A.RETURNED, DISTRICT, _l("退回补正"), comment_required=True, style="warning"),
        "reject": Transition(A.INELIGIBLE, DISTRICT, _l("初审不通过"), comment_required=True, style="danger"),
        "withdraw": Transition(A.WITHDRAWN, ORG, _l("撤回申报"), style="secondary"),
    },
    A.SCORING: {"close_scoring": Transition(A.COMMITTEE, DISTRICT, _l("结束评分，提交评估委员会"), guard=_scored)},
    A.COMMITTEE: {
        # "decide" is done by services.application_decide (sets the grade), listed here for the history.
        "decide": Transition(A.DECIDED, DISTRICT, _l("评估委员会审定"), extra={"service": True}, guard=_separated),
        "not_graded": Transition(A.NOT_GRADED, DISTRICT, _l("审定：不予评定等级"), comment_required=True,
                                 style="danger", guard=_separated),
    },
    # Moves of the round carry its applications (services.round_publish, round_confirm, objection_resolve).
    A.DECIDED: {"publish": Transition(A.NOTICE, DISTRICT, _l("公示"), internal=True)},
    A.NOTICE: {
        "confirm": Transition(A.CONFIRMED, DISTRICT, _l("确认等级"), internal=True),
        "objection_upheld": Transition(A.COMMITTEE, DISTRICT, _l("异议成立，重新审定"), internal=True),
    },
})

# An objection to a published grade, resolved by the civil-affairs office (services.objection_resolve).
OBJECTION_FLOW = Workflow("organizations.grade_objection", {
    OB.OPEN: {
        "uphold": Transition(OB.UPHELD, DISTRICT, _l("异议成立"), internal=True),
        "dismiss": Transition(OB.DISMISSED, DISTRICT, _l("异议不成立"), internal=True),
    },
})

ROUND_FLOW = Workflow("organizations.grade_round", {
    RS.DRAFT: {"open": Transition(RS.DECLARING, DISTRICT, _l("发布通知，开始申报"), style="success")},
    RS.DECLARING: {"close_declaration": Transition(RS.REVIEWING, DISTRICT, _l("截止申报，进入评审"))},
    RS.REVIEWING: {"publish": Transition(RS.NOTICE, DISTRICT, _l("发布公示"), extra={"service": True})},
    RS.NOTICE: {
        "publish": Transition(RS.NOTICE, DISTRICT, _l("重新公示"), extra={"service": True}),
        "confirm": Transition(RS.CLOSED, DISTRICT, _l("公示期满，确认等级并公告"), extra={"service": True},
                              style="success"),
    },
})
