"""In a real browser: an organization files its annual report; a leader reads the statistics with charts.

Headless Debian chromium via Playwright against the live server (CSP, CSRF, session policy all real).
"""

from datetime import date

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, user):
    from zhengshe.testing import PASSWORD

    user.totp_enabled = False  # org users and leaders sign in with a password only
    user.save(update_fields=["totp_enabled"])
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


def _watch(page):
    problems = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    return problems


def test_org_user_files_annual_report_in_the_browser(world, live_server, page):
    from ..credit_code import make_credit_code
    from ..models import AnnualReport

    org = world.org_a
    org.credit_code, org.registered_on = make_credit_code("1", "320581", 99), date(2018, 1, 1)
    org.save()
    problems = _watch(page)
    _login(page, live_server, world.org_user)
    page.goto(f"{live_server.url}/organizations/")  # an organization user lands on its own page
    assert page.get_by_role("heading", name=org.name).is_visible()
    year = date.today().year - 1
    page.get_by_role("link", name=f"填报 {year} 年度报告").click()
    page.get_by_label("业务活动情况").fill("开展社区服务 50 场")
    page.get_by_label("本年收入（元）").fill("120000.00")
    page.get_by_role("button", name="报送").click()
    page.wait_for_load_state()
    assert "已报送" in page.locator("body").inner_text()
    report = AnnualReport.objects.get(organization=org, year=year)
    assert report.status == "submitted" and str(report.revenue) == "120000.00"
    assert not problems, problems


def test_leader_sees_statistics_with_charts(world, live_server, page):
    from . import factories as f

    f.org(world.village_a1x, name="甲1x书画社", org_type="community", registration_kind="filed")
    problems = _watch(page)
    _login(page, live_server, world.leader)
    page.goto(f"{live_server.url}/organizations/statistics/")
    assert "社会组织统计：甲县" in page.locator("h1").inner_text()
    page.wait_for_selector("#chart-per10k canvas")
    assert page.locator("#chart-types canvas").count() == 1
    assert "甲县1镇" in page.locator("#by-region").inner_text()
    assert not problems, problems
