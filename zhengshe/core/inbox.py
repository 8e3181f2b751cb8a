"""The work inbox (待办 / 已办): open work items kept by the workflow engine, read by one query per list.

A workflow declares ``waiting={state: Waiting(roles=…, deadline=…)}``; on every move the engine calls
``sync(workflow, obj, actor, action)`` inside the move's transaction, which closes the object's open items
(recording who closed them and by which action) and opens one item per waiting role of the new state (or one
for the user the state waits for). ``open_items(user)`` is the 待办 list: one ``Q`` built from the user's
grants (role + region prefix, role + target), never one query per app. ``rebuild()`` recomputes the open
items of every declared workflow from current states (existing data, the demo).
"""

from __future__ import annotations

import datetime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .scoping import Scope, object_region_path, object_targets

_holder_provider = None


def register_holder_provider(provider) -> None:
    """``provider(item) -> [user id]``: the foundation (accounts) says who holds the role an item waits for."""
    global _holder_provider
    _holder_provider = provider


def holders(item) -> list[int]:
    return list(_holder_provider(item)) if _holder_provider else []


# How many days before its deadline a work item is announced as "due soon" by the daily reminder.
DUE_SOON_DAYS = 3


def _state_label(workflow, obj, state) -> str:
    display = getattr(obj, f"get_{workflow.status_field}_display", None)
    return str(display()) if display is not None else str(state)


def _object_url(obj) -> str:
    get_url = getattr(type(obj), "get_absolute_url", None)
    return get_url(obj) if get_url is not None else ""


def _new_items(workflow, obj, now) -> list:
    """The unsaved open items ``obj`` owes in its current state (empty when the state waits for no one)."""
    from .models import WorkItem

    state = getattr(obj, workflow.status_field)
    waiting = workflow.waiting.get(state)
    if waiting is None:
        return []
    region = waiting.region(obj) if waiting.region is not None else None
    path = region.path if region is not None else (object_region_path(obj) or "")
    targets = {k: v for k, v in object_targets(obj).items() if v}
    kind, target_id = next(iter(targets.items()), ("", None))
    common = dict(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk), workflow=workflow.name,
        state=state, state_label=_state_label(workflow, obj, state), title=str(obj)[:255], url=_object_url(obj),
        region_path=path, target_kind=kind, target_id=target_id,
        deadline=waiting.deadline(obj) if waiting.deadline is not None else None, opened_at=now)
    if waiting.user is not None:
        user = waiting.user(obj)
        return [WorkItem(assignee=user, **common)] if user is not None else []
    roles = waiting.roles(obj) if callable(waiting.roles) else waiting.roles
    return [WorkItem(role=role, **common) for role in sorted(roles)]


def sync(workflow, obj, actor, action: str) -> None:
    """Close ``obj``'s open items (by ``actor`` through ``action``) and open those of its new state."""
    from .models import WorkItem

    if not workflow.waiting:
        return
    now = timezone.now()
    WorkItem.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk), closed_at__isnull=True,
    ).update(closed_at=now, closed_by=actor if getattr(actor, "pk", None) else None, action=action,
             action_label=_action_label(workflow, action))
    _arrive(WorkItem.objects.bulk_create(_new_items(workflow, obj, now)))


def _action_label(workflow, action: str) -> str:
    for moves in workflow.table.values():
        if action in moves:
            return str(moves[action].label)[:100]
    return action


def _arrive(items) -> None:
    """A notification to every holder of newly opened work (in-app; the same transaction as the move)."""
    from .models import Notification

    Notification.objects.bulk_create([
        Notification(user_id=uid, item=item, kind="arrived", message=(_("新待办：%(t)s（%(s)s）") % {
            "t": item.title, "s": item.state_label})[:300], url=item.url)
        for item in items for uid in holders(item)])


class Address:
    """Where an app's message goes: an organization or council (``target``), an office (``region``, exactly that
    region), optionally one role there; read by the holder provider like a work item."""

    assignee_id = None

    def __init__(self, *, region=None, target=None, role: str = ""):
        self.region_path = getattr(region, "path", "") or ""
        self.exact_region = True
        self.target_kind, self.target_id = ("", None)
        if target is not None:
            found = object_targets(target) or {}
            kind = next(iter(found), "")
            self.target_kind, self.target_id = kind, (found.get(kind) if kind else None)
        self.role = role


def notify(*, kind: str, message: str, body: str = "", url: str = "", region=None, target=None, role: str = "",
           dedupe_key: str = "") -> list | None:
    """An app's in-app message (a report due, a grade expiring, a decision) to everybody holding a role at the
    address — an organization or council (``target``), or an office (``region``) — now, in the caller's
    transaction. With a ``dedupe_key`` the same message is never sent twice: returns None then, else the
    notifications written (one kept with no user when nobody holds a role there, so nothing is lost)."""
    from .models import Notification

    if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    address = Address(region=region, target=target, role=role)
    common = {"kind": kind, "message": message[:300], "body": body, "url": url, "region_path": address.region_path,
              "target_kind": address.target_kind, "target_id": address.target_id, "dedupe_key": dedupe_key}
    users = holders(address) or [None]
    return Notification.objects.bulk_create([Notification(user_id=uid, **common) for uid in users])


def notifications_for(user, *, target=None):
    """The user's own messages, newest first (optionally only those addressed to one organization or council)."""
    from .models import Notification

    qs = Notification.objects.filter(user_id=getattr(user, "pk", None))
    if target is not None:
        address = Address(target=target)
        qs = qs.filter(target_kind=address.target_kind, target_id=address.target_id)
    return qs.order_by("-created_at", "-id")


