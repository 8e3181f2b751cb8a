from django.contrib.auth.backends import ModelBackend

from zhengshe.core.middleware import client_ip

from . import lockout


class LockoutModelBackend(ModelBackend):
    """Password check that refuses while an account or address is locked, and counts every failure.

    A correct password is not yet a successful sign-in (the second factor may follow): the login
    view notes the success once the user is fully signed in, so guessing the second factor cannot
    be reset by re-entering a known password.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        ip = client_ip(request) if request is not None else ""
        if username and lockout.is_locked(username, ip):
            if request is not None:
                request.zhengshe_locked = True
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if username and user is None:
            lockout.note_attempt(username, ip, False)
        return user
