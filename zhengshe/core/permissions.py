"""Role checks for views: a page only some roles may open answers 403 to the rest (its existence is no secret)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .scoping import Scope


def roles_required(*roles):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            scope = Scope.for_user(request.user)
            if not (scope.is_superuser or scope.has_role(*roles)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class RolesRequiredMixin:
    required_roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.required_roles:
            scope = Scope.for_user(request.user)
            if not (scope.is_superuser or scope.has_role(*self.required_roles)):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
