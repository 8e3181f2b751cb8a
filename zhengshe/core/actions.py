"""How pages and the API call a service: one helper for a form post, one for an API action endpoint.

Pages: ``call_service(request, func, success=…, form=form, **kwargs)`` runs the service; on success it flashes
``success`` and returns the result (``True`` when the service returns nothing); on a refusal (``ServiceError``,
including the engine's typed ``Forbidden``/``InvalidMove``/``GuardFailed``, or a Django ``ValidationError``) it
flashes the Chinese message, puts the per-field errors on ``form`` and returns None. ``run_service`` is the
same followed by a redirect, for buttons that post and go back.

API: ``action_endpoint(name, service, obj_arg=…, body=…, reply=…)`` builds a ``@action(detail=True)`` method
for a viewset: the object comes from ``get_object()`` (scoped, 404 outside scope), the body is validated by a
serializer, the service gets ``actor=request.user``, and refusals answer in the one error shape of
``core.errors.api_exception_handler``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from .errors import ServiceError, add_to_form


def _as_service_error(exc: ValidationError) -> ServiceError:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {}
    return ServiceError("；".join(exc.messages), fields=fields)


def call_service(request, func: Callable, *, success: str = "", form=None, **kwargs):
    """Run ``func(**kwargs)`` for a form post: the result (``True`` if it returns nothing), or None when refused —
    the refusal's message flashed and its field errors put on ``form``."""
    try:
        result = func(**kwargs)
    except ServiceError as exc:
        refused = exc
    except ValidationError as exc:
        refused = _as_service_error(exc)
    else:
        if success:
            messages.success(request, success)
        return True if result is None else result
    messages.error(request, refused.message)
    if form is not None:
        add_to_form(form, refused)
    return None


def run_service(request, func, *, success: str, redirect_to: str, error_redirect: str | None = None, form=None,
                **kwargs):
    """``call_service`` then a redirect (to ``error_redirect`` when refused): returns (response, result or None)."""
    result = call_service(request, func, success=success, form=form, **kwargs)
    if result is None:
        return redirect(error_redirect or redirect_to), None
    return redirect(redirect_to), result


def action_endpoint(name: str, service: Callable, *, obj_arg: str, body=None, reply=None, status: int = 200,
                    fixed: dict | None = None, url_path: str | None = None, doc: str = "", reply_schema=None):
    """A POST ``…/{pk}/<url_path or name>/`` action for a scoped viewset that calls ``service``.

    ``service(actor=request.user, <obj_arg>=self.get_object(), **fixed, **body.validated_data)``; the answer is
    ``reply(result).data`` (``reply`` a serializer class, or a callable ``(view, result) -> data`` whose shape
    ``reply_schema`` documents), or empty. ``name`` must be the attribute the endpoint is assigned to.
    """

    def endpoint(self, request, pk=None):
        obj = self.get_object()  # first: outside the caller's scope is a 404, whatever the body says
        values = dict(fixed or {})
        if body is not None:
            data = body(data=request.data)
            data.is_valid(raise_exception=True)
            values.update(data.validated_data)
        result = service(actor=request.user, **{obj_arg: obj}, **values)
        if reply is None:
            return Response(status=status)
        answer = reply(result).data if isinstance(reply, type) else reply(self, result)
        return Response(answer, status=status)

    endpoint.__name__ = name
    endpoint.__doc__ = doc or f"POST: {name}."
    responses = reply if isinstance(reply, type) else reply_schema
    return extend_schema(request=body, responses=responses)(
        action(detail=True, methods=["post"], url_path=url_path or name, url_name=url_path or name)(endpoint))
