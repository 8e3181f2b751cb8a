"""Status tables of agreements and amendments (every move is here; grep for the action name).

Which side a user acts for: for a town ↔ committee agreement, party A is the town (town_staff) and
party B the committee (village_staff). For a "2+1" agreement, party A is the committee (village_staff) and
party B its residents' council: the council's representative (council_rep, bound to that council) acts for B.
Only while the council has no active account may the committee's worker record the council's confirmation and
signature on its behalf; each such act is audited as "on behalf". The guards enforce the side, so nobody ever
signs for the other party.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengshe.accounts.roles import Role
from zhengshe.core.scoping import Scope, user_roles_on
from zhengshe.core.workflows import Forbidden, Standing, Transition, Waiting, Workflow

from .choices import AgreementKind, AmendmentStatus, JobStatus, ProposalStatus
from .choices import AgreementStatus as S


def council_has_account(agreement) -> bool:
    """True when the "2+1" agreement's council has an active representative account (then only it acts for B)."""
    if agreement.kind != AgreementKind.COUNCIL or not agreement.council_id:
        return False
    cached = getattr(agreement, "_council_has_account", None)
    if cached is None:
        from zhengshe.accounts.models import RoleAssignment

        cached = RoleAssignment.objects.filter(target_kind="council", target_id=agreement.council_id, role=Role.COUNCIL_REP,
                                               active=True,
                                               user__is_active=True).exists()
        agreement._council_has_account = cached
    return cached


def side_roles(agreement, side: str) -> set[str]:
    """The roles that act for ``side`` ("a"/"b") of an agreement."""
    if agreement.kind == AgreementKind.COUNCIL:
        if side == "a":
            return {Role.VILLAGE_STAFF}
        return {Role.COUNCIL_REP} if council_has_account(agreement) else {Role.COUNCIL_REP, Role.VILLAGE_STAFF}
    return {Role.TOWN_STAFF} if side == "a" else {Role.VILLAGE_STAFF}


@dataclass(frozen=True)
class AgreementStanding(Standing):
    """Who a user is to one agreement, derived once per action: roles, side, and whether they record B's acts
    on a council's behalf. Every check of an action (views, services, guards) reads this instead of asking again."""

    side: str | None = None  # "a", "b" or None: the party the user acts for (the committee is A of a "2+1")
    acts_a: bool = False
    acts_b: bool = False
    on_behalf_b: bool = False  # a "2+1" council without an account: the committee's worker records B's acts

    def acts_for(self, side: str) -> bool:
        return self.acts_a if side == "a" else self.acts_b

    def on_behalf(self, side: str) -> bool:
        return side == "b" and self.on_behalf_b


def standing_on(agreement, user) -> AgreementStanding:
    """The user's standing on ``agreement`` (or on an amendment's agreement): one scope look-up, one account check."""
    agreement = _agreement(agreement)
    if user is None or not getattr(user, "is_authenticated", False):
        return AgreementStanding(user=user, roles=frozenset())
    roles = frozenset(user_roles_on(user, agreement))
    if agreement.kind == AgreementKind.COUNCIL:
        acts_b = bool(roles & side_roles(agreement, "b"))
        side = "b" if Role.COUNCIL_REP in roles else "a" if Role.VILLAGE_STAFF in roles else None
        return AgreementStanding(user=user, roles=roles, side=side, acts_a=Role.VILLAGE_STAFF in roles,
                                 acts_b=acts_b, on_behalf_b=acts_b and Role.COUNCIL_REP not in roles)
    side = None
    if Role.TOWN_STAFF in roles and Scope.for_user(user).covers_path(agreement.party_a.path, {Role.TOWN_STAFF}):
        side = "a"
    elif Role.VILLAGE_STAFF in roles:
        side = "b"
    return AgreementStanding(user=user, roles=roles, side=side, acts_a=side == "a", acts_b=side == "b")


def _a_only(obj, standing):
    return None if standing.acts_for("a") else Forbidden()


