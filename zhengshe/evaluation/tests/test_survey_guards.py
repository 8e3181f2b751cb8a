"""Residents' surveys on shared Wi-Fi and against scripts (issue 12 point 5): limits per survey and address (an hour
and a minute), one answer per device shown before the form, phone verification by one-time code, refused attempts
counted by reason for the managers."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse

from zhengshe.core.errors import NotAllowed, ServiceError
from zhengshe.evaluation import survey_phone, surveys
from zhengshe.evaluation.models import SurveyPhoneCode, SurveyResponse, SurveySms
from zhengshe.evaluation.surveys import questions, refusal_counts, survey_submit
from zhengshe.evaluation.tests import factories as f
from zhengshe.evaluation.tests.conftest import unit_of

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MEETING = datetime(2026, 12, 8, 19, 0, tzinfo=SHANGHAI)  # a village meeting at 7 pm, everyone on the office Wi-Fi


def _answers(survey, level=4):
    return {i.pk: level for _h, inds in questions(survey) for i in inds}


def _counts(survey):
    return dict(refusal_counts(survey))


@pytest.fixture
def survey(world, scoring_round):
    return unit_of(scoring_round, world.village_a1x).survey


# ---------------------------------------------------------------- limits per survey and address


def test_a_village_meeting_of_80_on_one_wifi_answers_with_the_default_limits(survey):
    # given 80 residents on one address, answering over eight minutes (10 a minute) at 7 pm
    for n in range(80):
        with time_machine.travel(MEETING + timedelta(seconds=6 * n), tick=False):
            survey_submit(survey=survey, answers=_answers(survey), device_token=f"phone-{n}", ip="10.0.0.1")
    # then every answer counts (the old limit of 30 an hour across all surveys cut off the 31st)
    assert SurveyResponse.objects.filter(survey=survey).count() == 80
    assert sum(_counts(survey).values()) == 0


def test_a_script_with_fresh_cookies_is_held_to_the_burst_limit(survey):
    with time_machine.travel(MEETING, tick=False):
        for n in range(surveys.DEFAULT_BURST_LIMIT):
            survey_submit(survey=survey, answers=_answers(survey), device_token=f"fresh-{n}", ip="6.6.6.6")
        with pytest.raises(ServiceError) as exc:
            survey_submit(survey=survey, answers=_answers(survey), device_token="fresh-x", ip="6.6.6.6")
    assert exc.value.code == "burst" and "请稍等一分钟" in exc.value.message
    # another address is not held back, and a minute later this one may answer again
    with time_machine.travel(MEETING + timedelta(seconds=10), tick=False):
        survey_submit(survey=survey, answers=_answers(survey), device_token="neighbour", ip="7.7.7.7")
    with time_machine.travel(MEETING + timedelta(seconds=61), tick=False):
        survey_submit(survey=survey, answers=_answers(survey), device_token="fresh-x", ip="6.6.6.6")
    assert _counts(survey)["同一网络提交过快"] == 1


def test_the_hourly_ceiling_is_per_survey_and_address_and_set_on_the_survey(world, scoring_round, survey):
    survey.address_limit = 20
    survey.save()
    other = unit_of(scoring_round, world.village_a1y).survey
    for n in range(20):
        with time_machine.travel(MEETING + timedelta(seconds=10 * n), tick=False):
            survey_submit(survey=survey, answers=_answers(survey), device_token=f"d{n}", ip="8.8.8.8")
    with time_machine.travel(MEETING + timedelta(minutes=30), tick=False):
        with pytest.raises(ServiceError) as exc:
            survey_submit(survey=survey, answers=_answers(survey), device_token="d-late", ip="8.8.8.8")
        assert exc.value.code == "address" and "每小时最多提交 20 份" in exc.value.message
        # the neighbouring village's survey on the same line is not affected
        survey_submit(survey=other, answers=_answers(other), device_token="d-late", ip="8.8.8.8")
    with time_machine.travel(MEETING + timedelta(minutes=61), tick=False):
        survey_submit(survey=survey, answers=_answers(survey), device_token="d-later", ip="8.8.8.8")
    assert _counts(survey)["同一网络超过每小时上限"] == 1


def test_the_default_ceilings_come_from_settings(survey, settings):
    settings.EVALUATION_SURVEY_ADDRESS_LIMIT = 3
    settings.EVALUATION_SURVEY_BURST_LIMIT = 2
    assert (surveys.address_limit(survey), surveys.burst_limit(survey)) == (3, 2)
    survey.burst_limit = 50
    assert surveys.burst_limit(survey) == 50


# ---------------------------------------------------------------- refusals counted


def test_every_refusal_is_counted_by_reason_in_a_small_table(survey):
    from zhengshe.evaluation.models import SurveyRefusalCount

    with time_machine.travel(MEETING, tick=False):
        survey_submit(survey=survey, answers=_answers(survey), device_token="dev", ip="1.1.1.1")
        for _n in range(5):
            with pytest.raises(ServiceError):
                survey_submit(survey=survey, answers=_answers(survey), device_token="dev", ip="1.1.1.1")
    counts = _counts(survey)
    assert counts["同一设备重复作答"] == 5 and counts["同一手机号重复作答"] == 0
    # five refusals in one hour are one row with a counter
    assert SurveyRefusalCount.objects.filter(survey=survey).count() == 1


# ---------------------------------------------------------------- phone verification


@pytest.fixture
def verified(survey):
    survey.verify_phone = True
    survey.save()
    return survey


def _code_from_queue():
    message = SurveySms.objects.order_by("-pk").first()
    import re

    return re.search(r"验证码为 (\d{6})", message.text).group(1)


def test_phone_verification_by_code_queued_for_the_office(verified, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        shown = survey_phone.phone_code_send(survey=verified, phone="138 0013 8000", device_token="dev-1",
                                             ip="1.1.1.1")
    assert shown == "138****8000"
    message = survey_phone.pending_sms()[0]
    assert message.phone == "13800138000" and "居民满意度调查" in message.text
    # the number is encrypted at rest, on the code's row and in the queue, and never on the answer
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT phone FROM {SurveyPhoneCode._meta.db_table}")
        raw = cursor.fetchone()[0]
        cursor.execute(f"SELECT phone, text FROM {SurveySms._meta.db_table}")
        raw_sms = " ".join(cursor.fetchone())
    assert "13800138000" not in raw and raw.startswith("zs1:") and "13800138000" not in raw_sms
    code = _code_from_queue()
    with pytest.raises(ServiceError) as missing:
        survey_submit(survey=verified, answers=_answers(verified), device_token="dev-1", phone="13800138000",
                      ip="1.1.1.1")
    assert "验证码" in missing.value.message
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(ServiceError) as bad:
        survey_submit(survey=verified, answers=_answers(verified), device_token="dev-1", phone="13800138000",
                      code=wrong, ip="1.1.1.1")
    assert bad.value.code == "code" and SurveyPhoneCode.objects.get().attempts == 1
    survey_submit(survey=verified, answers=_answers(verified), device_token="dev-1", phone="13800138000", code=code,
                  ip="1.1.1.1")
    assert SurveyResponse.objects.get(survey=verified).phone_hash == surveys.phone_hash(verified, "13800138000")
    spent = SurveyPhoneCode.objects.get()
    assert spent.used_at is not None and spent.phone == "" and spent.phone_index == ""  # the number is erased
    survey_phone.mark_sms_sent(message)
    assert survey_phone.pending_sms() == [] and SurveySms.objects.get().text == ""


def test_one_answer_per_verified_phone(verified, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        survey_phone.phone_code_send(survey=verified, phone="13900139000", device_token="a", ip="1.1.1.1")
    survey_submit(survey=verified, answers=_answers(verified), device_token="a", phone="13900139000",
                  code=_code_from_queue(), ip="1.1.1.1")
    # the same number on another phone: no new code is sent, and no answer taken
    with pytest.raises(ServiceError) as exc:
        survey_phone.phone_code_send(survey=verified, phone="13900139000", device_token="b", ip="1.1.1.1")
    assert exc.value.code == "phone" and "该手机号已参与过" in exc.value.message
    assert SurveySms.objects.count() == 1
    assert _counts(verified)["同一手机号重复作答"] == 1


def test_a_code_is_bound_to_its_device_and_cannot_be_asked_again_at_once(verified, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        survey_phone.phone_code_send(survey=verified, phone="13700137000", device_token="a", ip="1.1.1.1")
    with pytest.raises(ServiceError) as wait:
        survey_phone.phone_code_send(survey=verified, phone="13700137000", device_token="a", ip="1.1.1.1")
    assert "秒后再重新获取" in wait.value.message
    with pytest.raises(ServiceError) as other_device:
        survey_submit(survey=verified, answers=_answers(verified), device_token="b", phone="13700137000",
                      code=_code_from_queue(), ip="1.1.1.1")
    assert other_device.value.code == "code"
    assert _counts(verified)["验证码错误或已过期"] == 1


def test_the_sms_sender_is_pluggable(verified, settings, django_capture_on_commit_callbacks):
    sent.clear()
    settings.EVALUATION_SMS_SENDER = "zhengshe.evaluation.tests.test_survey_guards.gateway"
    with django_capture_on_commit_callbacks(execute=True):
        survey_phone.phone_code_send(survey=verified, phone="13600136000", device_token="a", ip="1.1.1.1")
    assert sent[0][0] == "13600136000" and "验证码" in sent[0][1] and not SurveySms.objects.exists()


sent = []


def gateway(phone, text):
    sent.append((phone, text))


# ---------------------------------------------------------------- managers' settings


def test_managers_set_the_limits_and_phone_verification_audited(world, survey):
    from zhengshe.audit.models import AuditEntry

    surveys.survey_guard_save(actor=world.town_staff, survey=survey, address_limit=300, burst_limit=20,
                              verify_phone=True)
    survey.refresh_from_db()
    assert (survey.address_limit, survey.burst_limit, survey.verify_phone) == (300, 20, True)
    assert AuditEntry.objects.filter(action="evaluation.survey_guard").exists()
    with pytest.raises(ServiceError) as exc:
        surveys.survey_guard_save(actor=world.town_staff, survey=survey, address_limit=10, burst_limit=20,
                                  verify_phone=False)
    assert "每分钟上限不能大于每小时上限" in exc.value.message
    with pytest.raises(NotAllowed):
        surveys.survey_guard_save(actor=world.village_staff, survey=survey, address_limit=None, burst_limit=None,
                                  verify_phone=False)


# ---------------------------------------------------------------- pages


@pytest.fixture
def ns(world):
    return f.build(world, publish=False)


def _public(ns):
    return reverse("evaluation_public:survey", args=[ns.survey.token])


def test_a_device_that_answered_is_told_before_it_fills_the_form(ns, client, django_assert_max_num_queries):
    url = _public(ns)
    client.get(url)
    r1 = ns.residents.indicators.get(code="R1")
    assert client.post(url, {f"q_{r1.pk}": "4"}).status_code == 302
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert "您已参与" in page and f'name="q_{r1.pk}"' not in page and 'value="submit"' not in page
    fresh = Client().get(url).content.decode()
    assert "您已参与" not in fresh and f'name="q_{r1.pk}"' in fresh


def test_a_resident_held_back_keeps_her_answers(ns, client, settings):
    settings.EVALUATION_SURVEY_BURST_LIMIT = 1
    url = _public(ns)
    r1 = ns.residents.indicators.get(code="R1")
    first = Client()
    first.get(url)
    first.post(url, {f"q_{r1.pk}": "4"})
    client.get(url)
    page = client.post(url, {f"q_{r1.pk}": "2"}).content.decode()
    assert "请稍等一分钟" in page
    assert f'id="q{r1.pk}_2" value="2" autocomplete="off" checked' in page


def test_phone_verification_on_the_page(ns, client, django_capture_on_commit_callbacks):
    ns.survey.verify_phone = True
    ns.survey.save()
    url = _public(ns)
    r1 = ns.residents.indicators.get(code="R1")
    assert "获取短信验证码" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url, {"action": "send_code", "phone": "13500135000", f"q_{r1.pk}": "5"})
    html = page.content.decode()
    assert "验证码已发送至 135****5000" in html and 'value="13500135000"' in html
    missing = client.post(url, {"action": "submit", "phone": "13500135000", f"q_{r1.pk}": "5"})
    assert "请先获取并填写短信验证码" in missing.content.decode()
    done = client.post(url, {"action": "submit", "phone": "13500135000", "code": _code_from_queue(),
                             f"q_{r1.pk}": "5"})
    assert done.status_code == 302
    assert "您已参与" in client.get(url).content.decode()


def test_managers_see_refused_attempts_by_reason(ns, world, client_for, django_assert_max_num_queries):
    from zhengshe.evaluation.choices import SurveyRefusal

    for reason, times in ((SurveyRefusal.DEVICE, 3), (SurveyRefusal.BURST, 2), (SurveyRefusal.ADDRESS, 1)):
        for _n in range(times):
            surveys.record_refusal(ns.survey, reason)
    client = client_for(world.district_admin)
    url = reverse("evaluation:survey_detail", args=[ns.survey.pk])
    client.get(url)
    with django_assert_max_num_queries(25):
        page = client.get(url).content.decode()
    table = page.split('id="survey-refusals"', 1)[1].split("</table>", 1)[0]
    assert "同一设备重复作答</td><td class=\"text-end\">3" in table
    assert "同一网络提交过快</td><td class=\"text-end\">2" in table
    assert "同一网络超过每小时上限</td><td class=\"text-end\">1" in table
    assert "同一手机号重复作答</td><td class=\"text-end\">0" in table
    assert "每小时最多 200 份、每分钟最多 15 份" in page and "防刷设置" in page


def test_managers_change_the_safeguards_on_the_page(ns, world, client_for):
    url = reverse("evaluation:survey_guard", args=[ns.survey.pk])
    admin = client_for(world.district_admin)
    page = admin.post(url, {"address_limit": "300", "burst_limit": "25", "verify_phone": "on"}, follow=True)
    assert "调查防刷设置已保存" in page.content.decode() and "每小时最多 300 份、每分钟最多 25 份" in page.content.decode()
    ns.survey.refresh_from_db()
    assert ns.survey.verify_phone and ns.survey.address_limit == 300
    bad = admin.post(url, {"address_limit": "0", "burst_limit": ""}, follow=True).content.decode()
    assert "同一网络每小时答卷上限" in bad
    village = client_for(world.village_staff)
    assert "防刷设置" not in village.get(ns.survey.get_absolute_url()).content.decode()
    assert "您没有执行此操作的权限" in village.post(url, {"address_limit": "5"}, follow=True).content.decode()
