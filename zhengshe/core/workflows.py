"""The workflow engine: status tables written as plain data, one place that moves an object.

An app's ``workflows.py`` declares::

    AGREEMENT_FLOW = Workflow(
        "agreement",
        {
            Status.DRAFT: {"submit": Transition(Status.NEGOTIATING, {Role.TOWN_STAFF}, _("提交协商"))},
            ...
        },
    )

and services call ``AGREEMENT_FLOW.transition(obj, "submit", actor=user, comment="")`` (or
``bulk_transition(objs, …)`` for many objects at once). The engine locks the row, checks the move, the
actor's roles over the object and the guard; sets the status; writes the status-history row and the
audit event; runs the registered transition hooks (same transaction) and the caller's ``after_commit``.
A reader finds every move with grep: no service writes ``.status =`` by hand (a test greps for it).

Who the actor is to the object is computed once per action, as a ``Standing`` (the roles, plus what a
workflow adds, e.g. the agreement side), and handed to every guard: ``guard(obj, standing)`` returns
None when the move is allowed, a reason in Chinese when not (raised as ``GuardFailed``), or a
``ServiceError`` instance to raise as is (e.g. ``Forbidden()`` when the actor is not the right party).

Refusals are typed, all subclasses of ``ServiceError`` (callers that catch it keep working):
``InvalidMove`` (no such move from this status, 400), ``Forbidden`` (no role for it, 403),
``GuardFailed`` (the move's condition is not met, 400, with ``.reason``).

Hook point: ``on_transition(fn)`` registers ``fn(obj, old, new, actor, action)``; every move (single or
bulk) calls every registered hook inside the transaction, after the history row.

The work inbox: a workflow may declare which of its states wait for whom, ``waiting={Status.SUBMITTED:
Waiting(roles={...}, deadline=...)}`` and ``model="app.Model"``; the engine hands every move to
``core.inbox.sync`` (one call, after the history row), which closes the object's open work items and opens
those of the new state, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from .errors import NotAllowed, ServiceError
from .events import record_event
from .scoping import user_roles_on


class InvalidMove(ServiceError):
    """The action does not exist from the object's current status."""

    def __init__(self, message: str, **kwargs):
        super().__init__(message, code="invalid_move", **kwargs)


class Forbidden(NotAllowed):
    """The actor holds no role (or is not the party) that may make this move (403)."""


class GuardFailed(ServiceError):
    """The move exists and the actor may make it, but its condition is not met now; ``reason`` says why."""

    def __init__(self, reason: str, **kwargs):
        kwargs.setdefault("code", "guard_failed")
        super().__init__(reason, **kwargs)
        self.reason = reason


@dataclass(frozen=True)
class Standing:
    """Who ``user`` is to one object, computed once per action: the roles that cover it (and, in subclasses,
    e.g. the agreement side). Guards read it instead of asking the scope again."""

    user: object
    roles: frozenset[str]


def default_standing(obj, user) -> Standing:
    return Standing(user=user, roles=frozenset(user_roles_on(user, obj)))


# fn(obj, old_status, new_status, actor, action), run inside the move's transaction (see the module docstring).
TRANSITION_HOOKS: list[Callable] = []


def on_transition(fn: Callable) -> Callable:
    """Register ``fn`` to run on every move of every workflow (usable as a decorator)."""
    if fn not in TRANSITION_HOOKS:
        TRANSITION_HOOKS.append(fn)
    return fn


@dataclass(frozen=True)
class Transition:
    target: str
    roles: frozenset[str] | set[str]
    label: str
    # guard(obj, standing) returns None when the move is allowed, else the reason in Chinese (or a ServiceError).
    guard: Callable | None = None
    comment_required: bool = False
    style: str = "primary"  # button colour: primary, success, warning, danger, secondary
    extra: dict = field(default_factory=dict)
    # A move a service makes as a consequence of another act (or the system, e.g. a daily job): never offered
    # as a button, refused unless the caller passes ``internal=True`` (so a generic action view that forwards
    # a posted action name can never reach it), and not checked against roles: that service decided who may.
    internal: bool = False


