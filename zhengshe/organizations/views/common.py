"""Small helpers shared by the organizations views (kept thin: logic lives in services and selectors)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect

from zhengshe.core.errors import ServiceError
from zhengshe.core.scoping import Scope, user_roles_on


def roles_on(user, obj) -> set:
    scope = Scope.for_user(user)
    roles = set(user_roles_on(user, obj))
    if scope.is_superuser:
        roles |= {"district_admin"}
    return roles


def form_errors_to_messages(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for e in errors:
            messages.error(request, f"{label}：{e}" if label else str(e))


def attempt(request, func, *, success: str, form=None, **kwargs):
    """Call a service; on refusal show its Chinese message (and put field errors on the form). Returns result or None."""
    try:
        result = func(**kwargs)
    except ServiceError as exc:
        messages.error(request, exc.message)
        if form is not None:
            for field, errs in exc.fields.items():
                if field in form.fields:
                    for e in errs:
                        form.add_error(field, e)
        return None
    except ValidationError as exc:
        if form is not None and hasattr(exc, "error_dict"):
            for field, errs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            messages.error(request, "；".join(exc.messages))
        return None
    messages.success(request, success)
    return result if result is not None else True


def post_only(view):
    def wrapped(request, *args, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def back(request, default):
    return redirect(default)
