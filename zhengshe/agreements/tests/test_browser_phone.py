"""Browser: the agreement page on a 375 px phone. Nothing makes the page wider than the screen: wide tables
scroll inside their own container (headless Debian chromium via Playwright, live server)."""

import pytest

from zhengshe.testing import signed_in_tab

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = """() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 376
    && !e.closest('.table-responsive')).map(e => e.tagName + '.' + e.className + ' ' + Math.round(
    e.getBoundingClientRect().right)).slice(0, 8)"""


@pytest.mark.parametrize("who, state", [("village_staff", "signed"), ("town_staff", "draft")])
def test_the_agreement_page_fits_a_375px_phone(who, state, world, live_server, browser, drafted):
    """Given a signed agreement read by the village and a draft the town may still edit (an 操作 column more)."""
    from .conftest import sign_both

    agreement = drafted[world.village_a1x.code]
    if state == "signed":
        agreement = sign_both(world, agreement)
    problems: list = []
    tab = signed_in_tab(browser, live_server, getattr(world, who), problems)
    tab.set_viewport_size({"width": 375, "height": 800})
    tab.goto(f"{live_server.url}/agreements/{agreement.pk}/")
    assert agreement.party_b_name in tab.locator("main").inner_text()
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page is {width} px wide: {tab.evaluate(WIDE)}"
    # the item table is still all there, scrolling in its own box
    box = tab.locator("table", has_text="A01").first.evaluate("t => [t.scrollWidth, t.closest('.table-responsive')"
                                                                  " ? t.closest('.table-responsive').clientWidth : -1]")
    assert box[1] != -1 and box[1] <= 375
    assert not problems, problems
