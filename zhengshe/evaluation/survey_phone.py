"""Phone verification of a residents' survey: a one-time code by text message, one answer per verified phone.

The project has no SMS gateway, so sending is pluggable: ``EVALUATION_SMS_SENDER`` names a callable
``send(phone, text)`` (dotted path). The default, :func:`queue_sms`, queues the message in ``SurveySms`` (number and
text encrypted) for the office's gateway or a worker to send (:func:`pending_sms`, :func:`mark_sms_sent`).

A code is 6 digits, valid ``CODE_MINUTES`` minutes for ``CODE_TRIES`` tries, bound to the survey, the number and
the device that asked for it; a new code for the same number waits ``RESEND_SECONDS``. Code requests count against
the survey's per-address minute limit, so a script cannot use the page to flood phones with messages.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from zhengshe.core.errors import ServiceError
from zhengshe.core.protected import masked, protected_q

from . import surveys
from .choices import SurveyRefusal
from .models import Survey, SurveyPhoneCode, SurveySms

CODE_MINUTES = 10
CODE_TRIES = 5
RESEND_SECONDS = 60


def queue_sms(phone: str, text: str) -> SurveySms:
    """The default sender: queue the message in the database for the office's SMS gateway."""
    return SurveySms.objects.create(phone=phone, text=text)


def sender():
    return import_string(getattr(settings, "EVALUATION_SMS_SENDER", "zhengshe.evaluation.survey_phone.queue_sms"))


def pending_sms(limit: int = 100):
    """The oldest messages still to send (for the gateway or worker that sends them)."""
    return list(SurveySms.objects.filter(sent_at__isnull=True).order_by("created_at", "pk")[:limit])


def mark_sms_sent(message: SurveySms, now=None) -> None:
    """Record that the gateway sent ``message``; its number and text are erased (nothing kept that is not needed)."""
    message.sent_at, message.phone, message.text = now or timezone.now(), "", ""
    message.save(update_fields=["sent_at", "phone", "phone_index", "text"])


def _code_hash(code_row_salt: str, code: str) -> str:
    return surveys.keyed_hash("code", code_row_salt, code)


def phone_code_send(*, survey: Survey, phone: str, device_token: str | None, ip: str = "", now=None) -> str:
    """Send a one-time code to ``phone`` for ``survey``; returns the masked number to show the resident."""
    now = now or timezone.now()
    surveys.check_can_answer(survey, device_token, now)
    if not survey.verify_phone:
        raise ServiceError(_("本调查不需要短信验证。"))
    phone = surveys.normalize_phone(phone)
    device, ip_hash = surveys.device_hash(survey, device_token), surveys.address_hash(ip, now)
    try:
        if surveys.already_answered(survey, device_token):
            raise surveys.Refused(SurveyRefusal.DEVICE, surveys.duplicate_device_message())
        surveys.check_phone_unused(survey, phone)
        with transaction.atomic():
            Survey.objects.select_for_update().filter(pk=survey.pk).exists()
            _check_resend(survey, phone, now)
            surveys.check_address(survey, ip_hash, now, model=SurveyPhoneCode)
            code = f"{secrets.randbelow(10 ** 6):06d}"
            salt = secrets.token_hex(8)
            row = SurveyPhoneCode.objects.create(
                survey=survey, phone=phone, code_hash=f"{salt}${_code_hash(salt, code)}", device_hash=device,
                ip_hash=ip_hash, expires_at=now + timedelta(minutes=CODE_MINUTES))
            text = _("【政社互动】您参与%(name)s居民满意度调查的验证码为 %(code)s，%(minutes)s 分钟内有效。如非本人操作请忽略。") % {
                "name": survey.unit.region.name, "code": code, "minutes": CODE_MINUTES}
            transaction.on_commit(lambda: sender()(phone, text))
    except surveys.Refused as exc:
        surveys.record_refusal(survey, exc.reason, now)
        raise
    return masked(row, "phone")


def _check_resend(survey: Survey, phone: str, now) -> None:
    last = (SurveyPhoneCode.objects.filter(protected_q(SurveyPhoneCode, "phone", phone), survey=survey)
            .order_by("-created_at").values_list("created_at", flat=True).first())
    if last and now - last < timedelta(seconds=RESEND_SECONDS):
        wait = RESEND_SECONDS - int((now - last).total_seconds())
        raise ServiceError(_("验证码已发送，请 %s 秒后再重新获取。") % wait, code="wait",
                           fields={"phone": [_("请稍后再获取验证码。")]})


def match_code(survey: Survey, phone: str, code: str, device: str, now) -> SurveyPhoneCode:
    """The live code row ``code`` opens for this number and device; a wrong code uses up one try (kept)."""
    code = (code or "").strip()
    if not code:
        raise ServiceError(_("请先获取并填写短信验证码。"), fields={"code": [_("请填写验证码。")]})
    with transaction.atomic():
        row = (SurveyPhoneCode.objects.select_for_update()
               .filter(protected_q(SurveyPhoneCode, "phone", phone), survey=survey, device_hash=device,
                       used_at__isnull=True, expires_at__gt=now).order_by("-created_at").first())
        if row is not None and row.attempts < CODE_TRIES:
            salt, digest = row.code_hash.split("$", 1)
            if secrets.compare_digest(digest, _code_hash(salt, code)):
                return row
            row.attempts += 1
            row.save(update_fields=["attempts"])
    raise surveys.Refused(SurveyRefusal.CODE, _("验证码错误或已过期，请核对短信或重新获取。"),
                          fields={"code": [_("验证码不正确。")]})


def spend_code(row: SurveyPhoneCode, now) -> None:
    """Mark the code used (inside the answer's transaction), refusing one spent concurrently."""
    locked = SurveyPhoneCode.objects.select_for_update().get(pk=row.pk)
    if locked.used_at is not None:
        raise surveys.Refused(SurveyRefusal.PHONE, _("该手机号已参与过本次调查，每个手机号只能作答一次。"))
    locked.used_at, locked.phone = now, ""  # the answer's keyed hash keeps the number unique; the number itself goes
    locked.save(update_fields=["used_at", "phone", "phone_index"])
