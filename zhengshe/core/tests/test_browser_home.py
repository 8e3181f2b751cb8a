"""One browser test: a town worker signs in through the real login form and sees the home page in Chinese.

Headless Debian ``chromium`` driven by Playwright's Python package (no browser download), against
pytest-django's live server (static files served by the staticfiles handler, the real middleware stack:
CSP, CSRF, session policy).
"""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_town_worker_logs_in_and_sees_chinese_home(world, live_server, page):
    from zhengshe.testing import PASSWORD

    town_worker = world.town_staff
    # Town workers sign in with a password only (no second factor is required for their role), as in the demo.
    town_worker.totp_enabled = False
    town_worker.save(update_fields=["totp_enabled"])
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error"
            and not msg.text.startswith("Failed to load resource") else None)  # statuses checked below
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400
            and not r.url.endswith("/favicon.ico") else None)

    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url  # anonymous → the login page
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert "登录" in page.title()
    page.get_by_label("用户名").fill(town_worker.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")

    assert page.locator("html").get_attribute("lang") == "zh-CN"
    town = world.town_staff.role_assignments.get().region
    section = page.locator(f"#root-{town.code}")
    assert section.is_visible()
    assert town.name in section.inner_text()
    body = page.locator("body").inner_text()
    assert "人口" in body and "户数" in body
    # The local Bootstrap stylesheet really loaded (no CDN, allowed by the CSP).
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != ""
    assert page.evaluate("[...document.styleSheets].some(s => (s.href || '').includes('bootstrap'))")
    assert not problems, problems  # no CSP violations or script errors
