"""Paper agreements signed before they were recorded here (线下签署补录): the date they were signed, both signers and
the scan, recorded by party A through the workflow engine and audited; the money is allocated as of that date."""

from __future__ import annotations

import datetime as dt
import secrets
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.audit.services import record_event
from zhengshe.core.errors import ServiceError

from ..workflows import AGREEMENT_FLOW
from ._common import standing_for
from .signing import _allocate

SCAN_MAX_BYTES = 10 * 1024 * 1024
SHANGHAI = ZoneInfo("Asia/Shanghai")


def check_scan(upload) -> str:
    """A content-checked scan (PDF, PNG or JPEG, ≤ 10 MB); returns its extension. Raises ServiceError in Chinese."""
    if upload is None:
        raise ServiceError(_("请上传纸质协议的扫描件。"), fields={"scan": [_("此项为必填项。")]})
    if upload.size > SCAN_MAX_BYTES:
        raise ServiceError(_("扫描件过大（上限 10 MB）。"), fields={"scan": [_("文件过大")]})
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        from pypdf import PdfReader

        try:
            pages = len(PdfReader(upload).pages)
        except Exception:
            pages = 0
        upload.seek(0)
        if not pages:
            raise ServiceError(_("扫描件 PDF 已损坏或没有页面。"), fields={"scan": [_("无法识别")]})
        return ".pdf"
    ext = ".png" if head.startswith(b"\x89PNG\r\n\x1a\n") else ".jpg" if head.startswith(b"\xff\xd8\xff") else ""
    if not ext:
        raise ServiceError(_("扫描件须为 PDF、PNG 或 JPEG 格式。"), fields={"scan": [_("文件类型不正确")]})
    from PIL import Image

    try:
        with Image.open(upload) as img:
            img.verify()
    except Exception:
        raise ServiceError(_("扫描件图片已损坏或无法识别。"), fields={"scan": [_("无法识别")]}) from None
    upload.seek(0)
    return ext


def offline_date_problem(agreement, signed_on) -> str | None:
    """A paper signing date must be known, not in the future, and fit the agreement (from the year before its
    year to the end of its term)."""
    if not isinstance(signed_on, dt.date):
        return _("请填写签署日期。")
    if signed_on > timezone.localdate():
        return _("签署日期不能晚于今天。")
    earliest = dt.date(agreement.year - 1, 1, 1)
    if not earliest <= signed_on <= agreement.term_end:
        return _("签署日期须在 %(a)s 至 %(b)s 之间（协议年度 %(y)d 年的前一年初至履行期限届满）。") % {
            "a": earliest, "b": agreement.term_end, "y": agreement.year}
    return None


def agreement_record_offline(*, actor, agreement, signed_on, a_signer_name: str, b_signer_name: str, scan,
                             note: str = "", standing=None):
    """Record that both sides signed the agreement on paper on ``signed_on`` (party A or the district records it)."""
    standing = standing_for(actor, agreement, standing)
    names = {"a_signer_name": (a_signer_name or "").strip(), "b_signer_name": (b_signer_name or "").strip()}
    for field, name in names.items():
        if not name:
            raise ServiceError(_("请填写双方签署代表姓名。"), fields={field: [_("此项为必填项。")]})
    problem = offline_date_problem(agreement, signed_on)
    if problem:
        raise ServiceError(problem, fields={"signed_on": [problem]})
    ext = check_scan(scan)
    at = dt.datetime.combine(signed_on, dt.time(12, 0), tzinfo=SHANGHAI)  # the day is known, the hour is not

    def before_save(obj):
        for side in ("a", "b"):
            setattr(obj, f"{side}_signed_by", actor)
            setattr(obj, f"{side}_signer_name", names[f"{side}_signer_name"])
            setattr(obj, f"{side}_signed_at", at)
        obj.confirmed_a_revision = obj.confirmed_b_revision = obj.revision
        obj.signed_offline = True
        obj.offline_scan.save(f"{obj.pk}-scan-{secrets.token_hex(8)}{ext}", scan, save=False)
        obj.version += 1

    with transaction.atomic():
        signed = AGREEMENT_FLOW.transition(agreement, "record_offline", actor=actor, before_save=before_save,
                                           standing=standing, comment=note.strip()[:300])
        record_event("agreement.signed_offline", signed, after={
            "signed_on": signed_on, **names, "scan": signed.offline_scan.name, "note": note.strip()[:300]})
        _allocate(signed, actor, on=signed_on)
    return signed