def _b_only(obj, standing):
    return None if standing.acts_for("b") else Forbidden()


def _a_or_district(obj, standing):
    return None if standing.acts_for("a") or Role.DISTRICT_ADMIN in standing.roles else Forbidden()


def _agreement(obj):
    return getattr(obj, "agreement", None) or obj


def _ready_to_sign(obj, standing):
    if not obj.both_confirmed:
        return _("双方尚未确认当前版本（第 %(n)d 版），不能签署。") % {"n": obj.revision}
    from .services import weight_problem

    return weight_problem(obj)


def _sign_b(obj, standing):
    return _b_only(obj, standing) or _ready_to_sign(obj, standing)


def _sign_a_first(obj, standing):
    reason = _a_only(obj, standing)
    if reason:
        return reason
    if obj.b_signs_first:
        return _("本协议约定乙方先签署，甲方须待乙方签署后再签署。")
    return _ready_to_sign(obj, standing)


def _submit(obj, standing):
    from .services import weight_problem

    return _a_only(obj, standing) or weight_problem(obj)


SIDE_ROLES = {Role.TOWN_STAFF, Role.VILLAGE_STAFF, Role.COUNCIL_REP}
# A paper agreement both sides signed earlier, recorded afterwards by party A (or the district) with its date and scan.
OFFLINE = Transition(S.SIGNED_BY_A, SIDE_ROLES | {Role.DISTRICT_ADMIN}, gettext_lazy("登记纸质签署"),
                     guard=_a_or_district)
TERMINATE = Transition(S.TERMINATED, SIDE_ROLES | {Role.DISTRICT_ADMIN}, gettext_lazy("提前终止"),
                       guard=_a_or_district, comment_required=True, style="danger")

# 待办: who must sign or act next — party A is the town, party B the village committee or residents' council.
PARTY_A = Waiting(roles={Role.TOWN_STAFF}, region=lambda obj: obj.party_a)
PARTY_B = Waiting(roles={Role.VILLAGE_STAFF, Role.COUNCIL_REP}, region=lambda obj: obj.party_b)
AGREEMENT_WAITING = {S.NEGOTIATING: PARTY_B, S.AWAITING_B: PARTY_B, S.SIGNED_BY_B: PARTY_A, S.SIGNED_BY_A: PARTY_A}
AMENDMENT_WAITING = {
    AmendmentStatus.DRAFT: Waiting(roles=PARTY_B.roles, region=lambda obj: obj.agreement.party_b),
    AmendmentStatus.SIGNED_BY_B: Waiting(roles=PARTY_A.roles, region=lambda obj: obj.agreement.party_a),
}

AGREEMENT_FLOW = Workflow("agreement", standing=standing_on, lock_related=("party_a", "party_b"),
                          model="agreements.Agreement", waiting=AGREEMENT_WAITING, table={
    S.DRAFT: {
        "submit": Transition(S.NEGOTIATING, SIDE_ROLES, gettext_lazy("发起协商"), guard=_submit),
        "record_offline": OFFLINE,
        "terminate": TERMINATE,
    },
    S.NEGOTIATING: {
        "sign_b": Transition(S.SIGNED_BY_B, SIDE_ROLES, gettext_lazy("乙方签署"), guard=_sign_b, style="success"),
        "sign_a": Transition(S.AWAITING_B, SIDE_ROLES, gettext_lazy("甲方签署"), guard=_sign_a_first,
                             style="success"),
        "redraft": Transition(S.DRAFT, SIDE_ROLES, gettext_lazy("退回草稿"), guard=_a_only, style="secondary"),
        "record_offline": OFFLINE,
        "terminate": TERMINATE,
    },
    S.SIGNED_BY_B: {
        "sign_a": Transition(S.SIGNED_BY_A, SIDE_ROLES, gettext_lazy("甲方签署"), guard=_a_only, style="success"),
        "terminate": TERMINATE,
    },
    S.AWAITING_B: {
        "sign_b": Transition(S.SIGNED_BY_A, SIDE_ROLES, gettext_lazy("乙方签署"), guard=_b_only, style="success"),
        "terminate": TERMINATE,
    },
    S.SIGNED_BY_A: {
        "activate": Transition(S.IN_FORCE, SIDE_ROLES | {Role.DISTRICT_ADMIN}, gettext_lazy("生效履行"),
                               guard=_a_or_district),
        "terminate": TERMINATE,
    },
    S.IN_FORCE: {
        "evaluate": Transition(S.EVALUATED, SIDE_ROLES | {Role.DISTRICT_ADMIN}, gettext_lazy("完成履约评估"),
                               guard=_a_or_district),
        "terminate": TERMINATE,
    },
    S.EVALUATED: {
        "close": Transition(S.CLOSED, SIDE_ROLES | {Role.DISTRICT_ADMIN}, gettext_lazy("结束协议"),
                            guard=_a_or_district, style="secondary"),
    },
})

