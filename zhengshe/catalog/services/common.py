"""Checks shared by the catalog's services."""

from zhengshe.core.errors import NotAllowed
from zhengshe.core.scoping import Scope


def require_roles_over(actor, region, roles) -> None:
    """Refuse unless ``actor`` holds one of ``roles`` over ``region`` (its subtree root or above)."""
    scope = Scope.for_user(actor)
    if scope.is_superuser:
        return
    if region is None or not scope.covers_path(region.path, set(roles)):
        raise NotAllowed()
