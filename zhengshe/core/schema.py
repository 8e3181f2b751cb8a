"""OpenAPI descriptions of the project's own authentication classes (drf-spectacular extensions).

Loaded from ``CoreConfig.ready``; without them the schema warns that it cannot describe
``AuditedSessionAuthentication`` / ``AuditedTokenAuthentication``.
"""

from drf_spectacular.authentication import SessionScheme, TokenScheme


class AuditedSessionScheme(SessionScheme):
    target_class = "zhengshe.core.authentication.AuditedSessionAuthentication"
    name = "cookieAuth"


class AuditedTokenScheme(TokenScheme):
    target_class = "zhengshe.core.authentication.AuditedTokenAuthentication"
    name = "tokenAuth"


IDEMPOTENCY_KEY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "maxLength": 255},
    "description": "同一键、同一请求内容只执行一次：重复发送返回首次的应答（Idempotent-Replayed: true）；"
                   "同一键、不同内容返回 422。键保留 24 小时。",
}


def add_idempotency_key_header(result, generator, request, public):
    """Postprocessing hook: every POST operation documents the ``Idempotency-Key`` header (``core.idempotency``)."""
    for path_item in result.get("paths", {}).values():
        operation = path_item.get("post")
        if operation is not None:
            operation.setdefault("parameters", []).append(dict(IDEMPOTENCY_KEY_PARAMETER))
    return result
