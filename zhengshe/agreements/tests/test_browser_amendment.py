"""Browser: a town worker drafts a supplementary agreement (补充协议) to a signed agreement and changes one item's
money; the committee (party B) and then the town (party A) sign it; the agreement's page shows the item in force with
the new amount (headless Debian chromium via Playwright, live server; no browser download)."""

import re

import pytest

from zhengshe.testing import signed_in_tab

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign(tab, url, signer, seal):
    tab.goto(url)
    tab.get_by_label("签署代表").fill(signer)
    tab.get_by_label("印章编号").fill(seal)
    with tab.expect_navigation():
        tab.get_by_role("button", name="签署补充协议").click()


def test_town_amends_an_items_money_both_sides_sign_and_the_item_in_force_shows_it(world, live_server, browser,
                                                                                   signed):
    problems: list = []
    detail_url = f"{live_server.url}/agreements/{signed.pk}/"
    a03 = signed.items.get(number="A03")  # fixed 5 000.00 元
    assert a03.funding_amount == 5000

    # Given the town worker on the signed agreement, when they draft a supplementary agreement
    town = signed_in_tab(browser, live_server, world.town_staff, problems)
    town.goto(detail_url)
    with town.expect_navigation():
        town.get_by_role("link", name="签订补充协议").click()
    town.get_by_label("补充条款（每行一条）").fill("因隐患排查范围扩大，调整安全生产事项经费。")
    with town.expect_navigation():
        town.get_by_role("button", name="保存草稿").click()
    assert re.search(r"/agreements/amendments/\d+/$", town.url), town.locator("main").inner_text()
    amendment_url = town.url

    # and change item A03's money from 5 000.00 to 6 500.00 元
    town.locator("li", has_text="A03").get_by_role("link", name="变更").click()
    town.wait_for_url("**/change/")
    town.get_by_label("经费（元）").fill("6500.00")
    town.get_by_label("变更理由").fill("排查范围扩大到全部企业")
    with town.expect_navigation():
        town.get_by_role("button", name="保存到补充协议草稿").click()
    assert town.url == amendment_url, town.locator("main").inner_text()
    lines = town.locator("#amendment-items ~ div table").inner_text()
    assert "A03" in lines and "5,000.00" in lines and "6,500.00" in lines and "1,500.00" in lines

    # and gives the extra 1 500.00 元 its instalment (the editor proposes one; the town saves it)
    assert "相差 1,500.00 元" in town.locator("main").inner_text()
    with town.expect_navigation():
        town.get_by_role("link", name="编辑拨付安排").click()
    with town.expect_navigation():
        town.get_by_role("button", name="保存拨付安排").click()
    assert town.url.startswith(amendment_url), town.locator("main").inner_text()
    assert "相差" not in town.locator("main").inner_text()

    # Then party B signs, then party A
    village = signed_in_tab(browser, live_server, world.village_staff, problems)
    _sign(village, amendment_url, "张村长", "村章-002")
    assert "乙方已签署" in village.locator("h1").inner_text(), village.locator("main").inner_text()
    _sign(town, amendment_url, "李镇长", "镇章-002")
    assert "已生效" in town.locator("h1").inner_text(), town.locator("main").inner_text()

    # And the agreement's page shows A03 in force with the new amount, marked as changed by the amendment
    town.goto(detail_url)
    row = town.locator("#items-in-force ~ div table tbody tr", has_text="A03")
    text = row.inner_text()
    assert "6,500.00" in text and "5,000.00" not in text and "变更" in text
    assert "table-warning" in (row.get_attribute("class") or "")
    # the committee sees the same terms in force
    village.goto(detail_url)
    assert "6,500.00" in village.locator("#items-in-force ~ div table tbody tr", has_text="A03").inner_text()
    assert not problems, problems
