from django.conf import settings

from . import navigation
from .scoping import Scope


def shell(request):
    """Menu and scope for the page shell; cheap (the scope is cached on the user)."""
    user = getattr(request, "user", None)
    scope = Scope.for_user(user)
    menu = navigation.menu_for(scope) if scope.user_id else []
    return {
        "menu": menu,
        "menu_groups": navigation.grouped(menu),
        "user_scope": scope,
        "elder_mode": request.COOKIES.get("elder") == "1",
        "site_title": getattr(settings, "SITE_TITLE", "政社互动信息系统"),
    }
