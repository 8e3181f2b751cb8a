from zhengshe.core import context


class AuditActorMiddleware:
    """After authentication, put the signed-in user into the audit context."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            context.update(user=user)
        return self.get_response(request)
