import pyotp
import pytest
from django.test import Client
from django.urls import reverse

from zhengshe.testing import PASSWORD


@pytest.fixture
def sign_in():
    """``sign_in(user, password=…, client=…, ip=…)`` goes through the real login form (and the TOTP step)."""

    def go(user, password=PASSWORD, *, client=None, ip="10.0.0.1", code=None):
        client = client or Client(REMOTE_ADDR=ip)
        response = client.post(reverse("accounts:login"), {"username": user.username, "password": password},
                               REMOTE_ADDR=ip)
        if response.status_code == 302 and response["Location"] == reverse("accounts:login_totp"):
            # Each test sign-in uses a fresh code step (the replay guard is tested on its own).
            type(user).objects.filter(pk=user.pk).update(totp_last_step=0)
            user.refresh_from_db()
            response = client.post(reverse("accounts:login_totp"),
                                   {"code": code or pyotp.TOTP(user.totp_secret).now()}, REMOTE_ADDR=ip)
        return client, response

    return go
