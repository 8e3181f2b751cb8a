"""API authentication that also tells the audit trail who the caller is."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
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
    """``Authorization: Token <key>``; keys older than API_TOKEN_MAX_AGE_DAYS are refused."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        max_age = getattr(settings, "API_TOKEN_MAX_AGE_DAYS", 0)
        if max_age and token.created < timezone.now() - timedelta(days=max_age):
            raise exceptions.AuthenticationFailed(_("接口令牌已过期，请在“接口令牌”页面重新签发。"))
        return user, token
