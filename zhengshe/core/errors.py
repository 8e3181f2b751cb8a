"""One error shape for pages and API: a Chinese message, a code, optional field errors."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler


class ServiceError(Exception):
    """A refused business action, with a message a user can act on."""

    status_code = 400

    def __init__(self, message: str, *, code: str = "invalid", fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.fields = fields or {}


def add_to_form(form, exc: ServiceError) -> None:
    """Put a refused action's per-field messages on the form's fields (the others on the whole form)."""
    for field, errors in exc.fields.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


class ConflictError(ServiceError):
    """Someone else changed the record first (optimistic locking) or a duplicate submit."""

    status_code = 409

    def __init__(self, message: str | None = None, **kwargs):
        super().__init__(message or _("该记录已被他人修改，请刷新后重试；您填写的内容未保存。"), code="conflict", **kwargs)


class NotAllowed(ServiceError):
    status_code = 403

    def __init__(self, message: str | None = None, **kwargs):
        super().__init__(message or _("您没有执行此操作的权限。"), code="forbidden", **kwargs)


def error_body(message: str, code: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def api_exception_handler(exc, ctx):
    if isinstance(exc, ServiceError):
        return Response(error_body(exc.message, exc.code, exc.fields), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        return Response(error_body("；".join(exc.messages), "invalid", fields), status=400)
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound(_("未找到，或不在您的权限范围内。"))
    elif isinstance(exc, PermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    response = exception_handler(exc, ctx)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, drf_exceptions.ValidationError):
        message = _("提交的数据有误，请检查标出的字段。")
        response.data = error_body(message, "invalid", data if isinstance(data, dict) else {"non_field_errors": data})
    else:
        detail = data.get("detail", "") if isinstance(data, dict) else str(data)
        response.data = error_body(str(detail), getattr(exc, "default_code", "error"))
    return response
