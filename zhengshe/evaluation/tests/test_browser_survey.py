"""A resident answers the survey on a phone-sized screen (390×844) in headless Chromium, then is told 「您已参与」 when it opens the survey again."""

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_survey_on_a_phone(live_server, world, browser):
    from zhengshe.evaluation.models import SurveyAnswer, SurveyResponse
    from zhengshe.evaluation.surveys import questions
    from zhengshe.evaluation.tests import factories

    ns = factories.build(world, publish=False)
    survey = ns.survey
    url = f"{live_server.url}/p/evaluation/s/{survey.token}/"
    before = SurveyResponse.objects.filter(survey=survey).count()
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    page = context.new_page()
    page.goto(url)
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # no sideways scrolling
    for indicator in [i for _h, inds in questions(survey) for i in inds]:
        label = page.locator(f"label[for='q{indicator.pk}_4']")
        box = label.bounding_box()
        assert box["height"] >= 44  # touch target
        label.tap()
    page.get_by_role("button", name="提交").tap()
    page.wait_for_url("**/thanks/")
    assert "提交成功" in page.content()
    page.goto(url)  # the same phone is told before it fills anything
    assert "您已参与" in page.locator("#survey-answered").inner_text()
    assert page.locator("label.btn").count() == 0
    assert SurveyResponse.objects.filter(survey=survey).count() == before + 1
    assert SurveyAnswer.objects.filter(response__survey=survey, level=4).exists()