def open_for(workflow, obj) -> None:
    """Open the items of an object created directly in a waiting state (services call it after creating)."""
    from .models import WorkItem

    _arrive(WorkItem.objects.bulk_create(_new_items(workflow, obj, timezone.now())))


def on_created(sender, instance, created, raw=False, **kwargs) -> None:
    """post_save: open the items of a new object of a declared workflow model that starts in a waiting state."""
    if not created or raw:
        return
    for workflow in _by_model().get(sender._meta.label, ()):
        if getattr(instance, workflow.status_field) in workflow.waiting:
            open_for(workflow, instance)


def _by_model() -> dict[str, list]:
    found: dict[str, list] = {}
    for workflow in declared_workflows():
        found.setdefault(workflow.model, []).append(workflow)
    return found


def user_q(user) -> Q | None:
    """The items waiting for ``user``: by role over a region prefix, by role bound to a target, or by name."""
    scope = Scope.for_user(user)
    if scope.user_id is None:
        return None
    q = Q(assignee_id=scope.user_id)
    for grant in scope.grants:
        if grant.region_path:
            q |= Q(role=grant.role, region_path__under=grant.region_path)
        elif grant.target_id:
            q |= Q(role=grant.role, target_kind=grant.target_kind, target_id=grant.target_id)
    return q


def open_items(user):
    """待办: the open items waiting for ``user``, earliest deadline first (one query, paginate it)."""
    from .models import WorkItem

    q = user_q(user)
    if q is None:
        return WorkItem.objects.none()
    return WorkItem.objects.filter(q, closed_at__isnull=True).order_by("deadline", "opened_at", "id")


def done_items(user):
    """已办: the items ``user`` closed, latest first."""
    from .models import WorkItem

    return WorkItem.objects.filter(closed_by_id=getattr(user, "pk", None)).order_by("-closed_at", "-id")


def open_count(user) -> int:
    """The number of open items waiting for ``user`` (the top bar's badge: one indexed count, once per request:
    kept on the user object like its scope)."""
    cached = getattr(user, "_zhengshe_inbox_open", None)
    if cached is None:
        cached = open_items(user).count()
        user._zhengshe_inbox_open = cached
    return cached


def unread_notifications(user, limit: int = 5) -> list:
    """The latest unread in-app notifications of ``user`` (work arrived, deadline near): one query."""
    from .models import Notification

    return list(Notification.objects.filter(user_id=getattr(user, "pk", None), read_at__isnull=True)[:limit])


def overdue_days(item, today: datetime.date | None = None) -> int:
    """Days past the deadline (0 when not overdue or without a deadline)."""
    if item.deadline is None:
        return 0
    return max(((today or timezone.localdate()) - item.deadline).days, 0)


def page_context(user, tab: str = "todo", page=1, per_page: int = 25) -> dict:
    """The inbox partial's context: one tab's page of items (with how overdue each is) and both counts.
    Three queries at most (two counts, one page), whatever the number of apps or items."""
    from django.core.paginator import Paginator

    tab = "done" if tab == "done" else "todo"
    qs = done_items(user) if tab == "done" else open_items(user)
    paginator = Paginator(qs, per_page)
    page_obj = paginator.get_page(page)
    today = timezone.localdate()
    for item in page_obj.object_list:
        item.overdue = overdue_days(item, today)
        item.due_soon = item.deadline is not None and not item.overdue and (item.deadline - today).days <= DUE_SOON_DAYS
    if tab == "todo":
        user._zhengshe_inbox_open = paginator.count  # the top bar reads the same number
    counts = {"todo": open_count(user),
              "done": paginator.count if tab == "done" else done_items(user).count()}
    return {"inbox_tab": tab, "inbox_page": page_obj, "inbox_items": page_obj.object_list, "inbox_counts": counts}


def declared_workflows() -> list:
    """Every workflow with waiting states and a model, in name order."""
    from .workflows import WORKFLOWS

    return [w for _name, w in sorted(WORKFLOWS.items()) if w.waiting and w.model]


def rebuild() -> dict[str, int]:
    """Recompute every open item from current states (closed history is kept). Returns {workflow: items}."""
    from .models import WorkItem

    counts = {}
    now = timezone.now()
    with transaction.atomic():
        for workflow in declared_workflows():
            model = apps.get_model(workflow.model)
            ctype = ContentType.objects.get_for_model(model)
            WorkItem.objects.filter(content_type=ctype, closed_at__isnull=True).delete()
            states = list(workflow.waiting)
            items = [i for obj in model.objects.filter(**{f"{workflow.status_field}__in": states}).iterator()
                     for i in _new_items(workflow, obj, now)]
            WorkItem.objects.bulk_create(items, batch_size=1000)
            counts[workflow.name] = len(items)
    return counts


def remind(today: datetime.date | None = None) -> int:
    """The daily job: a notification to each holder of an item whose deadline is within ``DUE_SOON_DAYS`` (or
    past), once a day per item. ``holders(item)`` yields the users an item waits for. Returns rows written."""
    from .models import Notification, WorkItem

    today = today or timezone.localdate()
    due = WorkItem.objects.filter(closed_at__isnull=True, deadline__lte=today + datetime.timedelta(DUE_SOON_DAYS))
    due = due.exclude(reminded_on=today)
    rows = []
    for item in due.iterator():
        message = (_("逾期 %(n)s 天：%(t)s") % {"n": overdue_days(item, today), "t": item.title}
                   if item.deadline < today else _("%(d)s 到期：%(t)s") % {"d": item.deadline, "t": item.title})
        rows += [Notification(user_id=uid, item=item, kind="due", message=message[:300], url=item.url)
                 for uid in holders(item)]
    Notification.objects.bulk_create(rows)
    due.update(reminded_on=today)
    return len(rows)
