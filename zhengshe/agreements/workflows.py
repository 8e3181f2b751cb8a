"""Status tables of agreements and amendments (every move is here; grep for the action name).

Which side a user acts for: for a town ↔ committee agreement, party A is the town (town_staff) and
party B the committee (village_staff). For a "2+1" agreement, party A is the committee (village_staff) and
party B its residents' council: the council's representative (council_rep, bound to that council) acts for B.
Only while the council has no active account may the committee's worker record the council's confirmation and
signature on its behalf; each such act is audited as "on behalf". The guards enforce the side, so nobody ever
signs for the other party.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengshe.accounts.roles import Role
from zhengshe.core.scoping import Scope, user_roles_on
from zhengshe.core.workflows import Transition, Workflow

from .choices import AgreementKind, AmendmentStatus
from .choices import AgreementStatus as S

NO_RIGHT = "您没有执行此操作的权限。"


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


def user_side(agreement, user) -> str | None:
    """"a", "b" or None: which party ``user`` acts for on this agreement (the committee is A of a "2+1")."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    roles = user_roles_on(user, agreement)
    if agreement.kind == AgreementKind.COUNCIL:
        if Role.COUNCIL_REP in roles:
            return "b"
        return "a" if Role.VILLAGE_STAFF in roles else None
    if Role.TOWN_STAFF in roles and _covers_party_a(agreement, user):
        return "a"
    if Role.VILLAGE_STAFF in roles:
        return "b"
    return None


def _covers_party_a(agreement, user) -> bool:
    return Scope.for_user(user).covers_path(agreement.party_a.path, {Role.TOWN_STAFF})


def acts_for(agreement, user, side: str) -> bool:
    """May ``user`` act for ``side`` of ``agreement`` (for "2+1" B: the council, or the committee on its behalf)."""
    if agreement.kind == AgreementKind.COUNCIL:
        return bool(user_roles_on(user, agreement) & side_roles(agreement, side))
    return user_side(agreement, user) == side


def on_behalf(agreement, user, side: str) -> bool:
    """True when ``user`` records party B's act of a "2+1" agreement for a council without an account."""
    return (agreement.kind == AgreementKind.COUNCIL and side == "b"
            and Role.COUNCIL_REP not in user_roles_on(user, agreement) and acts_for(agreement, user, "b"))


def _a_only(obj, user):
    return None if acts_for(_agreement(obj), user, "a") else _(NO_RIGHT)


def _b_only(obj, user):
    return None if acts_for(_agreement(obj), user, "b") else _(NO_RIGHT)


def _a_or_district(obj, user):
    if acts_for(_agreement(obj), user, "a") or Role.DISTRICT_ADMIN in user_roles_on(user, obj):
        return None
    return _(NO_RIGHT)


def _agreement(obj):
    return getattr(obj, "agreement", None) or obj


def _ready_to_sign(obj, user):
    if not obj.both_confirmed:
        return _("双方尚未确认当前版本（第 %(n)d 版），不能签署。") % {"n": obj.revision}
    from .services import weight_problem

    return weight_problem(obj)


def _sign_b(obj, user):
    return _b_only(obj, user) or _ready_to_sign(obj, user)


def _sign_a_first(obj, user):
    reason = _a_only(obj, user)
    if reason:
        return reason
    if obj.b_signs_first:
        return _("本协议约定乙方先签署，甲方须待乙方签署后再签署。")
    return _ready_to_sign(obj, user)


def _submit(obj, user):
    from .services import weight_problem

    return _a_only(obj, user) or weight_problem(obj)


SIDE_ROLES = {Role.TOWN_STAFF, Role.VILLAGE_STAFF, Role.COUNCIL_REP}
TERMINATE = Transition(S.TERMINATED, SIDE_ROLES | {Role.DISTRICT_ADMIN}, gettext_lazy("提前终止"),
                       guard=_a_or_district, comment_required=True, style="danger")

AGREEMENT_FLOW = Workflow("agreement", {
    S.DRAFT: {
        "submit": Transition(S.NEGOTIATING, SIDE_ROLES, gettext_lazy("发起协商"), guard=_submit),
        "terminate": TERMINATE,
    },
    S.NEGOTIATING: {
        "sign_b": Transition(S.SIGNED_BY_B, SIDE_ROLES, gettext_lazy("乙方签署"), guard=_sign_b, style="success"),
        "sign_a": Transition(S.AWAITING_B, SIDE_ROLES, gettext_lazy("甲方签署"), guard=_sign_a_first,
                             style="success"),
        "redraft": Transition(S.DRAFT, SIDE_ROLES, gettext_lazy("退回草稿"), guard=_a_only, style="secondary"),
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

def _amendment_ready(obj, user):
    from .services import amendment_sign_problem

    return amendment_sign_problem(obj)


def _amendment_sign_b(obj, user):
    return _b_only(obj, user) or _amendment_ready(obj, user)


def _amendment_sign_a(obj, user):
    return _a_only(obj, user) or _amendment_ready(obj, user)


AMENDMENT_FLOW = Workflow("amendment", {
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
