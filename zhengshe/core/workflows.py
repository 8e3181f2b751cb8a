"""The workflow engine: status tables written as plain data, one place that moves an object.

An app's ``workflows.py`` declares::

    AGREEMENT_FLOW = Workflow(
        "agreement",
        {
            Status.DRAFT: {"submit": Transition(Status.NEGOTIATING, {Role.TOWN_STAFF}, _("提交协商"))},
            ...
        },
    )

and services call ``AGREEMENT_FLOW.transition(obj, "submit", actor=user, comment="")``. The engine
locks the row, checks the move, the actor's roles over the object, and the guard; sets the status;
writes the status-history row and the audit event. A reader finds every move with grep.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from .errors import NotAllowed, ServiceError
from .events import record_event
from .scoping import user_roles_on


@dataclass(frozen=True)
class Transition:
    target: str
    roles: frozenset[str] | set[str]
    label: str
    # guard(obj, user) returns None when the move is allowed, else the reason in Chinese.
    guard: Callable | None = None
    comment_required: bool = False
    style: str = "primary"  # button colour: primary, success, warning, danger, secondary
    extra: dict = field(default_factory=dict)


class Workflow:
    """A status table for one model, with the single function that moves objects through it."""

    def __init__(self, name: str, table: dict, *, status_field: str = "status"):
        self.name = name
        self.table = table
        self.status_field = status_field

    def moves_from(self, status) -> dict[str, Transition]:
        return self.table.get(status, {})

    def why_not(self, obj, action: str, user) -> str | None:
        """None when ``user`` may perform ``action`` on ``obj`` now, else why not (in Chinese)."""
        current = getattr(obj, self.status_field)
        move = self.moves_from(current).get(action)
        if move is None:
            label = obj.get_status_display() if hasattr(obj, "get_status_display") else current
            return _("当前状态“%(status)s”下不能执行此操作。") % {"status": label}
        if not (user_roles_on(user, obj) & set(move.roles)):
            return _("您没有执行此操作的权限。")
        if move.guard is not None:
            return move.guard(obj, user)
        return None

    def available_actions(self, obj, user) -> list[tuple[str, Transition]]:
        """The moves ``user`` can make on ``obj`` now, for rendering buttons."""
        current = getattr(obj, self.status_field)
        return [(a, t) for a, t in self.moves_from(current).items() if self.why_not(obj, a, user) is None]

    def transition(self, obj, action: str, *, actor, comment: str = "", before_save: Callable | None = None):
        """Move ``obj`` by ``action``: lock, check, set status, history row, audit event. Returns the fresh object."""
        from .models import StatusChange

        model = type(obj)
        with transaction.atomic():
            locked = model.objects.select_for_update().get(pk=obj.pk)
            reason = self.why_not(locked, action, actor)
            if reason is not None:
                raise NotAllowed(reason) if reason == _("您没有执行此操作的权限。") else ServiceError(reason)
            move = self.moves_from(getattr(locked, self.status_field))[action]
            if move.comment_required and not comment.strip():
                raise ServiceError(_("请填写意见或理由。"), fields={"comment": [_("此项为必填项。")]})
            old = getattr(locked, self.status_field)
            setattr(locked, self.status_field, move.target)
            if before_save is not None:
                before_save(locked)
            locked.save()
            StatusChange.objects.create(
                content_type=ContentType.objects.get_for_model(model),
                object_id=str(locked.pk),
                action=action,
                from_status=old,
                to_status=move.target,
                actor=actor if getattr(actor, "pk", None) else None,
                comment=comment,
            )
            record_event(
                f"{self.name}.{action}",
                locked,
                before={self.status_field: old},
                after={self.status_field: move.target, "comment": comment},
            )
        return locked


def history(obj):
    """The status history of an object, oldest first, with actors loaded."""
    from .models import StatusChange

    return StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
    ).select_related("actor")
