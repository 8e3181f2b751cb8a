"""The community's side of the gate: record an ask that is not on the lists or the register, refuse it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.audit.services import record_event
from zhengshe.core.errors import ServiceError

from ..choices import AskKind, AskOutcome
from ..models import UnlistedAsk
from ..workflows import ASK_FLOW
from .common import require_roles_over

RECORDERS = {"village_staff", "district_admin"}
FINAL = {AskOutcome.REFUSED, AskOutcome.WITHDRAWN, AskOutcome.LEGITIMATE}


def default_rule(region) -> str:
    """The rule a refusal cites: the organic law of the committee and the county's admission rule."""
    from ..selectors import admission_rule_text

    return admission_rule_text(region)


@transaction.atomic
def ask_record(*, actor, region, received_on, department: str, kind: str, title: str, content: str = "",
               asker: str = "", channel: str = "", admission=None) -> UnlistedAsk:
    """Record what a department asked of the community outside the lists and the admitted register."""
    from ..selectors import admission_in_force_for

    require_roles_over(actor, region, RECORDERS)
    if region.level != "village":
        raise ServiceError(_("只能为村（社区）记录清单外事项。"))
    errors = {}
    if not department.strip():
        errors["department"] = [_("此项为必填项。")]
    if not title.strip():
        errors["title"] = [_("此项为必填项。")]
    if kind not in AskKind.values:
        errors["kind"] = [_("请选择事项类型。")]
    if received_on and received_on > timezone.localdate():
        errors["received_on"] = [_("收到日期不能晚于今天。")]
    if errors:
        raise ServiceError(_("请检查标出的字段。"), fields=errors)
    if admission is not None and admission_in_force_for(region, admission, received_on or timezone.localdate()):
        raise ServiceError(_("“%(t)s”已经准入（%(n)s），适用于本村（社区），应当协助执行。") % {
            "t": admission.title, "n": admission.register_number}, fields={"admission": [_("该事项已准入。")]})
    ask = UnlistedAsk.objects.create(region=region, received_on=received_on or timezone.localdate(),
                                     department=department.strip(), kind=kind, title=title.strip(), content=content,
                                     asker=asker, channel=channel, admission=admission, recorded_by=actor)
    record_event("catalog.ask.record", ask, after={"department": ask.department, "title": ask.title})
    return ask


def _notice_number(ask: UnlistedAsk, year: int) -> str:
    """新湖村拒告〔2026〕320585105201-1号: the village's name for people, its code so that no two villages' notices
    ever share a number, and the notice's place in that village's year (the row lock on the region makes two
    refusals in the same village at once take turns)."""
    from zhengshe.regions.models import Region

    Region.objects.select_for_update().filter(pk=ask.region_id).first()
    n = UnlistedAsk.objects.filter(region=ask.region, refused_on__year=year).exclude(notice_number="").count() + 1
    return _("%(name)s拒告〔%(year)d〕%(code)s-%(n)d号") % {"name": ask.region.name, "year": year,
                                                        "code": ask.region.code, "n": n}


@transaction.atomic
def ask_refuse(*, actor, ask: UnlistedAsk, rule_cited: str = "", note: str = "") -> UnlistedAsk:
    """Refuse the ask: a numbered 拒绝执行告知书 citing the rule, counted against the asking department."""
    locked = UnlistedAsk.objects.select_for_update().select_related("region").get(pk=ask.pk)
    require_roles_over(actor, locked.region, RECORDERS)
    if locked.outcome in FINAL:
        raise ServiceError(_("该事项已处理（%s），不能再拒绝。") % locked.get_outcome_display())
    before = locked.outcome
    today = timezone.localdate()
    locked = ASK_FLOW.transition(locked, "refuse", actor=actor, internal=True, comment=note, changes={
        "refused_on": today, "rule_cited": rule_cited.strip() or default_rule(locked.region), "outcome_note": note,
        "notice_number": _notice_number(locked, today.year)})
    record_event("catalog.ask.refuse", locked, before={"outcome": before}, after={
        "outcome": locked.outcome, "notice_number": locked.notice_number, "department": locked.department})
    return locked


@transaction.atomic
def ask_set_outcome(*, actor, ask: UnlistedAsk, outcome: str, note: str = "") -> UnlistedAsk:
    """Close an ask otherwise: helped voluntarily, withdrawn by the department, or found legitimate after all."""
    locked = UnlistedAsk.objects.select_for_update().select_related("region").get(pk=ask.pk)
    require_roles_over(actor, locked.region, RECORDERS)
    if outcome not in (AskOutcome.ACCEPTED, AskOutcome.WITHDRAWN, AskOutcome.LEGITIMATE):
        raise ServiceError(_("处理结果不正确。"))
    if locked.outcome in FINAL:
        raise ServiceError(_("该事项已处理（%s）。") % locked.get_outcome_display())
    if outcome == AskOutcome.LEGITIMATE and not note.strip():
        raise ServiceError(_("请说明依据哪份清单或哪项准入。"), fields={"note": [_("此项为必填项。")]})
    before = locked.outcome
    move = {AskOutcome.ACCEPTED: "accept", AskOutcome.WITHDRAWN: "withdraw", AskOutcome.LEGITIMATE: "legitimate"}
    locked = ASK_FLOW.transition(locked, move[outcome], actor=actor, internal=True, comment=note,
                                 changes={"outcome_note": note})
    record_event("catalog.ask.outcome", locked, before={"outcome": before}, after={"outcome": outcome})
    return locked
