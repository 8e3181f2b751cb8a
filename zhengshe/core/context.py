"""Who is acting, from where, under which request id — for the audit trail.

Set by middleware for web and API requests, and by ``acting_as`` for imports, commands and jobs, so
services never need the request.
"""

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ActorContext:
    user: object | None = None
    ip: str = ""
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    source: str = "system"  # web, api, admin, import, command, job, system


_current = contextvars.ContextVar("zhengshe_actor", default=None)


def current() -> ActorContext:
    ctx = _current.get()
    return ctx if ctx is not None else ActorContext()


def set_current(ctx: ActorContext):
    return _current.set(ctx)


def reset(token) -> None:
    _current.reset(token)


@contextmanager
def acting_as(user=None, *, source: str = "command", ip: str = "", request_id: str | None = None):
    """Run a block as ``user`` (None = the system) so every audit row names who and how."""
    ctx = ActorContext(user=user, ip=ip, source=source, request_id=request_id or uuid.uuid4().hex)
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def update(**changes) -> None:
    """Refine the current context (e.g. the user once authentication has run)."""
    ctx = current()
    _current.set(ActorContext(**{**ctx.__dict__, **changes}))


@contextmanager
def channel(source: str | None = None, *, user=None):
    """Mark a block's writes as coming through ``source`` ("import", "job"…), keeping where and the request id.

    ``user`` names the actor when the context has none yet (a service called from a job or a test).
    """
    ctx = current()
    who = ctx.user if ctx.user is not None else (user if getattr(user, "pk", None) else None)
    token = _current.set(ActorContext(user=who, ip=ctx.ip, request_id=ctx.request_id, source=source or ctx.source))
    try:
        yield
    finally:
        _current.reset(token)


def attributed(func):
    """Decorator for services taking ``actor=``: their audit rows name that actor even outside a request."""
    from functools import wraps

    @wraps(func)
    def wrapper(*args, **kwargs):
        with channel(user=kwargs.get("actor")):
            return func(*args, **kwargs)

    return wrapper
