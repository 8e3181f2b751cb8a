"""Writing the audit trail: automatic change rows and typed domain events, both hash-chained."""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.db import connection, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from zhengshe.core import context
from zhengshe.core.scoping import Scope, object_region_path

from .chain import GENESIS, content_of, entry_hash
from .models import AuditEntry

SENSITIVE_FIELDS = {"password", "totp_secret", "key"}
_LOCK_KEY = 7_311_001  # PostgreSQL advisory lock serialising chain appends


def jsonable(value):
    if isinstance(value, (Decimal, UUID)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, (bytes, memoryview)):
        return f"<{len(bytes(value))} bytes>"
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def snapshot(instance) -> dict:
    """The instance's concrete field values, JSON-safe; secrets replaced by a marker."""
    excluded = SENSITIVE_FIELDS | set(getattr(type(instance), "audit_exclude", ()))
    data = {}
    for field in instance._meta.concrete_fields:
        name = field.attname
        if field.name in excluded or name in excluded:
            data[field.name] = "******"
            continue
        if field.name in ("created_at", "updated_at"):
            continue
        data[field.name] = jsonable(getattr(instance, name))
    return data


def _append(**values) -> AuditEntry:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        last = AuditEntry.objects.order_by("-seq").values("seq", "hash").first()
        entry = AuditEntry(
            seq=(last["seq"] + 1) if last else 1,
            created_at=timezone.now(),
            prev_hash=last["hash"] if last else GENESIS,
            **values,
        )
        entry.hash = entry_hash(entry.prev_hash, content_of(entry))
        entry.save()
    return entry


def _actor_values(user=None) -> dict:
    ctx = context.current()
    user = user if user is not None else ctx.user
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    roles = ""
    if user is not None:
        roles = ",".join(sorted(Scope.for_user(user).roles))
    return {
        "actor": user,
        "actor_name": getattr(user, "username", "") if user is not None else ("system" if ctx.source != "web" else ""),
        "actor_roles": roles,
        "source": ctx.source,
        "ip": ctx.ip or "",
        "request_id": ctx.request_id,
    }


def record_event(action: str, obj=None, *, before=None, after=None, object_repr: str = "", success: bool = True,
                 user=None, region_path: str | None = None) -> AuditEntry:
    """A typed domain event ("agreement.sign", "login.failed", "export" …) about ``obj`` (optional)."""
    values = _actor_values(user)
    if obj is not None:
        values.update(
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            object_repr=(object_repr or str(obj))[:255],
            region_path=region_path if region_path is not None else (object_region_path(obj) or ""),
        )
    else:
        values.update(object_type="", object_id="", object_repr=str(object_repr)[:255], region_path=region_path or "")
    if region_path is None and not values["region_path"] and values["actor"] is not None:
        homes = Scope.for_user(values["actor"]).home_paths
        values["region_path"] = homes[0] if len(homes) == 1 else ""
    return _append(action=action, success=success, before=jsonable(before), after=jsonable(after), **values)


def record_change(instance, action: str, before: dict | None, after: dict | None) -> AuditEntry:
    """An automatic change-log row for a model write (create/update/delete)."""
    values = _actor_values()
    values.update(
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        region_path=object_region_path(instance) or "",
    )
    return _append(action=action, before=before, after=after, **values)


def history_for(obj):
    """Audit rows about one object, newest first."""
    return AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related("actor")


def is_audited(model) -> bool:
    if model._meta.app_label not in AUDITED_APPS:
        return False
    return model.__name__ not in UNAUDITED_MODELS


AUDITED_APPS = {"regions", "accounts", "organizations", "catalog", "agreements", "evaluation", "core", "authtoken"}
UNAUDITED_MODELS = {"StatusChange", "LoginAttempt", "PasswordHistory"}


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    changed = {k for k in after if before.get(k) != after.get(k)}
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


__all__ = ["record_event", "record_change", "snapshot", "history_for", "models"]
