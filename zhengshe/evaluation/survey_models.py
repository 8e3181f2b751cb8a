"""Residents' survey safeguards: refused attempts (counted per hour), phone verification codes and the SMS queue.

- ``SurveyRefusalCount`` is one row per survey × reason × hour with a counter, so a script hammering a survey
  grows a number, not the table, and the management page sums a handful of rows.
- ``SurveyPhoneCode`` is one one-time code sent to a resident's mobile number (kept encrypted, looked up by its
  blind index); the code itself is kept only as a keyed hash.
- ``SurveySms`` is the outgoing message queue of the database sender (there is no SMS gateway in the project):
  the office's gateway, or a worker, reads the pending rows and marks them sent (``docs/security.md``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengshe.core.protected import BlindIndexField, ProtectedField

from .choices import SurveyRefusal


class SurveyRefusalCount(models.Model):
    """How many answers (or code requests) to one survey were refused for one reason within one hour."""

    survey = models.ForeignKey("evaluation.Survey", on_delete=models.CASCADE, related_name="refusals",
                               verbose_name=_("满意度调查"))
    reason = models.CharField(_("拒绝原因"), max_length=16, choices=SurveyRefusal.choices)
    hour = models.DateTimeField(_("时段（整点）"))
    count = models.PositiveIntegerField(_("次数"), default=0)

    class Meta:
        verbose_name = _("问卷拒绝记录")
        verbose_name_plural = _("问卷拒绝记录")
        constraints = [models.UniqueConstraint(fields=["survey", "reason", "hour"], name="eval_refusal_unique")]

    def __str__(self):
        return f"{self.get_reason_display()} × {self.count}"


class SurveyPhoneCode(models.Model):
    """A one-time verification code sent to a mobile number for one survey (valid a few minutes, a few tries)."""

    survey = models.ForeignKey("evaluation.Survey", on_delete=models.CASCADE, related_name="phone_codes",
                               verbose_name=_("满意度调查"))
    phone = ProtectedField(_("手机号码"), kind="mobile", max_length=20, blank=True)
    phone_index = BlindIndexField(source="phone")
    code_hash = models.CharField(max_length=96)  # salt $ HMAC-SHA256
    device_hash = models.CharField(max_length=64)
    ip_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    created_at = models.DateTimeField(_("发送时间"), auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField(_("有效期至"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    audit_exclude = ("code_hash", "device_hash", "ip_hash")

    class Meta:
        verbose_name = _("手机验证码")
        verbose_name_plural = _("手机验证码")
        indexes = [models.Index(fields=["survey", "phone_index"], name="eval_phonecode_lookup")]

    def __str__(self):
        return f"验证码 #{self.pk}"


class SurveySms(models.Model):
    """One outgoing text message queued by the database sender, waiting for the office's SMS gateway."""

    phone = ProtectedField(_("手机号码"), kind="mobile", max_length=20, blank=True)
    phone_index = BlindIndexField(source="phone")
    text = ProtectedField(_("短信内容"), kind="text", blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("待发短信")
        verbose_name_plural = _("待发短信")

    def __str__(self):
        return f"短信 #{self.pk}"
