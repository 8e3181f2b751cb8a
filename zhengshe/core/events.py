"""Typed domain events, written through whatever recorder the audit app registers.

Core sits below the audit app, so it cannot import it; the audit app plugs its writer in here at start-up
(``AuditConfig.ready``) and core (the workflow engine, exports in generic views) calls :func:`record_event`.
"""

from __future__ import annotations

from collections.abc import Callable

_recorder: Callable | None = None


def register_recorder(recorder: Callable) -> None:
    """Install the function that appends a domain event to the audit trail (called once, by the audit app)."""
    global _recorder
    _recorder = recorder


def record_event(action: str, obj=None, **details):
    """Append the typed event ``action`` about ``obj`` to the audit trail; see ``audit.services.record_event``."""
    if _recorder is None:
        raise RuntimeError("no audit recorder registered: is zhengshe.audit in INSTALLED_APPS?")
    return _recorder(action, obj, **details)
