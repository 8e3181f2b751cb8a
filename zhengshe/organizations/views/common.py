"""Small helpers shared by the organizations views (kept thin: logic lives in services and selectors)."""

from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect

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
