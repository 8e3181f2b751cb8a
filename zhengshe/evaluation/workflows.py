"""The round's status table: preparation → self-assessment → scoring → review → publication (公示) → final."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengshe.core.workflows import Transition, Waiting, Workflow, actors

from .choices import ConsequenceStatus, ObjectionStatus, RoundStatus, SheetStatus, TemplateStatus
from .models import MANAGERS


def _has_units(round_, standing):
    if not round_.units.exists():
        return str(_("本轮次没有参评单位，请先生成参评单位。"))
    return None


def _results_ready(round_, standing):
    if round_.results_computed_at is None or not round_.results.exists():
        return str(_("请先计算评估结果。"))
    return None


def _can_finalize(round_, standing):
    if round_.objections.filter(status__in=[ObjectionStatus.OPEN, ObjectionStatus.PENDING]).exists():
        return str(_("还有未答复的异议，答复后才能确定最终结果。"))
    if round_.publicity_end and timezone.localdate() <= round_.publicity_end:
        return str(_("公示期至 %(d)s 结束，期满后才能确定最终结果。") % {"d": round_.publicity_end})
    return None


# The round's steps that separation of duties spreads over at least two people.
DUTY_STEPS = ("close_scoring", "publish", "finalize")


def _separated(round_, standing):
    """With separation of duties on, the person who closed scoring cannot also publish or finalize alone."""
    if not round_.separate_duties:
        return None
    if actors(round_, DUTY_STEPS) - {standing.user.pk}:
        return None
    return str(_("本轮实行职责分离：结束评分、发布公示、确定最终结果须至少由两名不同人员办理，"
                 "请由另一名管理人员执行此操作。"))


def _publishable(round_, standing):
    return _results_ready(round_, standing) or _separated(round_, standing)


def _finalizable(round_, standing):
    return _can_finalize(round_, standing) or _separated(round_, standing)


ROUND_FLOW = Workflow(
    "evaluation.round",
    {
        RoundStatus.DRAFT: {
            "open": Transition(RoundStatus.SELF_ASSESSMENT, MANAGERS, _("启动评估（开始自评）"), guard=_has_units),
        },
        RoundStatus.SELF_ASSESSMENT: {
            "start_scoring": Transition(RoundStatus.SCORING, MANAGERS, _("结束自评，开始评分")),
        },
        RoundStatus.SCORING: {
            "close_scoring": Transition(RoundStatus.REVIEW, MANAGERS, _("结束评分，汇总审核")),
        },
        RoundStatus.REVIEW: {
            "publish": Transition(RoundStatus.PUBLICITY, MANAGERS, _("发布公示"), guard=_publishable,
                                  style="success"),
            "reopen": Transition(RoundStatus.SCORING, MANAGERS, _("退回评分阶段"), comment_required=True,
                                 style="warning"),
        },
        RoundStatus.PUBLICITY: {
            "finalize": Transition(RoundStatus.FINAL, MANAGERS, _("公示期满，确定最终结果"), guard=_finalizable,
                                   style="success"),
        },
        RoundStatus.FINAL: {},
    },
)


# The moves below are made by services (template_publish, sheet_save, objection_answer, consequence_decide),
# which check who may act with their own messages first; the engine records each move and runs the hooks.
TEMPLATE_FLOW = Workflow("evaluation.template", {
    TemplateStatus.DRAFT: {
        "publish": Transition(TemplateStatus.PUBLISHED, MANAGERS, _("发布指标体系"), internal=True),
    },
    TemplateStatus.PUBLISHED: {
        "supersede": Transition(TemplateStatus.SUPERSEDED, MANAGERS, _("被新版本取代"), internal=True),
    },
})

# 待办: a draft sheet waits for its scorer; an open objection for the round's managers.
SHEET_FLOW = Workflow("evaluation.sheet", model="evaluation.ScoreSheet",
                      waiting={SheetStatus.DRAFT: Waiting(user=lambda obj: obj.scorer)}, table={
    SheetStatus.DRAFT: {"submit": Transition(SheetStatus.SUBMITTED, frozenset(), _("提交评分表"), internal=True)},
})

OBJECTION_FLOW = Workflow("evaluation.objection", model="evaluation.Objection", waiting={
    ObjectionStatus.OPEN: Waiting(roles=MANAGERS, region=lambda obj: obj.round.region),
    ObjectionStatus.PENDING: Waiting(roles=MANAGERS, region=lambda obj: obj.round.region),
}, table={
    # Four eyes: one person answers (naming indicator scores), a second confirms or sends it back.
    ObjectionStatus.OPEN: {
        "answer": Transition(ObjectionStatus.PENDING, MANAGERS, _("答复（待另一人确认）"), internal=True),
    },
    ObjectionStatus.PENDING: {
        "confirm_maintain": Transition(ObjectionStatus.MAINTAINED, MANAGERS, _("确认答复：维持原结果"), internal=True),
        "confirm_adjust": Transition(ObjectionStatus.ADJUSTED, MANAGERS, _("确认答复：调整指标得分"), internal=True),
        "send_back": Transition(ObjectionStatus.OPEN, MANAGERS, _("退回重新答复"), internal=True),
    },
})

CONSEQUENCE_FLOW = Workflow("evaluation.consequence", {
    ConsequenceStatus.PROPOSED: {
        "confirm": Transition(ConsequenceStatus.CONFIRMED, MANAGERS, _("确认"), internal=True),
        "reject": Transition(ConsequenceStatus.REJECTED, MANAGERS, _("否决"), internal=True),
    },
})
