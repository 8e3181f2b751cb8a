"""A ``next`` that leaves the site is ignored everywhere a form sends the user back (no open redirect)."""

import pytest
from django.urls import reverse

EVIL = ["https://evil.example/", "//evil.example/", "https:evil.example", "/\\evil.example", "javascript:alert(1)"]


@pytest.mark.parametrize("target", EVIL)
def test_the_elder_mode_switch_never_sends_anyone_off_site(world, client_for, target):
    response = client_for(world.village_staff).post(reverse("core:elder"), {"elder": "1", "next": target})
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_elder_mode_switch_returns_to_a_page_of_this_site(world, client_for):
    response = client_for(world.village_staff).post(reverse("core:elder"), {"elder": "1", "next": "/catalog/"})
    assert response["Location"] == "/catalog/"
