"""Browser: a town worker submits an admission request, the district approves it for two villages, and a
village worker finds it in the register (headless Debian chromium via Playwright, live server)."""


import pytest

from zhengshe.testing import signed_in_tab

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_request_from_submission_to_a_villages_register(world, live_server, browser):
    from . import factories

    factories.departments(world)
    problems: list = []
    title = "浏览器测试：消防安全巡查台账"
    town = signed_in_tab(browser, live_server, world.town_staff, problems)
    town.goto(f"{live_server.url}/catalog/admission/new/")
    town.get_by_label("事项类型").select_option("ledger")
    town.get_by_label("台账/挂牌类别").select_option("paper")
    town.get_by_label("事项名称").fill(title)
    town.get_by_label("具体内容和要求").fill("每季度巡查一次并记录")
    town.get_by_label("法律法规或政策依据").fill("《中华人民共和国消防法》第三十二条")
    town.get_by_label("申请范围方式").select_option("list")
    town.get_by_label("申请范围（村、社区）", exact=True).select_option([str(world.village_a1x.pk), str(world.village_a1y.pk),
                                                      str(world.village_a1z.pk)])
    with town.expect_navigation():
        town.get_by_role("button", name="保存").click()
    assert "/new/" not in town.url, town.locator("main").inner_text()
    with town.expect_navigation():
        town.get_by_role("button", name="提交审核").click()
    assert "待审核" in town.locator("h1").inner_text()
    url = town.url

    district = signed_in_tab(browser, live_server, world.district_admin, problems)
    district.goto(url)
    district.get_by_role("link", name="准入", exact=True).click()
    district.wait_for_url("**/approve/")
    district.get_by_label("准入范围（村、社区）", exact=True).select_option([str(world.village_a1x.pk), str(world.village_a1z.pk)])
    district.get_by_label("审核意见").fill("同意在两个村试行")
    district.get_by_role("button", name="准入", exact=True).click()
    district.wait_for_url(url)
    assert "已准入" in district.locator("h1").inner_text()
    assert "准入〔" in district.locator("main").inner_text()

    village = signed_in_tab(browser, live_server, world.village_staff, problems)
    village.goto(f"{live_server.url}/catalog/register/")
    assert title in village.locator("main").inner_text()
    sibling = signed_in_tab(browser, live_server, world.sibling_staff, problems)
    sibling.goto(f"{live_server.url}/catalog/register/")
    assert title not in sibling.locator("main").inner_text()
    # the burden page draws its chart from the local ECharts file
    district.goto(f"{live_server.url}/catalog/burden/?region={world.town_a1.code}")
    district.wait_for_selector("#burden-chart canvas")
    assert not problems, problems
