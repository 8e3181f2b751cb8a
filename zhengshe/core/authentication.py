"""API authentication that also tells the audit trail who the caller is."""

from rest_framework.authentication import SessionAuthentication, TokenAuthentication

from . import context


class _AuditContextMixin:
    """Put the API caller into the audit context once DRF has authenticated them."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            context.update(user=result[0])
        return result


class AuditedSessionAuthentication(_AuditContextMixin, SessionAuthentication):
    pass


class AuditedTokenAuthentication(_AuditContextMixin, TokenAuthentication):
    pass