# Moves a plain button may trigger; signing goes through its own form (signer, seal).
BUTTON_ACTIONS = {"submit", "redraft", "activate", "evaluate", "close"}
SIGN_ACTIONS = {"sign_a", "sign_b"}


def _amendment_ready(obj, standing):
    from .services import amendment_sign_problem

    return amendment_sign_problem(obj)


def _amendment_sign_b(obj, standing):
    return _b_only(obj, standing) or _amendment_ready(obj, standing)


def _amendment_sign_a(obj, standing):
    return _a_only(obj, standing) or _amendment_ready(obj, standing)


AMENDMENT_FLOW = Workflow("amendment", standing=standing_on, model="agreements.Amendment",
                        waiting=AMENDMENT_WAITING, table={
    AmendmentStatus.DRAFT: {
        "sign_b": Transition(AmendmentStatus.SIGNED_BY_B, SIDE_ROLES, gettext_lazy("乙方签署"),
                             guard=_amendment_sign_b, style="success"),
        "cancel": Transition(AmendmentStatus.CANCELLED, SIDE_ROLES, gettext_lazy("撤销"), guard=_a_only,
                             comment_required=True, style="danger"),
    },
    AmendmentStatus.SIGNED_BY_B: {
        "sign_a": Transition(AmendmentStatus.IN_FORCE, SIDE_ROLES, gettext_lazy("甲方签署并生效"),
                             guard=_amendment_sign_a, style="success"),
        "cancel": Transition(AmendmentStatus.CANCELLED, SIDE_ROLES, gettext_lazy("撤销"), guard=_a_only,
                             comment_required=True, style="danger"),
    },
})


PROPOSAL_FLOW = Workflow("agreement.proposal", standing=standing_on, table={
    # Party A answers party B's proposal (services.proposal_decide applies an accepted change as a new revision).
    ProposalStatus.PENDING: {
        "accept": Transition(ProposalStatus.ACCEPTED, SIDE_ROLES, gettext_lazy("采纳"), guard=_a_only,
                             style="success"),
        "reject": Transition(ProposalStatus.REJECTED, SIDE_ROLES, gettext_lazy("不采纳"), guard=_a_only,
                             comment_required=True, style="warning"),
    },
})

# Background jobs (bulk drafting, ZIP export): moved by the job itself, on behalf of whoever started it.
JOB_FLOW = Workflow("agreement.job", {
    JobStatus.QUEUED: {
        "start": Transition(JobStatus.RUNNING, frozenset(), gettext_lazy("开始"), internal=True),
        "fail": Transition(JobStatus.FAILED, frozenset(), gettext_lazy("失败"), internal=True),
    },
    JobStatus.RUNNING: {
        "finish": Transition(JobStatus.DONE, frozenset(), gettext_lazy("完成"), internal=True),
        "fail": Transition(JobStatus.FAILED, frozenset(), gettext_lazy("失败"), internal=True),
    },
})
