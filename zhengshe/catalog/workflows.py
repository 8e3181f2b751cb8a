"""Status tables of the catalog: list versions (draft → published → superseded) and admission requests.

Every move goes through ``core.workflows.Workflow.transition`` (row lock, role check over the object,
status history and audit event). The services in ``services/`` add what a move also changes.
"""

from django.utils.translation import gettext_lazy as _

from zhengshe.core.workflows import Transition, Waiting, Workflow

from .choices import AdmissionStatus as A
from .choices import AskOutcome as K
from .choices import BurdenState as B
from .choices import ListStatus as L

DISTRICT = frozenset({"district_admin"})
APPLICANTS = frozenset({"district_admin", "town_staff"})


def _has_items(obj, standing):
    return None if obj.items.exists() else _("清单中还没有事项，不能发布。")


def _is_newest(obj, standing):
    newer = type(obj).objects.filter(region_id=obj.region_id, kind=obj.kind, version__gt=obj.version).exists()
    return _("已有更新的版本，不能发布旧版本。") if newer else None


def _publishable(obj, standing):
    return _has_items(obj, standing) or _is_newest(obj, standing)


LIST_FLOW = Workflow("catalog.list", {
    L.DRAFT: {
        "publish": Transition(L.PUBLISHED, DISTRICT, _("发布"), guard=_publishable, style="success"),
    },
    L.PUBLISHED: {
        # Done by the service when a newer version is published; never offered as a button.
        "supersede": Transition(L.SUPERSEDED, DISTRICT, _("被新版本取代"), internal=True),
    },
})


def _not_applicant(obj, standing):
    return _("申请人不能审核自己的申请（须由领导小组其他成员审核）。") if obj.applicant_id == standing.user.pk else None


def _only_applicant(obj, standing):
    return None if obj.applicant_id == standing.user.pk else _("只有申请人本人可以执行此操作。")


def _reviewer(obj, standing):
    """The leading group sits at the issuing region: the reviewer must cover it, not just the applicant's town."""
    from zhengshe.core.scoping import Scope

    if not Scope.for_user(standing.user).covers_path(obj.issuing_region.path, DISTRICT):
        return _("只有审核区划（%s）的领导小组可以审核。") % obj.issuing_region.name
    return _not_applicant(obj, standing)


# 待办: a submitted request waits for the reviewing office, a returned one for its applicant.
ADMISSION_WAITING = {
    A.SUBMITTED: Waiting(roles=DISTRICT, region=lambda obj: obj.issuing_region),
    A.RETURNED: Waiting(roles=APPLICANTS - DISTRICT),
}

ADMISSION_FLOW = Workflow("catalog.admission", model="catalog.AdmissionRequest", waiting=ADMISSION_WAITING, table={
    A.DRAFT: {
        "submit": Transition(A.SUBMITTED, APPLICANTS, _("提交审核"), guard=_only_applicant),
        "withdraw": Transition(A.WITHDRAWN, APPLICANTS, _("撤回"), guard=_only_applicant, style="secondary"),
    },
    A.RETURNED: {
        "submit": Transition(A.SUBMITTED, APPLICANTS, _("补充后重新提交"), guard=_only_applicant),
        "withdraw": Transition(A.WITHDRAWN, APPLICANTS, _("撤回"), guard=_only_applicant, style="secondary"),
    },
    A.SUBMITTED: {
        # Approval needs a scope and a validity: the page sends the user to the approval form.
        "approve": Transition(A.APPROVED, DISTRICT, _("准入"), guard=_reviewer, style="success",
                              extra={"form": True}),
        "return": Transition(A.RETURNED, DISTRICT, _("退回补充"), guard=_reviewer, comment_required=True,
                             style="warning"),
        "reject": Transition(A.REJECTED, DISTRICT, _("不予准入"), guard=_reviewer, comment_required=True,
                             style="danger"),
        "withdraw": Transition(A.WITHDRAWN, APPLICANTS, _("撤回"), guard=_only_applicant, style="secondary"),
    },
    A.APPROVED: {
        "revoke": Transition(A.REVOKED, DISTRICT, _("撤销准入"), guard=_reviewer, comment_required=True,
                             style="danger"),
    },
})


# What a community did with an ask outside the lists (services/asks.py checks who records it).
_CLOSE_ASK = {
    "refuse": Transition(K.REFUSED, frozenset({"village_staff", "district_admin"}), _("拒绝执行"), internal=True),
    "withdraw": Transition(K.WITHDRAWN, frozenset({"village_staff", "district_admin"}), _("部门已撤回"),
                           internal=True),
    "legitimate": Transition(K.LEGITIMATE, frozenset({"village_staff", "district_admin"}), _("属清单或准入事项"),
                             internal=True),
}
ASK_FLOW = Workflow("catalog.ask_outcome", status_field="outcome", table={
    K.PENDING: {**_CLOSE_ASK, "accept": Transition(K.ACCEPTED, frozenset({"village_staff", "district_admin"}),
                                                   _("自愿协助"), internal=True)},
    K.ACCEPTED: _CLOSE_ASK,
})

# A ledger, signboard or rating a community keeps: merged into electronic form or removed, never revived
# (services/burden.py; a revoked admission removes what it let in, services/admission.py).
BURDEN_FLOW = Workflow("catalog.burden", status_field="state", table={
    B.KEPT: {
        "merge": Transition(B.MERGED, frozenset({"village_staff", "town_staff", "district_admin"}), _("并入电子台账"),
                            internal=True),
        "remove": Transition(B.REMOVED, frozenset({"village_staff", "town_staff", "district_admin"}),
                             _("取消/清理"), internal=True),
    },
})
