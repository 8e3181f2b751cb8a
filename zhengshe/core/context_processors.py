from django.conf import settings

from .scoping import Scope


def shell(request):
    """Scope for the page shell (the menu is ``{% main_menu %}``); cheap: the scope is cached on the user."""
    user = getattr(request, "user", None)
    scope = Scope.for_user(user)
    return {
        "user_scope": scope,
        "elder_mode": request.COOKIES.get("elder") == "1",
        "site_title": getattr(settings, "SITE_TITLE", "政社互动信息系统"),
    }
