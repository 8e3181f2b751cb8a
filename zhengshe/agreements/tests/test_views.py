"""Pages and API as real users: drafting job, negotiation, signing, conflicts, funds, downloads, query budgets."""

import datetime as dt
import io
from decimal import Decimal

from django.urls import reverse

from zhengshe.agreements import services
from zhengshe.agreements.choices import AgreementStatus
from zhengshe.agreements.models import Agreement, DraftingJob, ExportJob
from zhengshe.testing import assert_max_queries

from .conftest import YEAR, sign_both
from .test_services import png_bytes


def test_town_drafts_in_bulk_from_the_template_page_and_sees_progress(world, client_for, template):
    town = client_for(world.town_staff)
    page = town.get(reverse("agreements:template_detail", args=[template.pk]))
    assert page.status_code == 200 and "开始批量起草" in page.content.decode()
    response = town.post(reverse("agreements:template_draft", args=[template.pk]))
    job = DraftingJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("agreements:job_detail", args=[job.pk])
    partial = town.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert "新建 3 份" in partial and "hx-trigger" not in partial  # finished: polling stops
    assert Agreement.objects.filter(template=template).count() == 3


def test_polling_fragment_keeps_polling_while_running(world, client_for, template):
    job = DraftingJob.objects.create(template=template, region=world.town_a1, year=YEAR, requested_by=world.town_staff,
                                     total=3, done=1, status="running")
    html = client_for(world.town_staff).get(reverse("agreements:job_detail", args=[job.pk]),
                                            headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in html and "33%" in html


def test_list_pages_scoped_and_within_query_budget(world, client_for, template):
    from zhengshe.regions.models import Region

    services.drafting_start(actor=world.town_staff, template=template)
    url = reverse("agreements:list")
    town = client_for(world.town_staff)
    town.get(url)
    with assert_max_queries(15) as small:
        body = town.get(url).content.decode()
    assert world.village_a1x.code in body and world.village_a1z.code in body
    for n in range(12):  # more committees, more agreements: the same number of queries
        Region.objects.create(code=f"{world.town_a1.code}{300 + n:03d}", name=f"新村{n}", level="village",
                              parent=world.town_a1, households=100, population=300)
    services.drafting_start(actor=world.town_staff, template=template)
    with assert_max_queries(15):  # the first read after a write computes the count and cells again
        town.get(url)
    with assert_max_queries(15) as large:  # warm, like ``small``: the list's cache read, whatever its size
        assert town.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    district = client_for(world.district_admin)
    with assert_max_queries(15):
        assert world.village_a1x.code in district.get(url).content.decode()
    village = client_for(world.village_staff).get(url).content.decode()
    assert world.village_a1x.code in village and world.village_a1y.code not in village
    assert world.village_a1x.code not in client_for(world.town_staff_b).get(url).content.decode()


def test_detail_page_within_query_budget(world, client_for, signed):
    client = client_for(world.village_staff)
    url = reverse("agreements:detail", args=[signed.pk])
    client.get(url)
    with assert_max_queries(30):
        body = client.get(url).content.decode()
    for item in signed.items.all():
        assert item.title in body


def test_concurrent_edit_through_the_page_keeps_both_texts(world, client_for, drafted):
    agreement = drafted[world.village_a1x.code]
    colleague = __import__("zhengshe.testing", fromlist=["make_user"]).make_user(
        "town_a1_2", "town_staff", region=world.town_a1)
    first, second = client_for(world.town_staff), client_for(colleague)
    url = reverse("agreements:edit", args=[agreement.pk])
    form = first.get(url).context["form"]
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in form.initial.items()
            if k in form.fields and v is not None}
    assert first.post(url, {**data, "clause_dispute": "甲的修改"}).status_code == 302
    response = second.post(url, {**data, "clause_dispute": "乙的修改，不能丢"})
    body = response.content.decode()
    assert response.status_code == 200 and "已被他人修改" in body
    assert "乙的修改，不能丢" in body and "甲的修改" in body  # their input re-shown beside the current text
    assert Agreement.objects.get(pk=agreement.pk).clause_dispute == "甲的修改"
    # resubmitting after seeing the newer text is a conscious overwrite
    resubmit = {**data, "clause_dispute": "乙的修改，不能丢", "version": response.context["form"].data["version"]}
    assert second.post(url, resubmit).status_code == 302
    assert Agreement.objects.get(pk=agreement.pk).clause_dispute == "乙的修改，不能丢"


