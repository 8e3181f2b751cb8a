"""Residents' satisfaction surveys: anonymous but limited answers, QR codes and the poster PDF.

Anonymity rule: a response keeps only keyed hashes (HMAC-SHA256 with a key derived from SECRET_KEY):
- the device token (a random value in a long-lived signed cookie), salted with the survey → one answer per device;
  a device that already answered is told so when it opens the page, before it fills the form;
- the phone number when the round asks for one, salted with the survey → one answer per phone; when the survey
  asks for a verified phone, the number is proven by a one-time code (``survey_phone``) and kept only encrypted
  on the code's row, never on the answer;
- the client address salted with the day → limits per survey and address: at most ``address_limit`` answers an
  hour (default ``EVALUATION_SURVEY_ADDRESS_LIMIT`` = 200) and ``burst_limit`` a minute (default
  ``EVALUATION_SURVEY_BURST_LIMIT`` = 15). A village meeting of 80 on one Wi-Fi fills a two-minute form over
  several minutes and passes (anyone held back is asked to submit again a minute later, answers kept); a script
  is held to 15 a minute and, with fresh cookies, is still stopped at 200 an hour on that survey.
Every refused attempt is counted by reason (``SurveyRefusalCount``) for the survey's managers.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.core.errors import NotAllowed, ServiceError

from .choices import RoundStatus, Satisfaction, SurveyRefusal
from .models import Survey, SurveyAnswer, SurveyRefusalCount, SurveyResponse

DEVICE_COOKIE = "zs_survey_device"
COOKIE_SALT = "zhengshe.evaluation.survey"
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
OPEN_STATUSES = {RoundStatus.SELF_ASSESSMENT, RoundStatus.SCORING}
DEFAULT_ADDRESS_LIMIT = 200
DEFAULT_BURST_LIMIT = 15


class Refused(ServiceError):
    """An attempt refused for one of ``SurveyRefusal``'s reasons (counted for the managers)."""

    def __init__(self, reason: str, message: str, **kwargs):
        super().__init__(message, code=reason, **kwargs)
        self.reason = reason


def address_limit(survey: Survey) -> int:
    """Answers one address may submit to ``survey`` in an hour."""
    return survey.address_limit or int(getattr(settings, "EVALUATION_SURVEY_ADDRESS_LIMIT", DEFAULT_ADDRESS_LIMIT))


def burst_limit(survey: Survey) -> int:
    """Answers one address may submit to ``survey`` in a minute."""
    return survey.burst_limit or int(getattr(settings, "EVALUATION_SURVEY_BURST_LIMIT", DEFAULT_BURST_LIMIT))


