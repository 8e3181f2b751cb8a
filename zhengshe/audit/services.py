"""Writing the audit trail: automatic change rows and typed domain events, both hash-chained."""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.db import connection, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from zhengshe.core import context
from zhengshe.core.protected import BlindIndexField, ProtectedField, mask_values
from zhengshe.core.scoping import Scope, object_region_path

from .chain import GENESIS, content_of, seal
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
    """The instance's concrete field values, JSON-safe; secrets replaced by a marker, protected personal data by its
    mask (138****5678), blind indexes left out: the trail never holds a plain phone or ID number."""
    excluded = SENSITIVE_FIELDS | set(getattr(type(instance), "audit_exclude", ()))
    ignored = set(getattr(type(instance), "audit_ignore_fields", ()))
    data = {}
    for field in instance._meta.concrete_fields:
        name = field.attname
        if field.name in ignored:
            continue
        if field.name in excluded or name in excluded:
            data[field.name] = "******"
            continue
        if field.name in ("created_at", "updated_at") or isinstance(field, BlindIndexField):
            continue
        value = getattr(instance, name)
        if isinstance(field, ProtectedField):
            data[field.name] = field.mask(value)
            continue
        if isinstance(value, Decimal) and isinstance(field, models.DecimalField) and value.is_finite():
            value = value.quantize(Decimal(1).scaleb(-field.decimal_places))  # "300" and "300.00" are one value
        data[field.name] = jsonable(value)
    return data


def protected_plain(instance) -> dict:
    """The plain protected values of an instance, kept in memory only: a change that keeps the mask is still one."""
    return {f.name: getattr(instance, f.attname) for f in instance._meta.concrete_fields
            if isinstance(f, ProtectedField)}


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
        seal(entry)
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
        before, after = mask_values(obj._meta.model, before), mask_values(obj._meta.model, after)
        object_id, object_repr = _identity(obj, object_repr)
        values.update(
            object_type=obj._meta.label_lower,
            object_id=object_id,
            object_repr=object_repr,
            region_path=region_path if region_path is not None else _region_path_of(obj),
        )
    else:
        values.update(object_type="", object_id="", object_repr=str(object_repr)[:255], region_path=region_path or "")
    if region_path is None and not values["region_path"] and values["actor"] is not None:
        homes = Scope.for_user(values["actor"]).home_paths
        values["region_path"] = homes[0] if len(homes) == 1 else ""
    return _append(action=action, success=success, before=jsonable(before), after=jsonable(after), **values)


def _identity(instance, object_repr: str = "") -> tuple[str, str]:
    """(object id, description) for the trail; a secret primary key (an API token) is never written in clear."""
    excluded = SENSITIVE_FIELDS | set(getattr(type(instance), "audit_exclude", ()))
    if instance._meta.pk.name in excluded:
        owner = getattr(instance, "user", None)
        return "******", f"{instance._meta.verbose_name} · {owner}"[:255]
    return str(instance.pk), (object_repr or str(instance))[:255]


def _region_path_of(instance) -> str:
    """The region an audit row is filed under (who may read it): ``audit_region_field`` or the scope field."""
    field_path = getattr(type(instance), "audit_region_field", None)
    if field_path:
        target = instance
        for part in field_path.split("__"):
            target = getattr(target, part, None)
            if target is None:
                return ""
        return getattr(target, "path", "") or ""
    return object_region_path(instance) or ""


def record_change(instance, action: str, before: dict | None, after: dict | None) -> AuditEntry:
    """An automatic change-log row for a model write (create/update/delete)."""
    values = _actor_values()
    object_id, object_repr = _identity(instance)
    values.update(
        object_type=instance._meta.label_lower,
        object_id=object_id,
        object_repr=object_repr,
        region_path=_region_path_of(instance),
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
UNAUDITED_MODELS = {"StatusChange", "LoginAttempt", "PasswordHistory", "IdempotencyKey"}


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    changed = {k for k in after if before.get(k) != after.get(k)}
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


__all__ = ["record_event", "record_change", "snapshot", "history_for", "models"]


def purge_before(before, *, archive_dir=None) -> AuditEntry:
    """Remove entries older than the date ``before`` (≥ AUDIT_RETENTION_DAYS old), after archiving them.

    Only the oldest part of the chain is removed; the purge records itself as a chain entry naming the
    first kept ``seq`` and the hash it links to, so ``verify`` still proves the rest. Younger rows:
    refused with a ServiceError, nothing removed.
    """
    import json
    from datetime import datetime, time, timedelta
    from pathlib import Path

    from django.conf import settings
    from django.utils.translation import gettext as _

    from zhengshe.core.errors import ServiceError

    retention = settings.AUDIT_RETENTION_DAYS
    latest_allowed = timezone.localdate() - timedelta(days=retention)
    if before > latest_allowed:
        raise ServiceError(_("审计记录至少保存 %(days)d 天：清理截止日期不能晚于 %(date)s。") % {
            "days": retention, "date": latest_allowed.isoformat()}, code="retention")
    boundary = timezone.make_aware(datetime.combine(before, time.min))
    archive_dir = Path(archive_dir or settings.AUDIT_ARCHIVE_DIR)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        young = AuditEntry.objects.filter(created_at__gte=boundary).order_by("seq").values("seq", "prev_hash").first()
        last = AuditEntry.objects.order_by("-seq").values("seq", "hash").first()
        if young is not None:
            first_kept_seq, anchor = young["seq"], young["prev_hash"]
        elif last is not None:
            first_kept_seq, anchor = last["seq"] + 1, last["hash"]
        else:
            first_kept_seq, anchor = 1, GENESIS
        doomed = AuditEntry.objects.filter(seq__lt=first_kept_seq).order_by("seq")
        count = doomed.count()
        archive_name = ""
        if count:
            archive_dir.mkdir(parents=True, exist_ok=True)
            archive = archive_dir / f"audit-before-{before.isoformat()}-{timezone.now():%Y%m%d%H%M%S}.jsonl"
            with archive.open("w", encoding="utf-8") as out:
                for entry in doomed.iterator(chunk_size=2000):
                    row = content_of(entry)
                    row.update(prev_hash=entry.prev_hash, hash=entry.hash, mac_version=entry.mac_version,
                               mac_key_id=entry.mac_key_id, mac=entry.mac)
                    out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
            archive_name = archive.name
            # The one place entries are removed: bypasses the append-only queryset on purpose, under the purge
            # permit the database's DELETE guard asks for (audit.guards).
            from .guards import purge_permit

            with purge_permit():
                models.QuerySet.delete(doomed.order_by())
        return record_event("audit.purge", None, object_repr=_("审计记录清理"), after={
            "before": before.isoformat(), "deleted": count, "first_kept_seq": first_kept_seq,
            "first_kept_prev_hash": anchor, "archive": archive_name})
