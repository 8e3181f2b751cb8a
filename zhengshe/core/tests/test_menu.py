"""The main menu: entries by role, folded into groups, the current page marked, in the user's language."""

import re

import pytest
from django.urls import reverse


def nav(html: str) -> str:
    return html[html.index('<ul class="navbar-nav me-auto">'):html.index("</ul>\n      <div")]


@pytest.mark.django_db
def test_menu_shows_what_the_role_can_use_and_marks_the_current_page(world, client_for):
    town = nav(client_for(world.town_staff).get(reverse("regions:list")).content.decode())
    assert re.search(rf'<a class="(nav-link|dropdown-item) active" href="{reverse("regions:list")}" '
                     r'aria-current="page">', town)
    assert town.count('aria-current="page"') == 1
    assert 'class="nav-link dropdown-toggle"' in town  # groups of several entries become dropdowns
    assert reverse("audit:list") not in town  # the audit log is not a town worker's entry
    auditor = nav(client_for(world.audit_admin).get(reverse("dashboards:home")).content.decode())
    assert reverse("audit:list") in auditor
    assert f'href="{reverse("dashboards:home")}" aria-current="page"' in auditor


@pytest.mark.django_db
def test_menu_follows_the_language(world, client_for):
    client = client_for(world.town_staff)
    chinese = nav(client.get(reverse("dashboards:home")).content.decode())
    client.cookies["django_language"] = "en"
    english = nav(client.get(reverse("dashboards:home")).content.decode())
    assert "首页" in chinese and "首页" not in english and "Home" in english