@dataclass(frozen=True)
class Waiting:
    """Who a state waits for: ``roles`` (or ``roles(obj)``) over the object's region (or bound to its target), or the one ``user``
    ``user(obj)`` returns; ``region(obj)`` (a region, default: the object's own) and ``deadline(obj)`` (a date or
    None) refine it. The inbox opens one work item per role (or for the user) when an object enters the state."""

    roles: frozenset[str] | set[str] = frozenset()
    deadline: Callable | None = None
    region: Callable | None = None
    user: Callable | None = None


# Every workflow by name, so the inbox (rebuild, tests) can walk all their waiting states.
WORKFLOWS: dict[str, Workflow] = {}


class Workflow:
    """A status table for one model, with the single function that moves objects through it."""

    def __init__(self, name: str, table: dict, *, status_field: str = "status",
                 standing: Callable[[object, object], Standing] = default_standing, lock_related: tuple = (),
                 waiting: dict | None = None, model: str = ""):
        self.name = name
        self.table = table
        # The inbox declaration: {state: Waiting}, and the model ("app.Model") the table moves.
        self.waiting = waiting or {}
        self.model = model
        WORKFLOWS[name] = self
        self.status_field = status_field
        self.standing = standing
        # Relations loaded (fresh) with the locked row, e.g. the region the audit event is filed under.
        self.lock_related = tuple(lock_related)

    def _lock(self, model):
        qs = model.objects.select_for_update(of=("self",))
        return qs.select_related(*self.lock_related) if self.lock_related else qs

    def moves_from(self, status) -> dict[str, Transition]:
        return self.table.get(status, {})

    def refusal(self, obj, action: str, user, *, standing: Standing | None = None,
                internal: bool = False) -> ServiceError | None:
        """None when ``user`` may perform ``action`` on ``obj`` now, else the typed refusal (not raised)."""
        current = getattr(obj, self.status_field)
        move = self.moves_from(current).get(action)
        if move is None or move.internal != internal:
            return InvalidMove(_("当前状态“%(status)s”下不能执行此操作。") % {"status": self._label(obj, current)})
        if move.internal:
            return None
        if standing is None or standing.user != user:  # a standing is one user's: never judge another by it
            standing = self.standing(obj, user)
        if not (standing.roles & set(move.roles)):
            return Forbidden()
        reason = move.guard(obj, standing) if move.guard is not None else None
        if reason is None or isinstance(reason, ServiceError):
            return reason
        return GuardFailed(str(reason))

    def why_not(self, obj, action: str, user, *, standing: Standing | None = None) -> str | None:
        """None when ``user`` may perform ``action`` on ``obj`` now, else why not (in Chinese)."""
        refusal = self.refusal(obj, action, user, standing=standing)
        return None if refusal is None else refusal.message

    def available_actions(self, obj, user, *, standing: Standing | None = None) -> list[tuple[str, Transition]]:
        """The moves ``user`` can make on ``obj`` now, for rendering buttons (internal moves never are)."""
        moves = [(a, t) for a, t in self.moves_from(getattr(obj, self.status_field)).items() if not t.internal]
        if not moves:
            return []
        if standing is None or standing.user != user:
            standing = self.standing(obj, user)
        return [(a, t) for a, t in moves if self.refusal(obj, a, user, standing=standing) is None]

    def transition(self, obj, action: str, *, actor, comment: str = "", changes: dict | None = None,
                   before_save: Callable | None = None, standing: Standing | None = None,
                   after_commit: Callable | None = None, internal: bool = False):
        """Move ``obj`` by ``action``: lock, check, set status, history row, audit event, hooks. Returns the fresh
        object. ``changes`` are other fields the move sets (who decided, when…), ``before_save(obj)`` anything more;
        ``standing`` (who the actor is to ``obj``) is computed here unless the caller already has it;
        ``after_commit(obj)`` runs once the transaction commits (notifications, jobs); ``internal=True`` makes
        (only) an internal move."""
        with transaction.atomic():
            locked = self._lock(type(obj)).get(pk=obj.pk)
            self._move(locked, action, actor, comment, changes, before_save, standing, internal)
        if after_commit is not None:
            transaction.on_commit(lambda: after_commit(locked))
        return locked

    def bulk_transition(self, objs: Iterable, action: str, *, actor, comment: str = "", changes: dict | None = None,
                        before_save: Callable | None = None, after_commit: Callable | None = None,
                        internal: bool = False) -> list:
        """Move many objects by the same ``action``, all or none: one lock query, then every check, then each
        move with its history row, audit event and hooks. Returns the moved objects."""
        objs = list(objs)
        if not objs:
            return []
        model = type(objs[0])
        with transaction.atomic():
            locked = list(self._lock(model).filter(pk__in=[o.pk for o in objs]).order_by("pk"))
            for obj in locked:
                self._move(obj, action, actor, comment, changes, before_save, None, internal)
        if after_commit is not None:
            transaction.on_commit(lambda: after_commit(locked))
        return locked

    def _move(self, locked, action, actor, comment, changes, before_save, standing, internal) -> None:
        from .models import StatusChange

        refusal = self.refusal(locked, action, actor, standing=standing, internal=internal)
        if refusal is not None:
            raise refusal
        move = self.moves_from(getattr(locked, self.status_field))[action]
        if move.comment_required and not comment.strip():
            raise ServiceError(_("请填写意见或理由。"), fields={"comment": [_("此项为必填项。")]})
        if changes and self.status_field in changes:
            raise ValueError(f"{self.name}: the status is the move's target, not one of its changes")
        old = getattr(locked, self.status_field)
        setattr(locked, self.status_field, move.target)
        for name, value in (changes or {}).items():
            setattr(locked, name, value)
        if before_save is not None:
            before_save(locked)
        locked.save()
        StatusChange.objects.create(
            content_type=ContentType.objects.get_for_model(type(locked)), object_id=str(locked.pk), action=action,
            from_status=old, to_status=move.target, actor=actor if getattr(actor, "pk", None) else None,
            comment=comment)
        record_event(f"{self.name}.{action}", locked, before={self.status_field: old},
                     after={self.status_field: move.target, "comment": comment})
        # --- work inbox: close this object's open items, open the new state's (same transaction) ---
        from . import inbox

        inbox.sync(self, locked, actor, action)
        # --- end work inbox ---
        for hook in TRANSITION_HOOKS:
            hook(locked, old, move.target, actor, action)

    def _label(self, obj, current) -> str:
        display = getattr(obj, f"get_{self.status_field}_display", None)
        return display() if display is not None else current


