"""Password policy (STANDARDS §4.2): length, classes, similarity, common, history of 5, first-login change, expiry."""

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from zhengshe.accounts import services
from zhengshe.accounts.models import User
from zhengshe.core.errors import ServiceError
from zhengshe.testing import PASSWORD


@pytest.mark.parametrize("password, fragment", [
    ("Ab1!x", "8"),                      # too short
    ("abcdefgh12", "至少 3 类"),           # two classes only
    ("ABCDEFGH!!", "至少 3 类"),
    ("Zhangwei2026!", "相似"),            # too similar to the username zhangwei2026
    ("Password1", "常见"),                # a common password, although it has 3 classes
])
def test_weak_passwords_are_refused(db, password, fragment):
    user = User(username="zhangwei2026", display_name="张伟")
    with pytest.raises(ValidationError) as exc:
        validate_password(password, user)
    text = "；".join(exc.value.messages)
    assert fragment in text or (fragment == "8" and "8" in text) or (fragment == "相似" and "similar" in text.lower()) \
        or (fragment == "常见" and ("common" in text.lower() or "常见" in text)), text


def test_a_strong_password_is_accepted(db):
    validate_password("Qing-Shan#58", User(username="zhangwei2026"))


def test_the_last_five_passwords_cannot_be_reused_the_sixth_can(world):
    user = world.village_staff
    history = [PASSWORD] + [f"Cycle#{i}Pass" for i in range(1, 6)]
    for new in history[1:]:
        services.password_change(user=user, new_password=new)
    # The current one and the four before it are refused...
    for old in history[2:]:
        with pytest.raises(ServiceError) as exc:
            services.password_change(user=user, new_password=old)
        assert "最近 5 次" in exc.value.message
    # ...the sixth back (the original) is allowed again.
    services.password_change(user=user, new_password=history[0])
    assert user.check_password(history[0])


def test_first_login_forces_a_password_change(world, client_for):
    # Given an account created by an administrator (must change at first login)
    user = services.user_create(actor=world.security_admin, username="newbie", password="Initial#2026a",
                                display_name="新人", region=world.village_a1x)
    assert user.must_change_password
    client = client_for(user)
    # When they open any page, then they are sent to the password change page
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change")
    assert client.get("/api/regions/").status_code == 403
    # And after changing it they may go on.
    response = client.post(reverse("accounts:password_change"), {
        "old_password": "Initial#2026a", "new_password1": "Mine#2026Pass", "new_password2": "Mine#2026Pass"})
    assert response.status_code == 302
    assert client.get(reverse("dashboards:home")).status_code == 200


def test_expired_password_must_be_changed_when_expiry_is_on(world, client_for, settings):
    user = world.village_staff
    user.password_changed_at = timezone.now() - timedelta(days=91)
    user.save()
    client = client_for(user)
    settings.PASSWORD_MAX_AGE_DAYS = 0  # off by default: no redirect
    assert client.get(reverse("dashboards:home")).status_code == 200
    settings.PASSWORD_MAX_AGE_DAYS = 90
    response = client.get(reverse("dashboards:home"))
    assert response["Location"] == reverse("accounts:password_change")


def test_password_change_form_reports_policy_errors(world, client_for):
    client = client_for(world.village_staff)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200 and "至少" in response.content.decode()
    world.village_staff.refresh_from_db()
    assert world.village_staff.check_password(PASSWORD)
