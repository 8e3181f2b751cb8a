from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .scoping import Scope


def _inbox_count(user):
    from .inbox import open_count

    return open_count(user)


def shell(request):
    """Scope for the page shell (the menu is ``{% main_menu %}``); cheap: the scope is cached on the user."""
    user = getattr(request, "user", None)
    scope = Scope.for_user(user)
    return {
        "user_scope": scope,
        "elder_mode": request.COOKIES.get("elder") == "1",
        "site_title": getattr(settings, "SITE_TITLE", "政社互动信息系统"),
        # The top bar's 待办 badge: one indexed count, only when a page renders it.
        "inbox_open_count": SimpleLazyObject(lambda: _inbox_count(user)) if scope.grants else 0,
    }
