"""The trail as a reader sees it: labels for roles, events, sources and object types, and before/after as a table.

Rows store codes (``district_admin``, ``update``, ``agreements.agreement``) so the chain stays stable whatever the
language; every page shows their labels (``core.labels``) and field names as the model's verbose names.
"""

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from zhengshe.core.labels import event_label, roles_label, source_label, value_label


def model_of(object_type: str):
    try:
        return apps.get_model(object_type) if object_type else None
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    model = model_of(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def changes(entry) -> list[dict]:
    """One row per field named in the entry's before or after: the field's verbose name and both values."""
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    model = model_of(entry.object_type)
    rows = []
    for name in dict.fromkeys([*before, *after]):
        field = _field(model, name)
        label = str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else _plain(name)
        rows.append({"name": name, "label": label,
                     "before": value_label(field, before.get(name)) if name in before else "—",
                     "after": value_label(field, after.get(name)) if name in after else "—",
                     "changed": before.get(name) != after.get(name)})
    return rows


def other_values(value):
    """A before/after that is not a dict of fields (a list, a number) — shown as it is."""
    return None if value is None or isinstance(value, dict) else value


def _field(model, name: str):
    if model is None:
        return None
    for candidate in (name, name.removesuffix("_id")):
        try:
            return model._meta.get_field(candidate)
        except FieldDoesNotExist:
            continue
    return None


# Detail keys that events write beside model fields (``after={"comment": …, "amount": …}``).
_PLAIN = {"comment": "意见", "amount": "金额", "reason": "事由", "rows": "行数", "items": "事项数",
          "allocated": "核定金额", "instalment": "期次", "amendment": "补充协议", "round": "评估轮次",
          "filename": "文件名", "format": "格式", "role": "角色", "region": "区划", "status": "状态",
          "kind": "类别", "total": "合计", "count": "数量", "note": "说明", "user": "用户", "ip": "IP 地址"}


def _plain(name: str) -> str:
    from django.utils.translation import gettext

    label = _PLAIN.get(name)
    return gettext(label) if label else name


def entry_labels(entry) -> dict:
    return {"roles": roles_label(entry.actor_roles), "source": source_label(entry.source),
            "event": event_label(entry.action), "object_type": object_type_label(entry.object_type)}