def history(obj, flow: Workflow | None = None) -> list:
    """The status history of an object, oldest first, with actors loaded; each row carries ``action_label``,
    ``from_label`` and ``to_label`` (the move and the states as a reader sees them, never the stored codes)."""
    from .models import StatusChange

    rows = list(StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
    ).select_related("actor"))
    flows = [flow] if flow is not None else _flows_of(type(obj))
    for row in rows:
        flow_ = next((f for f in flows if row.action in f.moves_from(row.from_status)), flows[0] if flows else None)
        move = flow_.moves_from(row.from_status).get(row.action) if flow_ is not None else None
        states = _state_labels(type(obj), flow_.status_field) if flow_ is not None else {}
        row.action_label = str(move.label) if move is not None else row.action
        row.from_label = str(states.get(row.from_status, row.from_status))
        row.to_label = str(states.get(row.to_status, row.to_status))
    return rows


def _flows_of(model) -> list[Workflow]:
    """The workflows that move ``model``: those naming it, else those whose status field and states it has."""
    named = [f for f in WORKFLOWS.values() if f.model == model._meta.label]
    if named:
        return named
    fields = {f.name for f in model._meta.concrete_fields}
    return [f for f in WORKFLOWS.values() if not f.model and f.status_field in fields
            and set(f.table) <= set(_state_labels(model, f.status_field))]


def _state_labels(model, status_field: str) -> dict:
    return {str(k): v for k, v in (model._meta.get_field(status_field).flatchoices or ())}


def actors(obj, actions) -> set[int]:
    """The ids of the people who made any of ``actions`` on ``obj`` (from its status history): what a
    separation-of-duties guard compares the next actor with."""
    from .models import StatusChange

    return set(StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk), action__in=list(actions),
        actor__isnull=False).values_list("actor_id", flat=True))
