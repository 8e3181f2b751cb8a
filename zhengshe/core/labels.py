"""Chinese labels for the codes the trail and the histories store: roles, event names, sources, stored values.

Core knows no domain, so the apps register their labels (each app's ``labels.py``, found at start-up by
``CoreConfig.ready``): ``register_roles(Role.choices)``, ``register_events({"agreement.drafted": _("起草协议")})``.
A workflow move ("<workflow>.<action>") needs no registration: its label is the transition's own. A code nobody
labelled is shown as it is stored (so a missing label is visible, never a blank).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

_ROLES: dict[str, str] = {}
_EVENTS: dict[str, str] = {}
# The change log's own verbs and the request sources (``core.context``): the framework's words.
_EVENTS.update({"create": pgettext_lazy("audit", "新增"), "update": pgettext_lazy("audit", "修改"),
                "delete": pgettext_lazy("audit", "删除"), "export": pgettext_lazy("audit", "导出"),
                "login": _("登录"), "login.failed": _("登录失败"), "login.locked": _("登录被锁定"),
                "login.totp_failed": _("动态口令错误"), "logout": _("退出登录"),
                "datakey.reencrypt": _("重新加密个人信息"), "datakey.retire": _("停用数据密钥"),
                "datakey.rotate": _("轮换数据密钥"), "audit.purge": _("清理审计记录"), "demo.province": _("生成演示数据"),
                "bench.agreements_loaded": _("载入性能测试协议")})
SOURCES = {"web": pgettext_lazy("audit", "网页"), "api": pgettext_lazy("audit", "接口"), "admin": _("管理后台"),
           "command": pgettext_lazy("audit", "命令"), "job": _("后台任务"), "task": _("后台任务"),
           "test": pgettext_lazy("audit", "测试")}


def register_roles(choices) -> None:
    """Role codes → labels, e.g. ``Role.choices`` (called by the accounts app)."""
    _ROLES.update({code: label for code, label in choices})


def register_events(mapping: dict[str, str]) -> None:
    """Event names → labels for the typed domain events an app records."""
    _EVENTS.update(mapping)


def role_label(code: str) -> str:
    return str(_ROLES.get(code, code))


def roles_label(codes: str) -> str:
    """The trail's comma-separated role codes as labels joined by "、"."""
    return "、".join(role_label(c) for c in codes.split(",") if c)


def source_label(code: str) -> str:
    return str(SOURCES.get(code, code))


def event_label(code: str) -> str:
    """The label of an event name: registered, else a workflow move's transition label, else the code."""
    if code in _EVENTS:
        return str(_EVENTS[code])
    from .workflows import WORKFLOWS

    name, _dot, action = code.rpartition(".")
    flow = WORKFLOWS.get(name)
    if flow is not None:
        for moves in flow.table.values():
            if action in moves:
                return str(moves[action].label)
    return code


def value_label(field, value):
    """A stored value as a reader sees it: a choice's label, 是/否 for booleans, "—" for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    choices = getattr(field, "flatchoices", None) if field is not None else None
    if choices:
        labels = {str(k): v for k, v in choices}
        if isinstance(value, list):
            return "、".join(str(labels.get(str(v), v)) for v in value)
        return labels.get(str(value), value)
    if isinstance(value, (list, dict)):
        import json

        return json.dumps(value, ensure_ascii=False)
    return value
