"""Status tables of the projects app: calls (draft → published → closed, or cancelled) and applications
(draft → submitted → accepted / rejected at formal review, or withdrawn). Every move goes through
``core.workflows.Workflow.transition``; the services add what a move also checks and changes."""

from django.utils.translation import gettext_lazy as _

from zhengshe.core.workflows import Transition, Waiting, Workflow

from .choices import ApplicationStatus as A
from .choices import CallStatus as C
from .choices import ContractStatus as K
from .choices import MilestoneStatus as M
from .choices import ReviewStatus as R

BUYER_ROLES = {"county": "district_admin", "city": "district_admin", "town": "town_staff",
               "village": "village_staff"}
BUYERS = frozenset(BUYER_ROLES.values())
ORG = frozenset({"org_user"})


def buyer_role(call) -> str:
    """The role that acts for the buyer: the county office, the town, or the community with a budget."""
    return BUYER_ROLES.get(call.buyer_region.level, "district_admin")


def _the_buyer(call, standing):
    return None if buyer_role(call) in standing.roles else _("只有购买主体（%s）的工作人员可以办理。") % call.buyer_region.name


def _publishable(call, standing):
    reason = _the_buyer(call, standing)
    if reason:
        return reason
    if not call.rubric:
        return _("请先设置评审细则，再发布征集公告。")
    return None


def _application_buyer(application, standing):
    return _the_buyer(application.call, standing)


CALL_FLOW = Workflow("projects.call", model="projects.Call", lock_related=("buyer_region",), table={
    C.DRAFT: {
        "publish": Transition(C.PUBLISHED, BUYERS, _("发布征集公告"), guard=_publishable, style="success"),
        "cancel": Transition(C.CANCELLED, BUYERS, _("撤销"), guard=_the_buyer, comment_required=True, style="danger"),
    },
    C.PUBLISHED: {
        "close": Transition(C.CLOSED, BUYERS, _("截止征集"), guard=_the_buyer, style="warning"),
        "cancel": Transition(C.CANCELLED, BUYERS, _("撤销"), guard=_the_buyer, comment_required=True, style="danger"),
    },
})

# 待办: a draft waits for its organization (until the call's deadline); a submitted one for the buyer's staff.
APPLICATION_WAITING = {
    A.DRAFT: Waiting(roles=ORG, deadline=lambda obj: obj.call.closes_on),
    A.SUBMITTED: Waiting(roles=lambda obj: {buyer_role(obj.call)}, region=lambda obj: obj.call.buyer_region),
}

APPLICATION_FLOW = Workflow("projects.application", model="projects.Application", waiting=APPLICATION_WAITING,
                            lock_related=("call", "call__buyer_region", "organization"), table={
    A.DRAFT: {
        # The service checks the deadline and eligibility first and names every reason (services.application_submit).
        "submit": Transition(A.SUBMITTED, ORG, _("提交申报"), internal=True),
        "withdraw": Transition(A.WITHDRAWN, ORG, _("撤回"), style="secondary"),
    },
    A.SUBMITTED: {
        "accept": Transition(A.ACCEPTED, BUYERS, _("形式审查通过"), guard=_application_buyer, style="success"),
        "reject": Transition(A.REJECTED, BUYERS, _("形式审查不通过"), guard=_application_buyer,
                             comment_required=True, style="danger"),
        "withdraw": Transition(A.WITHDRAWN, ORG, _("撤回"), style="secondary"),
    },
    A.ACCEPTED: {
        # The panel's decision over the whole call (services.awards_decide), within the budget.
        "award": Transition(A.AWARDED, BUYERS, _("立项资助"), internal=True),
        "decline": Transition(A.NOT_AWARDED, BUYERS, _("不予资助"), internal=True),
    },
})

# 待办: an assigned review waits for its reviewer.
REVIEW_FLOW = Workflow("projects.review", model="projects.Review",
                       waiting={R.DRAFT: Waiting(user=lambda obj: obj.reviewer)}, table={
    R.DRAFT: {
        "submit": Transition(R.SUBMITTED, frozenset(), _("提交评审"), internal=True),
        "recuse": Transition(R.RECUSED, frozenset(), _("回避"), internal=True),
    },
})



def _contract_org(contract, standing):
    return None if "org_user" in standing.roles else _("只有承接项目的社会组织可以签署。")


def _contract_buyer(contract, standing):
    return _the_buyer(contract.application.call, standing)


# 待办: a drafted contract waits for the organization's signature, then for the buyer's.
CONTRACT_FLOW = Workflow("projects.contract", model="projects.Contract", waiting={
    K.DRAFT: Waiting(roles=ORG),
    K.SIGNED_BY_ORG: Waiting(roles=lambda obj: {buyer_role(obj.application.call)},
                             region=lambda obj: obj.application.call.buyer_region),
}, table={
    K.DRAFT: {
        "sign_org": Transition(K.SIGNED_BY_ORG, ORG, _("承接方签署"), guard=_contract_org, style="success"),
        "cancel": Transition(K.CANCELLED, BUYERS, _("撤销"), guard=_contract_buyer, comment_required=True,
                             style="danger"),
    },
    K.SIGNED_BY_ORG: {
        "sign_buyer": Transition(K.IN_FORCE, BUYERS, _("购买方签署并生效"), guard=_contract_buyer, style="success"),
    },
})



def _milestone_buyer(milestone, standing):
    return _the_buyer(milestone.contract.application.call, standing)


# 待办: a reported milestone waits for the buyer's acceptance (which releases its payment).
MILESTONE_FLOW = Workflow("projects.milestone", model="projects.Milestone", waiting={
    M.REPORTED: Waiting(roles=lambda obj: {buyer_role(obj.contract.application.call)},
                        region=lambda obj: obj.contract.application.call.buyer_region),
}, table={
    M.PENDING: {"report": Transition(M.REPORTED, ORG, _("报告进展"), internal=True)},
    M.REPORTED: {
        "accept": Transition(M.ACCEPTED, BUYERS, _("验收并拨付"), guard=_milestone_buyer, style="success"),
        "return": Transition(M.PENDING, BUYERS, _("退回补充"), guard=_milestone_buyer, comment_required=True,
                             style="warning"),
    },
})
