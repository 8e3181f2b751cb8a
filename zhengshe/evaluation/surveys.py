"""Residents' satisfaction surveys: anonymous but limited answers, QR codes and the poster PDF.

Anonymity rule: a response keeps only keyed hashes (HMAC-SHA256 with a key derived from SECRET_KEY):
- the device token (a random value in a signed cookie), salted with the survey → one answer per device;
- the phone number when the round asks for one, salted with the survey → one answer per phone; the number
  itself is never stored, logged or echoed;
- the client address salted with the day → at most ``EVALUATION_SURVEY_IP_LIMIT`` answers per address per
  hour across all surveys (a village office sharing one line can still answer; a script cannot flood).
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
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.core.errors import ServiceError

from .choices import RoundStatus, Satisfaction
from .models import Survey, SurveyAnswer, SurveyResponse

DEVICE_COOKIE = "zs_survey_device"
COOKIE_SALT = "zhengshe.evaluation.survey"
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
OPEN_STATUSES = {RoundStatus.SELF_ASSESSMENT, RoundStatus.SCORING}


def ip_limit() -> int:
    return int(getattr(settings, "EVALUATION_SURVEY_IP_LIMIT", 30))


def keyed_hash(purpose: str, salt, value: str) -> str:
    key = hashlib.sha256(f"zhengshe-evaluation-{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, f"{salt}:{value}".encode(), hashlib.sha256).hexdigest()


def new_device_token() -> str:
    return secrets.token_urlsafe(24)


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


def survey_submit(*, survey: Survey, answers: dict, device_token: str | None, phone: str = "", ip: str = "",
                  now=None) -> SurveyResponse:
    """Record one anonymous answer sheet, refusing a second one from the same device or phone, and floods by IP."""
    now = now or timezone.now()
    reason = closed_reason(survey, timezone.localdate(now))
    if reason:
        raise ServiceError(reason)
    if not device_token:
        raise ServiceError(_("请允许浏览器保存 Cookie 后刷新页面再提交（用于防止重复作答，不记录个人信息）。"))
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
    phone_hash = None
    if survey.round.require_phone:
        phone = re.sub(r"\s|-", "", phone or "")
        if not PHONE_RE.match(phone):
            raise ServiceError(_("请填写正确的 11 位手机号码（只用于防止重复作答，不保存号码）。"),
                               fields={"phone": [_("手机号码格式不正确。")]})
        phone_hash = keyed_hash("phone", survey.pk, phone)
    device_hash = keyed_hash("device", survey.pk, device_token)
    ip_hash = keyed_hash("ip", timezone.localdate(now).isoformat(), ip or "-")
    duplicate = _("您已参与过本次调查，感谢支持！每台设备（或每个手机号）只能作答一次。")
    with transaction.atomic():
        if SurveyResponse.objects.filter(survey=survey, device_hash=device_hash).exists() or (
                phone_hash and SurveyResponse.objects.filter(survey=survey, phone_hash=phone_hash).exists()):
            raise ServiceError(duplicate, code="duplicate")
        recent = SurveyResponse.objects.filter(ip_hash=ip_hash, created_at__gte=now - timedelta(hours=1)).count()
        if recent >= ip_limit():
            raise ServiceError(_("同一网络提交过于频繁，请稍后再试。"), code="rate_limited")
        try:
            with transaction.atomic():
                response = SurveyResponse.objects.create(survey=survey, device_hash=device_hash, phone_hash=phone_hash,
                                                         ip_hash=ip_hash)
        except IntegrityError as exc:
            raise ServiceError(duplicate, code="duplicate") from exc
        SurveyAnswer.objects.bulk_create([SurveyAnswer(response=response, indicator_id=k, level=v)
                                          for k, v in levels.items()])
    return response


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
