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