def test_negotiation_and_signing_through_the_pages(world, client_for, drafted):
    agreement = drafted[world.village_a1x.code]
    town, village = client_for(world.town_staff), client_for(world.village_staff)
    assert town.post(reverse("agreements:action", args=[agreement.pk, "submit"])).status_code == 302
    item = agreement.items.get(number="A01")
    village.post(reverse("agreements:note_add", args=[agreement.pk]),
                 {"text": "我村户数多，标准偏低", "item": item.pk, "field": "funding_amount", "proposed_value": "3500"})
    note = agreement.notes.get()
    assert note.status == "pending"
    # the committee cannot accept its own proposal
    village.post(reverse("agreements:proposal_decide", args=[note.pk]), {"accept": "1"})
    assert agreement.notes.get().status == "pending"
    town.post(reverse("agreements:proposal_decide", args=[note.pk]), {"accept": "1", "response": "同意"})
    agreement.refresh_from_db()
    assert agreement.revision == 2 and agreement.total_funding == Decimal("8850.00")
    diff = town.get(reverse("agreements:diff", args=[agreement.pk])).content.decode()
    assert "3150.00" in diff and "3500.00" in diff
    for client in (town, village):
        client.post(reverse("agreements:confirm", args=[agreement.pk]), {"revision": 2})
    # the town cannot sign first: the template requires B first
    town.post(reverse("agreements:sign", args=[agreement.pk]), {"signer_name": "李", "seal_number": "镇"})
    assert Agreement.objects.get(pk=agreement.pk).status == AgreementStatus.NEGOTIATING
    from django.core.files.uploadedfile import SimpleUploadedFile

    seal = SimpleUploadedFile("seal.png", png_bytes(), content_type="image/png")
    assert village.post(reverse("agreements:sign", args=[agreement.pk]),
                        {"signer_name": "张强", "seal_image": seal}).status_code == 302
    # the committee worker can't sign for the town
    village.post(reverse("agreements:sign", args=[agreement.pk]), {"signer_name": "张强", "seal_number": "镇章"})
    assert Agreement.objects.get(pk=agreement.pk).a_signed_at is None
    assert town.post(reverse("agreements:sign", args=[agreement.pk]),
                     {"signer_name": "陈红", "seal_number": "双凤镇-01"}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED_BY_A
    pdf = town.get(reverse("agreements:pdf", args=[agreement.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_edit_of_signed_agreement_refused_in_page(world, client_for, signed):
    town = client_for(world.town_staff)
    item = signed.items.first()
    url = reverse("agreements:item_edit", args=[signed.pk, item.pk])
    form = town.get(url).context["form"]
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in form.initial.items()
            if k in form.fields and v is not None}
    body = town.post(url, {**data, "requirements": "签署后偷偷修改"}).content.decode()
    assert "补充协议" in body
    assert signed.items.get(pk=item.pk).requirements != "签署后偷偷修改"


def test_instalments_progress_and_district_funds_page(world, client_for, signed):
    town, village, district = (client_for(u) for u in (world.town_staff, world.village_staff, world.district_admin))
    town.post(reverse("agreements:action", args=[signed.pk, "activate"]))
    first = signed.instalments.get(number=1)
    village.post(reverse("agreements:pay", args=[first.pk]), {"paid_on": "2026-07-01", "voucher_number": "X"})
    assert not signed.ledger.filter(kind="pay").exists()  # the committee cannot record payments
    town.post(reverse("agreements:pay", args=[first.pk]), {"paid_on": "2026-07-01", "voucher_number": "记-2026-071"})
    item = signed.items.first()
    village.post(reverse("agreements:progress", args=[item.pk]), {"status": "done"})
    assert item.progress_reports.count() == 1
    page = district.get(reverse("agreements:funds"), {"year": YEAR})
    assert page.context["totals"]["allocated"] == Decimal("8500.00")
    assert page.context["totals"]["paid"] == Decimal("5100.00")
    assert page.context["totals"]["balance"] == Decimal("3400.00")
    xlsx = district.get(reverse("agreements:funds"), {"year": YEAR, "group": "item", "export": "xlsx"})
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[-1][3] == 8500 and rows[1][0] == "A01"
    with assert_max_queries(15):
        district.get(reverse("agreements:funds"), {"year": YEAR, "group": "committee"})


def test_zip_download_streams_for_a_town(world, client_for, drafted):
    import zipfile

    response = client_for(world.town_staff).get(reverse("agreements:zip"), {"region": world.town_a1.pk, "year": YEAR})
    assert response.streaming
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert len(archive.namelist()) == 3


def test_large_zip_goes_to_a_background_job_and_file_is_removed_after_download(world, client_for, drafted,
                                                                                monkeypatch):
    import os

    from zhengshe.agreements import views

    monkeypatch.setattr(views, "ZIP_STREAM_LIMIT", 1)
    town = client_for(world.town_staff)
    response = town.get(reverse("agreements:zip"), {"region": world.town_a1.pk, "year": YEAR})
    job = ExportJob.objects.get()
    assert response.url == reverse("agreements:export_detail", args=[job.pk])
    assert job.status == "done" and os.path.exists(job.file_path)
    download = town.get(reverse("agreements:export_file", args=[job.pk]))
    assert b"".join(download.streaming_content)[:2] == b"PK"
    assert not os.path.exists(job.file_path)
    assert town.get(reverse("agreements:export_file", args=[job.pk])).status_code == 404


def test_amendment_pages(world, client_for, signed):
    town, village = client_for(world.town_staff), client_for(world.village_staff)
    response = town.post(reverse("agreements:amendment_create", args=[signed.pk]),
                         {"title": "", "content": "增加一项：协助开展垃圾分类督导", "funding_delta": "2000"})
    amendment = signed.amendments.get()
    assert response.url == amendment.get_absolute_url()
    # the extra 2 000 元 has no instalment yet: signing is refused, in Chinese, with the gap
    village.post(reverse("agreements:amendment_sign", args=[amendment.pk]), {"signer_name": "张", "seal_number": "村"})
    amendment.refresh_from_db()
    assert amendment.status == "draft"
    page = town.get(amendment.get_absolute_url()).content.decode()
    assert "拨付计划合计为 8,500.00 元，相差 2,000.00 元" in page
    # the plan editor proposes one new instalment of 2 000 元; the town saves it
    plan_url = reverse("agreements:amendment_plan", args=[amendment.pk])
    form = town.get(plan_url).context["formset"]
    assert form.initial == [{"instalment": None, "label": "补充协议（1）经费", "amount": Decimal("2000.00"),
                             "due_date": signed.term_end}]
    response = town.post(plan_url, {"version": amendment.version, "plan-TOTAL_FORMS": "2", "plan-INITIAL_FORMS": "1",
                                    "plan-0-instalment": "", "plan-0-label": "第三期", "plan-0-amount": "2000.00",
                                    "plan-0-due_date": f"{YEAR}-11-30", "plan-1-label": "", "plan-1-amount": "",
                                    "plan-1-due_date": ""})
    assert response.status_code == 302
    village.post(reverse("agreements:amendment_sign", args=[amendment.pk]), {"signer_name": "张", "seal_number": "村"})
    town.post(reverse("agreements:amendment_sign", args=[amendment.pk]), {"signer_name": "李", "seal_number": "镇"})
    amendment.refresh_from_db()
    assert amendment.status == "in_force"
    pdf = town.get(reverse("agreements:amendment_pdf", args=[amendment.pk]))
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "贰仟元整" in text and signed.title in text
    assert "第三期2,000.00 元" in text.replace("\n", "")
    plan = list(signed.instalments.order_by("number").values_list("label", "amount"))
    assert plan[-1] == ("第三期", Decimal("2000.00")) and sum(a for _l, a in plan) == Decimal("10500.00")


def test_api_scoped_and_same_error_shape(world, client_for, drafted):
    town = client_for(world.town_staff)
    data = town.get("/api/agreements/").json()
    assert data["count"] == 3
    agreement = drafted[world.village_a1x.code]
    refused = client_for(world.village_staff).post(f"/api/agreements/{agreement.pk}/transition/",
                                                   {"action": "submit"}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    ok = town.post(f"/api/agreements/{agreement.pk}/transition/", {"action": "submit"},
                   content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "negotiating"
    assert client_for(world.sibling_staff).get(f"/api/agreements/{agreement.pk}/").status_code == 404
    with assert_max_queries(12):
        town.get("/api/agreements/")


def test_api_tells_the_three_refusals_apart_by_code_not_by_message(world, client_for, drafted):
    # given an agreement in negotiation that neither side has confirmed
    agreement = drafted[world.village_a1x.code]
    town, village = client_for(world.town_staff), client_for(world.village_staff)
    assert town.post(f"/api/agreements/{agreement.pk}/transition/", {"action": "submit"},
                     content_type="application/json").status_code == 200
    # when the town submits again (no such move now), and the village signs too early
    again = town.post(f"/api/agreements/{agreement.pk}/transition/", {"action": "submit"},
                      content_type="application/json")
    early = village.post(f"/api/agreements/{agreement.pk}/sign/", {"signer_name": "张强", "seal_number": "村-1"})
    # then each answers with its own code and a Chinese message
    assert again.status_code == 400 and again.json()["error"]["code"] == "invalid_move"
    assert "协商中" in again.json()["error"]["message"]
    assert early.status_code == 400 and early.json()["error"]["code"] == "guard_failed"
    assert "双方尚未确认" in early.json()["error"]["message"]


def test_sign_both_helper_allocates_once(world, drafted):
    agreement = sign_both(world, drafted[world.village_a1x.code])
    assert agreement.ledger.filter(kind="allocate").count() == 3  # the unfunded item has no allocation line
    assert sum(i.amount for i in agreement.instalments.all()) == Decimal("8500.00")
    assert agreement.instalments.get(number=1).due_date == dt.date(YEAR, 6, 30)


def test_template_items_chosen_and_weights_rebalanced(world, client_for, template):
    town = client_for(world.town_staff)
    first = template.items.order_by("position").first()
    town.post(reverse("agreements:template_item_remove", args=[first.pk]))
    assert template.items.count() == 3
    page = town.get(reverse("agreements:template_detail", args=[template.pk])).content.decode()
    assert "合计应为 100" in page and first.list_item.title in page  # now addable again
    town.post(reverse("agreements:template_draft", args=[template.pk]))
    assert not Agreement.objects.exists()  # weights don't sum to 100: drafting refused
    town.post(reverse("agreements:template_rebalance", args=[template.pk]))
    assert sum(i.weight for i in template.items.all()) == Decimal("100")
    town.post(reverse("agreements:template_item_add", args=[template.pk]), {"list_item": first.list_item.pk})
    town.post(reverse("agreements:template_rebalance", args=[template.pk]))
    assert sorted(str(i.weight) for i in template.items.all()) == ["25.00"] * 4
    assert client_for(world.sibling_staff).post(
        reverse("agreements:template_rebalance", args=[template.pk])).status_code == 404


def test_undownloaded_exports_are_removed_after_a_day(world, drafted, monkeypatch):
    import os

    job = services.export_start(actor=world.town_staff, region=world.town_a1, year=YEAR)
    path = job.file_path
    assert os.path.exists(path) and services.export_cleanup() == 0
    ExportJob.objects.filter(pk=job.pk).update(finished_at=job.finished_at - dt.timedelta(hours=25))
    assert services.export_cleanup() == 1 and not os.path.exists(path)
    assert ExportJob.objects.get(pk=job.pk).file_path == ""


def test_api_sign_with_seal_image(world, client_for, drafted):
    from django.core.files.uploadedfile import SimpleUploadedFile

    agreement = drafted[world.village_a1x.code]
    town, village = client_for(world.town_staff), client_for(world.village_staff)
    town.post(f"/api/agreements/{agreement.pk}/transition/", {"action": "submit"}, content_type="application/json")
    for client in (town, village):
        assert client.post(f"/api/agreements/{agreement.pk}/confirm/", {"revision": 1}).status_code == 200
    missing = village.post(f"/api/agreements/{agreement.pk}/sign/", {"signer_name": "张强"})
    assert missing.status_code == 400 and "印章" in missing.json()["error"]["message"]
    seal = SimpleUploadedFile("seal.png", png_bytes(), content_type="image/png")
    ok = village.post(f"/api/agreements/{agreement.pk}/sign/", {"signer_name": "张强", "seal_image": seal})
    assert ok.status_code == 200 and ok.json()["status"] == "signed_by_b"
    assert Agreement.objects.get(pk=agreement.pk).b_seal_image
