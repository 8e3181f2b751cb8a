"""Browser: a town worker opens the home page, finds what waits for her in 待办 and clears it from there — an
agreement the committee has signed (now the town's signature) and an admission request the office returned."""

import re

import pytest

from zhengshe.testing import signed_in_tab

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_from_inbox(tab, base, title):
    tab.goto(f"{base}/")
    inbox = tab.locator(".zs-inbox")
    inbox.get_by_role("link", name=title).click()


def test_town_worker_clears_a_signature_and_an_admission_from_the_inbox(world, live_server, browser):
    from zhengshe.agreements import services
    from zhengshe.agreements.models import Agreement
    from zhengshe.agreements.tests.conftest import make_assisted_list
    from zhengshe.catalog import services as catalog
    from zhengshe.catalog.tests import factories as f

    # given an agreement village A1x has signed, and an admission request county A returned to the town
    make_assisted_list(world.county_a)
    template = services.template_create(actor=world.town_staff, region=world.town_a1, year=2026, instalment_plan=[
        {"label": "全额", "percent": "100", "due": "2026-06-30"}])
    services.drafting_start(actor=world.town_staff, template=template)
    agreement = Agreement.objects.get(template=template, party_b=world.village_a1x)
    agreement = services.agreement_transition(actor=world.town_staff, agreement=agreement, action="submit")
    services.agreement_confirm(actor=world.town_staff, agreement=agreement, revision=agreement.revision)
    agreement = services.agreement_confirm(actor=world.village_staff, agreement=agreement, revision=agreement.revision)
    agreement = services.agreement_sign(actor=world.village_staff, agreement=agreement, signer_name="张村长",
                                        seal_number="村章-001")
    request = f.admission(world)
    catalog.admission_move(actor=world.district_admin, admission=request, action="return", comment="请补充法律依据")

    problems = []
    tab = signed_in_tab(browser, live_server, world.town_staff, problems)
    tab.goto(f"{live_server.url}/")
    # then both wait for her on the home page, and the top bar counts them
    inbox = tab.locator(".zs-inbox")
    assert inbox.get_by_test_id("todo-count").inner_text() == "2"
    assert tab.get_by_test_id("inbox-badge").inner_text().endswith("2")

    # when she signs the agreement from the inbox
    _open_from_inbox(tab, live_server.url, str(agreement))
    tab.get_by_role("link", name="签署", exact=True).click()
    tab.get_by_label(re.compile("签署代表")).fill("李镇长")
    tab.get_by_label("印章编号").fill("镇章-001")
    tab.get_by_role("button", name="确认签署").click()
    tab.wait_for_load_state()
    # and resubmits the returned request from the inbox
    _open_from_inbox(tab, live_server.url, str(request))
    tab.get_by_role("button", name="补充后重新提交").click()
    tab.wait_for_load_state()

    # then both signature and request have left her 待办: only the signed agreement's next step (生效履行) is there
    tab.goto(f"{live_server.url}/")
    todo = tab.locator(".zs-inbox")
    assert todo.get_by_test_id("todo-count").inner_text() == "1"
    assert str(request) not in todo.inner_text() and "双方已签署" in todo.locator("tr", has_text=str(agreement)).inner_text()
    tab.goto(f"{live_server.url}/inbox/?tab=done")
    done = tab.locator(".zs-inbox").inner_text()
    assert str(agreement) in done and str(request) in done and "甲方签署" in done
    agreement.refresh_from_db()
    request.refresh_from_db()
    assert agreement.status == "signed_by_a" and request.status == "submitted"
    assert not problems, problems


def test_town_worker_submits_her_draft_self_assessment_from_the_inbox(world, live_server, browser):
    from zhengshe.evaluation import services
    from zhengshe.evaluation.models import ScoreSheet
    from zhengshe.evaluation.tests.factories import build

    # given a round in scoring where town A1's worker saved her town's self-assessment as a draft
    ns = build(world, publish=False)
    sheet = services.sheet_open(actor=world.town_staff, unit=ns.gov)
    indicator = services.sheet_indicators(sheet)[0]
    services.sheet_save(actor=world.town_staff, sheet=sheet, entries={indicator.pk: {"value": "70"}},
                        comment="镇自评草稿")

    problems = []
    tab = signed_in_tab(browser, live_server, world.town_staff, problems)
    tab.goto(f"{live_server.url}/")
    inbox = tab.locator(".zs-inbox")
    assert inbox.get_by_test_id("todo-count").inner_text() == "1"
    # when she opens it from the inbox, completes it and submits
    inbox.get_by_role("link", name=str(sheet)).click()
    tab.get_by_role("link", name="继续填写").click()
    tab.get_by_label(re.compile("分值")).fill("85")
    tab.get_by_role("button", name="提交评分表").click()
    tab.wait_for_load_state()
    assert "评分表已提交" in tab.locator("body").inner_text()

    # then the sheet has left her 待办 and is in 已办, with the score she typed
    tab.goto(f"{live_server.url}/")
    assert tab.locator(".zs-inbox").get_by_test_id("todo-count").inner_text() == "0"
    tab.goto(f"{live_server.url}/inbox/?tab=done")
    assert str(sheet) in tab.locator(".zs-inbox").inner_text()
    sheet = ScoreSheet.objects.get(pk=sheet.pk)
    assert sheet.status == "submitted" and sheet.scores.get().value == 85
    assert not problems, problems
