"""The community's side: recording an unlisted ask, refusing it with a PDF notice, counting it."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from zhengshe.catalog import selectors, services
from zhengshe.core.errors import NotAllowed, ServiceError
from zhengshe.core.indicators import get_source

from . import factories as f

pytestmark = pytest.mark.django_db


def _pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def test_refusal_notice_pdf_names_community_department_and_rule(world, client_for):
    ask = f.ask(world, title="要求填报创文入户调查表")
    refused = services.ask_refuse(actor=world.village_staff, ask=ask)
    assert refused.outcome == "refused"
    assert refused.notice_number == f"{world.village_a1x.name}拒告〔{refused.refused_on.year}〕{world.village_a1x.code}-1号"
    response = client_for(world.village_staff).get(reverse("catalog:ask_notice", args=[ask.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content).replace("\n", "")
    assert "拒绝执行告知书" in text
    assert world.village_a1x.name in text  # the community
    assert "甲县1镇社会事业局" in text  # the asking department
    assert "城市居民委员会组织法" in text and "凡进必审" in text  # the rule (village A1x is a 社区)
    assert "要求填报创文入户调查表" in text


def test_refusal_of_an_admission_not_covering_the_village(world):
    approved = f.admission(world, approve=True, approved_regions=[world.village_a1x])
    # the sibling village is outside the approved scope: it may record and refuse
    ask = services.ask_record(actor=world.sibling_staff, region=world.village_a1y, received_on=None,
                              department="甲县1镇社会事业局", kind="ledger", title=approved.title, admission=approved)
    services.ask_refuse(actor=world.sibling_staff, ask=ask)
    # the covered village may not treat it as unlisted
    with pytest.raises(ServiceError):
        services.ask_record(actor=world.village_staff, region=world.village_a1x, received_on=None,
                            department="甲县1镇社会事业局", kind="ledger", title=approved.title, admission=approved)


def test_an_ask_citing_an_admission_that_does_not_cover_the_village_is_flagged_on_the_page(world, client_for):
    """Issue 12 point 19: the village sees at entry, and on the ask's page, why the cited admission is no ground —
    outside its scope, or not yet in force on the day the ask was received — not only in the PDF."""
    from datetime import date

    approved = f.admission(world, approve=True, approved_regions=[world.village_a1x])
    client = client_for(world.sibling_staff)
    data = {"region": world.village_a1y.pk, "received_on": "2026-09-14", "department": "甲县1镇社会事业局",
            "kind": "ledger", "title": approved.title, "admission": approved.pk}
    page = client.post(reverse("catalog:ask_create"), data, follow=True)
    text = page.content.decode()
    gap = f"所称准入（{approved.register_number}）的准入范围不包括{world.village_a1y.name}。"
    assert page.status_code == 200 and "请注意：" + gap in text
    ask = approved.asks.get()
    detail = client.get(ask.get_absolute_url()).content.decode()
    assert 'id="admission-gap"' in detail and gap in detail
    later = f.admission(world, title="明年的台账")
    services.admission_approve(actor=world.district_admin, admission=later, mode="list", regions=[world.village_a1x],
                               valid_from=date(2027, 1, 1), valid_until=date(2027, 12, 31), comment="同意")
    later.refresh_from_db()
    early = services.ask_record(actor=world.village_staff, region=world.village_a1x, received_on=None,
                                department="甲县1镇社会事业局", kind="ledger", title=later.title, admission=later)
    text = client_for(world.village_staff).get(early.get_absolute_url()).content.decode()
    assert f"所称准入（{later.register_number}）自 2027-01-01 起生效，收到要求的 2026-09-15 尚未生效。" in text
    covered = services.ask_record(actor=world.village_staff, region=world.village_a1x, received_on=None,
                                  department="甲县1镇社会事业局", kind="task", title="另一事项")
    assert 'id="admission-gap"' not in client_for(world.village_staff).get(covered.get_absolute_url()).content.decode()
    refused = services.ask_refuse(actor=world.village_staff, ask=early)
    pdf = _pdf_text(client_for(world.village_staff).get(reverse("catalog:ask_notice", args=[refused.pk])).content)
    assert "尚未生效" in pdf.replace("\n", "")


def test_only_the_village_itself_records(world):
    with pytest.raises(NotAllowed):
        services.ask_record(actor=world.sibling_staff, region=world.village_a1x, received_on=None, department="d",
                            kind="task", title="t")
    ask = f.ask(world)
    with pytest.raises(NotAllowed):
        services.ask_refuse(actor=world.sibling_staff, ask=ask)
    services.ask_refuse(actor=world.village_staff, ask=ask)
    with pytest.raises(ServiceError):  # refused once, final
        services.ask_refuse(actor=world.village_staff, ask=ask)


def test_refusals_count_against_the_department_and_feed_evaluation(world):
    f.ask(world, refuse=True)
    f.ask(world, refuse=True, department="甲县公安局")
    f.ask(world, region=world.village_a1y, refuse=True)
    pending = f.ask(world)
    legit = f.ask(world, title="其实在清单里")
    services.ask_set_outcome(actor=world.village_staff, ask=legit, outcome="legitimate", note="协助清单第3项")
    year = pending.received_on.year
    assert selectors.refusal_count(region=world.town_a1, year=year) == 3
    assert selectors.refusal_count(region=world.town_a1, year=year, department="甲县1镇社会事业局") == 2
    assert selectors.refusal_count(region=world.village_a1x, year=year) == 2
    assert selectors.refusal_count(region=world.town_a1, year=year - 1) == 0
    assert selectors.refusal_count(region=world.county_b, year=year) == 0
    assert selectors.admission_violations(region=world.town_a1, year=year) == 4  # 3 refused + 1 pending
    assert get_source("catalog.refusals").func(region=world.county_a, year=year, department="甲县公安局") == 1
    assert get_source("catalog.admission_violations").unit == "count"


def test_two_villages_of_the_same_name_never_issue_the_same_notice_number(world):
    """Given two villages both called 新湖村 (in different towns), when each refuses its first ask of the year,
    then the two notices carry different numbers (the village code is in them), and the database refuses a
    second notice with a number its village already used."""
    from django.db import IntegrityError, transaction

    from zhengshe.catalog.models import UnlistedAsk
    from zhengshe.regions.models import Region

    Region.objects.filter(pk__in=[world.village_a1x.pk, world.village_a2x.pk]).update(name="新湖村")
    first = services.ask_refuse(actor=world.village_staff, ask=f.ask(world))
    other = services.ask_refuse(actor=world.district_admin, ask=f.ask(world, region=world.village_a2x))
    assert first.notice_number.startswith("新湖村拒告") and other.notice_number.startswith("新湖村拒告")
    assert first.notice_number != other.notice_number
    second = services.ask_refuse(actor=world.village_staff, ask=f.ask(world, title="第二件"))
    assert second.notice_number.endswith("-2号")
    with pytest.raises(IntegrityError), transaction.atomic():
        UnlistedAsk.objects.filter(pk=second.pk).update(notice_number=first.notice_number)