def keyed_hash(purpose: str, salt, value: str) -> str:
    key = hashlib.sha256(f"zhengshe-evaluation-{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, f"{salt}:{value}".encode(), hashlib.sha256).hexdigest()


def new_device_token() -> str:
    return secrets.token_urlsafe(24)


def device_hash(survey: Survey, device_token: str) -> str:
    return keyed_hash("device", survey.pk, device_token)


def address_hash(ip: str, now) -> str:
    return keyed_hash("ip", timezone.localdate(now).isoformat(), ip or "-")


def phone_hash(survey: Survey, phone: str) -> str:
    return keyed_hash("phone", survey.pk, phone)


def normalize_phone(phone: str) -> str:
    """The 11-digit mobile number typed (spaces and dashes dropped), or a precise error on the phone field."""
    phone = re.sub(r"\s|-", "", phone or "")
    if not PHONE_RE.match(phone):
        raise ServiceError(_("请填写正确的 11 位手机号码。"), fields={"phone": [_("手机号码格式不正确。")]})
    return phone


def already_answered(survey: Survey, device_token: str | None) -> bool:
    """Whether this device (its signed cookie) has already answered ``survey`` — shown before the form."""
    return bool(device_token) and SurveyResponse.objects.filter(
        survey=survey, device_hash=device_hash(survey, device_token)).exists()


def questions(survey: Survey) -> list[tuple[str, list]]:
    """[(heading, [Indicator])]: about the community's committee, then about the town government."""
    round_ = survey.round
    sections = []
    if round_.template_residents_committee_id:
        sections.append((_("对%s的评价") % survey.unit.region.name, list(round_.template_residents_committee.indicators.all())))
    if round_.template_residents_government_id:
        town = survey.unit.region.parent
        sections.append((_("对%s政府的评价") % (town.name if town else ""),
                         list(round_.template_residents_government.indicators.all())))
    return sections


def closed_reason(survey: Survey, today=None) -> str | None:
    """Why the survey does not take answers now (None = open)."""
    today = today or timezone.localdate()
    round_ = survey.round
    if not survey.is_open or round_.status not in OPEN_STATUSES:
        return _("本次调查未开放或已结束。")
    if round_.survey_start and today < round_.survey_start:
        return _("调查将于 %s 开始。") % round_.survey_start
    if round_.survey_end and today > round_.survey_end:
        return _("调查已于 %s 结束。") % round_.survey_end
    return None


# ---------------------------------------------------------------- refused attempts


def record_refusal(survey: Survey, reason: str, now=None) -> None:
    """Count one refused attempt in its hour's row (an increment, so a flood grows a number, not the table)."""
    hour = (now or timezone.now()).replace(minute=0, second=0, microsecond=0)
    rows = SurveyRefusalCount.objects.filter(survey=survey, reason=reason, hour=hour)
    if rows.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            SurveyRefusalCount.objects.create(survey=survey, reason=reason, hour=hour, count=1)
    except IntegrityError:  # a concurrent refusal created the hour's row first
        rows.update(count=F("count") + 1)


def refusal_counts(survey: Survey) -> list[tuple[str, int]]:
    """[(reason label, refused attempts)] for every reason, in ``SurveyRefusal``'s order (one query)."""
    totals = dict(SurveyRefusalCount.objects.filter(survey=survey).values("reason").annotate(n=Sum("count"))
                  .order_by().values_list("reason", "n"))
    return [(label, totals.get(value, 0)) for value, label in SurveyRefusal.choices]


def check_address(survey: Survey, ip_hash: str, now, model=SurveyResponse) -> None:
    """Refuse when this address has reached the survey's minute (burst) or hour limit."""
    recent = model.objects.filter(survey=survey, ip_hash=ip_hash, created_at__gte=now - timedelta(hours=1))
    if recent.filter(created_at__gte=now - timedelta(minutes=1)).count() >= burst_limit(survey):
        raise Refused(SurveyRefusal.BURST, _("同一网络提交过快，请稍等一分钟后再点“提交”，您填写的内容已保留。"))
    if recent.count() >= address_limit(survey):
        raise Refused(SurveyRefusal.ADDRESS, _("同一网络在本调查每小时最多提交 %s 份答卷，已达上限，请稍后再试或改用手机流量作答。")
                      % address_limit(survey))


# ---------------------------------------------------------------- answering


def duplicate_device_message() -> str:
    return _("您已参与过本次调查，感谢支持！每台设备只能作答一次。")


def _levels(survey: Survey, answers: dict) -> dict[int, int]:
    valid = {i.pk for _h, inds in questions(survey) for i in inds}
    levels = {}
    for key, level in answers.items():
        try:
            key, level = int(key), int(level)
        except (TypeError, ValueError) as exc:
            raise ServiceError(_("答卷内容无效。")) from exc
        if key not in valid or level not in Satisfaction.values:
            raise ServiceError(_("答卷内容无效。"))
        levels[key] = level
    if not levels:
        raise ServiceError(_("请至少回答一个问题。"))
    return levels


def check_can_answer(survey: Survey, device_token: str | None, now) -> None:
    """Refuse when the survey is closed or the browser keeps no device cookie (it could answer again and again)."""
    reason = closed_reason(survey, timezone.localdate(now))
    if reason:
        raise ServiceError(reason)
    if not device_token:
        raise ServiceError(_("请允许浏览器保存 Cookie 后刷新页面再提交（用于防止重复作答，不记录个人信息）。"))


def _phone_of_answer(survey: Survey, phone: str, code: str, device: str, now):
    """(phone hash or None, the verification code row to spend or None) for this answer."""
    from . import survey_phone

    if survey.verify_phone:
        phone = normalize_phone(phone)
        check_phone_unused(survey, phone)
        return phone_hash(survey, phone), survey_phone.match_code(survey, phone, code, device, now)
    if survey.round.require_phone:
        phone = normalize_phone(phone)
        check_phone_unused(survey, phone)
        return phone_hash(survey, phone), None
    return None, None


def check_phone_unused(survey: Survey, phone: str) -> None:
    if SurveyResponse.objects.filter(survey=survey, phone_hash=phone_hash(survey, phone)).exists():
        raise Refused(SurveyRefusal.PHONE, _("该手机号已参与过本次调查，每个手机号只能作答一次。"))


def survey_submit(*, survey: Survey, answers: dict, device_token: str | None, phone: str = "", code: str = "",
                  ip: str = "", now=None) -> SurveyResponse:
    """Record one anonymous answer sheet: one per device and per (verified) phone, within the address limits.

    A refused attempt is counted by reason; the answers a resident gave are never stored unless accepted.
    """
    now = now or timezone.now()
    check_can_answer(survey, device_token, now)
    levels = _levels(survey, answers)
    device, ip_hash = device_hash(survey, device_token), address_hash(ip, now)
    try:
        if SurveyResponse.objects.filter(survey=survey, device_hash=device).exists():
            raise Refused(SurveyRefusal.DEVICE, duplicate_device_message())
        phone_digest, code_row = _phone_of_answer(survey, phone, code, device, now)
        with transaction.atomic():
            Survey.objects.select_for_update().filter(pk=survey.pk).exists()  # one survey's answers in turn
            check_address(survey, ip_hash, now)
            response = _create_response(survey, device, phone_digest, ip_hash, levels, code_row, now)
    except Refused as exc:
        record_refusal(survey, exc.reason, now)
        raise
    return response


def _create_response(survey, device, phone_digest, ip_hash, levels, code_row, now) -> SurveyResponse:
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(survey=survey, device_hash=device, phone_hash=phone_digest,
                                                     ip_hash=ip_hash)
    except IntegrityError as exc:  # a concurrent answer from the same device or phone
        if phone_digest and SurveyResponse.objects.filter(survey=survey, phone_hash=phone_digest).exists():
            raise Refused(SurveyRefusal.PHONE, _("该手机号已参与过本次调查，每个手机号只能作答一次。")) from exc
        raise Refused(SurveyRefusal.DEVICE, duplicate_device_message()) from exc
    SurveyAnswer.objects.bulk_create([SurveyAnswer(response=response, indicator_id=k, level=v)
                                      for k, v in levels.items()])
    if code_row is not None:
        from . import survey_phone

        survey_phone.spend_code(code_row, now)
    return response


# ---------------------------------------------------------------- managers' settings


def survey_guard_save(*, actor, survey: Survey, address_limit: int | None, burst_limit: int | None,
                      verify_phone: bool) -> Survey:
    """Set a survey's limits per address (blank = the system default) and whether answers need a verified phone."""
    from zhengshe.audit.services import record_event

    from .services import can_manage

    if not can_manage(actor, survey):
        raise NotAllowed()
    errors = {}
    if address_limit is not None and address_limit < 1:
        errors["address_limit"] = [_("每小时上限至少为 1；留空使用系统默认值。")]
    if burst_limit is not None and burst_limit < 1:
        errors["burst_limit"] = [_("每分钟上限至少为 1；留空使用系统默认值。")]
    if not errors and address_limit and burst_limit and burst_limit > address_limit:
        errors["burst_limit"] = [_("每分钟上限不能大于每小时上限。")]
    if errors:
        raise ServiceError("；".join(e for messages in errors.values() for e in messages), fields=errors)
    fields = ["address_limit", "burst_limit", "verify_phone"]
    with transaction.atomic():
        survey = Survey.objects.select_for_update().select_related("round", "unit", "unit__region").get(pk=survey.pk)
        before = {f: getattr(survey, f) for f in fields}
        survey.address_limit, survey.burst_limit, survey.verify_phone = address_limit, burst_limit, verify_phone
        survey.save(update_fields=[*fields, "updated_at"])
        record_event("evaluation.survey_guard", survey, before=before, after={f: getattr(survey, f) for f in fields})
    return survey


def qr_png(url: str) -> bytes:
    """A QR code image (PNG) for ``url``."""
    import qrcode

    image = qrcode.make(url, box_size=10, border=2)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def poster_pdf(survey: Survey, url: str) -> bytes:
    """An A4 poster: who is asking, why, the QR code and the short link, the anonymity promise."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Image

    from zhengshe.utilities.dates import chinese_date
    from zhengshe.utilities.pdf import OfficialDocument, para

    round_ = survey.round
    doc = OfficialDocument(_("%(year)s年度%(name)s居民满意度调查") % {"year": round_.year, "name": survey.unit.region.name},
                           issuer=_("%s政社互动工作领导小组") % round_.region.name)
    doc.paragraph(_("尊敬的居民朋友：为做好政社互动“双向评估”工作，请您对本村（社区）村（居）委会和%s政府的工作进行评价。"
                    "问卷匿名填写，约需 2 分钟。") % (survey.unit.region.parent.name if survey.unit.region.parent else ""))
    doc.paragraph(_("请用手机扫描下方二维码作答："), "plain")
    doc.story.append(Image(io.BytesIO(qr_png(url)), width=75 * mm, height=75 * mm))
    doc.paragraph(_("或在浏览器中输入："), "plain")
    doc.story.append(para(url, doc.s["heading"]))
    if round_.survey_end:
        doc.paragraph(_("调查截止日期：%s") % chinese_date(round_.survey_end), "plain")
    doc.paragraph(_("每台手机只能作答一次。系统不记录您的姓名、手机号码或位置，只保存无法还原的校验码用于防止重复提交。"), "small")
    return doc.render()
