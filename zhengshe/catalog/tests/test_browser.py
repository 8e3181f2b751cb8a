"""Browser: a town worker submits an admission request, the district approves it for two villages, and a
village worker finds it in the register (headless Debian chromium via Playwright, live server)."""

import os
import shutil

import pytest
from django.conf import settings
from django.test import Client

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    assert shutil.which(CHROMIUM), f"{CHROMIUM} missing"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def _tab(browser, live_server, user, problems):
    """A tab signed in as ``user`` (session made by the test client: sign-in itself is tested in core)."""
    client = Client()
    client.force_login(user, backend="zhengshe.accounts.backends.LockoutModelBackend")
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1000})
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                          "url": live_server.url}])
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.on("pageerror", lambda exc: problems.append(str(exc)))
    tab.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    return tab


def test_request_from_submission_to_a_villages_register(world, live_server, browser):
    from . import factories

    factories.departments(world)
    problems: list = []
    title = "浏览器测试：消防安全巡查台账"
    town = _tab(browser, live_server, world.town_staff, problems)
    town.goto(f"{live_server.url}/catalog/admission/new/")
    town.get_by_label("事项类型").select_option("ledger")
    town.get_by_label("台账/挂牌类别").select_option("paper")
    town.get_by_label("事项名称").fill(title)
    town.get_by_label("具体内容和要求").fill("每季度巡查一次并记录")
    town.get_by_label("法律法规或政策依据").fill("《中华人民共和国消防法》第三十二条")
    town.get_by_label("申请范围方式").select_option("list")
    town.get_by_label("申请范围（村、社区）").select_option([str(world.village_a1x.pk), str(world.village_a1y.pk),
                                                      str(world.village_a1z.pk)])
    with town.expect_navigation():
        town.get_by_role("button", name="保存").click()
    assert "/new/" not in town.url, town.locator("main").inner_text()
    with town.expect_navigation():
        town.get_by_role("button", name="提交审核").click()
    assert "待审核" in town.locator("h1").inner_text()
    url = town.url

    district = _tab(browser, live_server, world.district_admin, problems)
    district.goto(url)
    district.get_by_role("link", name="准入", exact=True).click()
    district.wait_for_url("**/approve/")
    district.get_by_label("准入范围（村、社区）").select_option([str(world.village_a1x.pk), str(world.village_a1z.pk)])
    district.get_by_label("审核意见").fill("同意在两个村试行")
    district.get_by_role("button", name="准入", exact=True).click()
    district.wait_for_url(url)
    assert "已准入" in district.locator("h1").inner_text()
    assert "准入〔" in district.locator("main").inner_text()

    village = _tab(browser, live_server, world.village_staff, problems)
    village.goto(f"{live_server.url}/catalog/register/")
    assert title in village.locator("main").inner_text()
    sibling = _tab(browser, live_server, world.sibling_staff, problems)
    sibling.goto(f"{live_server.url}/catalog/register/")
    assert title not in sibling.locator("main").inner_text()
    # the burden page draws its chart from the local ECharts file
    district.goto(f"{live_server.url}/catalog/burden/?region={world.town_a1.code}")
    district.wait_for_selector("#burden-chart canvas")
    assert not problems, problems
