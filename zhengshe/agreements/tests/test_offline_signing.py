"""Paper agreements signed in the past (issue 12 point 12): party A records the signing date (not in the future, fitting
the agreement's year), both signers and a content-checked scan, through the workflow engine and audited; the money
is allocated as of that date."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhengshe.agreements.models import Agreement
from zhengshe.agreements.pdf import agreement_pdf
from zhengshe.audit.models import AuditEntry
from zhengshe.core.models import StatusChange


def _paper_2010(agreement):
    """Xinhu's agreement of 2010, drafted here now to record the paper one."""
    Agreement.objects.filter(pk=agreement.pk).update(year=2010, term_start=dt.date(2010, 1, 1),
                                                     term_end=dt.date(2010, 12, 31))
    return Agreement.objects.get(pk=agreement.pk)


def _form(signed_on, scan):
    return {"signed_on": signed_on, "a_signer_name": "李镇长", "b_signer_name": "张村长", "scan": scan,
            "note": "2010 年纸质协议补录"}


def test_a_paper_agreement_of_2010_is_recorded_with_its_date_signers_and_scan(world, client_for, drafted):
    agreement = _paper_2010(drafted[world.village_a1x.code])
    url = reverse("agreements:offline", args=[agreement.pk])
    # the village cannot record it (party A does); the town sees the form
    assert client_for(world.village_staff).get(url).status_code == 404
    town = client_for(world.town_staff)
    assert "登记纸质签署" in town.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    pdf = agreement_pdf(agreement)

    # a date in the future, or far from the agreement's year, is refused in Chinese
    future = town.post(url, _form("2027-01-05", SimpleUploadedFile("scan.pdf", pdf, "application/pdf")))
    assert "签署日期不能晚于今天。" in future.content.decode()
    early = town.post(url, _form("2005-08-13", SimpleUploadedFile("scan.pdf", pdf, "application/pdf")))
    assert "签署日期须在 2009-01-01 至 2010-12-31 之间" in early.content.decode()
    # a file that is not a PDF or an image is refused whatever its name
    fake = town.post(url, _form("2010-08-13", SimpleUploadedFile("scan.pdf", b"hello, not a pdf", "application/pdf")))
    assert "扫描件须为 PDF、PNG 或 JPEG 格式。" in fake.content.decode()
    assert Agreement.objects.get(pk=agreement.pk).status == "draft"

    # when the town records the signing of 2010-08-13 with the scanned PDF
    response = town.post(url, _form("2010-08-13", SimpleUploadedFile("scan.pdf", pdf, "application/pdf")))
    assert response.status_code == 302
    # then it is signed by both, on that day in Beijing time, through the engine, audited, money allocated that day
    fresh = Agreement.objects.get(pk=agreement.pk)
    assert fresh.status == "signed_by_a" and fresh.signed_offline and fresh.offline_scan.name.endswith(".pdf")
    shanghai = ZoneInfo("Asia/Shanghai")
    assert fresh.a_signed_at.astimezone(shanghai).date() == fresh.b_signed_at.astimezone(shanghai).date() == dt.date(
        2010, 8, 13)
    assert (fresh.a_signer_name, fresh.b_signer_name) == ("李镇长", "张村长")
    assert StatusChange.objects.filter(object_id=str(fresh.pk), action="record_offline", to_status="signed_by_a").exists()
    event = AuditEntry.objects.get(action="agreement.signed_offline")
    assert "2010-08-13" in str(event.after)
    assert set(fresh.ledger.values_list("entry_date", flat=True)) == {dt.date(2010, 8, 13)}
    assert fresh.funds_allocated > 0 and fresh.instalments.count() == 2
    # a signed agreement cannot be recorded again
    assert town.get(url).status_code == 404
