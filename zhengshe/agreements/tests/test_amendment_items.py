"""Item-level supplementary agreements: add / end / change items; the original stays intact; money, weights,
evaluation and the PDF follow the items in force."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from zhengshe.agreements import selectors, services
from zhengshe.agreements.effective import effective_items
from zhengshe.agreements.models import AgreementItem, Amendment
from zhengshe.agreements.pdf import amendment_pdf
from zhengshe.catalog.models import ItemIdentity, ListItem
from zhengshe.core.errors import ServiceError

from .conftest import YEAR, plan_money


def _a05(world, signed):
    """A fifth item published in the same assisted list (fixed 1 200 元 per committee)."""
    duty_list = signed.template.duty_list
    identity = ItemIdentity.objects.create(region=world.county_a, kind="assisted", key="A05")
    return ListItem.objects.create(duty_list=duty_list, identity=identity, number="A05", category="社会管理",
                                   title="协助开展垃圾分类督导", description="每月督导一次", department="城管办",
                                   funding_follows=True, funding_basis="fixed", funding_amount=Decimal("1200.00"),
                                   position=5)


def _new_amendment(world, signed) -> Amendment:
    return services.amendment_create(actor=world.town_staff, agreement=signed, title="",
                                     content="根据年中工作调整，对协助事项作如下变更。")


def _version(amendment) -> int:
    return Amendment.objects.get(pk=amendment.pk).version


def _item(signed, number) -> AgreementItem:
    return signed.items.get(number=number)


def _terms(item, **changes) -> dict:
    data = {name: getattr(item, name) for name in AgreementItem.TERMS}
    data["funding_amount"] = item.funding_amount
    data.update(changes)
    return data


def _sign(world, amendment):
    if Amendment.objects.get(pk=amendment.pk).funding_delta:
        amendment = plan_money(world, amendment)
    services.amendment_sign(actor=world.village_staff, amendment=amendment, signer_name="张", seal_number="村章")
    return services.amendment_sign(actor=world.town_staff, amendment=Amendment.objects.get(pk=amendment.pk),
                                   signer_name="李", seal_number="镇章")


@pytest.fixture
def amended(world, signed):
    """Add A05 (weight 20), end A04, change A01 (3 150.00 → 3 300.50 元, weight 25 → 30); not signed yet."""
    list_item = _a05(world, signed)
    amendment = _new_amendment(world, signed)
    services.amendment_item_add(actor=world.town_staff, amendment=amendment, version=_version(amendment),
                                list_item=list_item, data={"weight": Decimal("20")}, reason="新增垃圾分类工作")
    services.amendment_item_remove(actor=world.town_staff, amendment=amendment, version=_version(amendment),
                                   item=_item(signed, "A04"), ends_on=dt.date(YEAR, 7, 1),
                                   funding_amount=Decimal("0"), reason="征兵登记改由武装部直接办理")
    return amendment, list_item


def test_add_remove_change_then_sign_leaves_the_original_byte_for_byte(world, signed, amended):
    amendment, _list_item = amended
    originals = list(AgreementItem.objects.filter(agreement=signed).order_by("pk").values())
    allocated_before = selectors.ledger_totals(signed)["allocated"]
    assert allocated_before == Decimal("8500.00")

    # Weights in force would be 25 + 25 + 25 + 20 = 95: signing is refused, with the reason.
    with pytest.raises(ServiceError, match="权重合计应为 100，当前为 95"):
        services.amendment_sign(actor=world.village_staff, amendment=amendment, signer_name="张", seal_number="村章")

    a01 = _item(signed, "A01")
    services.amendment_item_change(
        actor=world.town_staff, amendment=amendment, version=_version(amendment), item=a01,
        data=_terms(a01, funding_amount=Decimal("3300.50"), weight=Decimal("30"), requirements="每季度上报流动人口变动"),
        reason="外来人口增加，工作量上升")
    amendment = _sign(world, amendment)
    assert amendment.status == "in_force"
    # +1 200.00 (A05) + 0 (A04 kept 0 of 0) + 150.50 (A01) = 1 350.50
    assert amendment.funding_delta == Decimal("1350.50")

    after = list(AgreementItem.objects.filter(pk__in=[o["id"] for o in originals]).order_by("pk").values())
    assert after == originals  # the signed agreement's own items: not one value changed

    effective = {e.number: e for e in effective_items(signed)}
    assert sorted(effective) == ["A01", "A02", "A03", "A05"]
    assert effective["A01"].funding_amount == Decimal("3300.50") and effective["A01"].weight == Decimal("30")
    assert effective["A01"].requirements == "每季度上报流动人口变动" and effective["A01"].changed_by == [amendment]
    assert effective["A05"].added_by == amendment and effective["A05"].funding_amount == Decimal("1200.00")
    assert effective["A05"].item.list_item.number == "A05"  # the published version it was added from
    assert sum(e.weight for e in effective.values()) == Decimal("100")
    # before the end date the ended item is still in force, marked with its end (as if signed on 1 June)
    Amendment.objects.filter(pk=amendment.pk).update(a_signed_at=amendment.a_signed_at.replace(year=YEAR, month=6,
                                                                                                day=1))
    mid_year = {e.number: e for e in effective_items(signed, as_of=dt.date(YEAR, 6, 30))}
    assert mid_year["A04"].ends_on == dt.date(YEAR, 7, 1)

    fresh = type(signed).objects.get(pk=signed.pk)
    assert selectors.ledger_totals(fresh)["allocated"] == Decimal("9850.50") == fresh.funds_allocated
    assert fresh.funds_allocated - allocated_before == Decimal("1350.50")
    by_item = {r["key"]: r["allocated"] for r in selectors.funds_rollup(world.district_admin, year=YEAR, group="item")}
    assert by_item["A01"] == Decimal("3300.50") and by_item["A05"] == Decimal("1200.00")


def test_a_reduction_lowers_allocated_not_withheld(world, signed):
    amendment = _new_amendment(world, signed)
    a03 = _item(signed, "A03")
    services.amendment_item_change(actor=world.town_staff, amendment=amendment, version=_version(amendment), item=a03,
                                   data=_terms(a03, funding_amount=Decimal("4000.25")), reason="工作量减少")
    _sign(world, amendment)
    totals = selectors.ledger_totals(signed)
    assert totals["allocated"] == Decimal("7500.25") and totals["withheld"] == Decimal("0")


def test_item_lines_frozen_once_signed(world, client_for, signed, amended):
    amendment, _ = amended
    a01 = _item(signed, "A01")
    services.amendment_item_change(actor=world.town_staff, amendment=amendment, version=_version(amendment),
                                   item=a01, data=_terms(a01, weight=Decimal("30")), reason="调整权重")
    amendment = plan_money(world, amendment)
    services.amendment_sign(actor=world.village_staff, amendment=amendment, signer_name="张", seal_number="村章")
    a02 = _item(signed, "A02")
    with pytest.raises(ServiceError, match="补充协议已签署或已撤销") as exc:
        services.amendment_item_change(actor=world.town_staff, amendment=amendment, version=_version(amendment),
                                       item=a02, data=_terms(a02, weight=Decimal("10")), reason="再调整")
    assert exc.value.code == "frozen"
    town = client_for(world.town_staff)
    url = reverse("agreements:amendment_item_change", args=[amendment.pk, a02.pk])
    response = town.post(url, {**{k: v for k, v in _terms(a02, weight="10").items() if v is not None},
                               "version": _version(amendment), "reason": "再调整"})
    assert "补充协议已签署或已撤销，其中的事项变更不可再修改。" in response.content.decode()
    assert amendment.items.count() == 3  # nothing was added


def test_stale_version_is_refused_and_input_kept(world, client_for, signed, amended):
    amendment, _ = amended
    a02 = _item(signed, "A02")
    town = client_for(world.town_staff)
    url = reverse("agreements:amendment_item_change", args=[amendment.pk, a02.pk])
    data = {**{k: v for k, v in _terms(a02, weight="45").items() if v is not None}, "version": 1,
            "reason": "我输入的理由"}
    page = town.post(url, data).content.decode()
    assert "已被他人修改" in page and "我输入的理由" in page
    assert not amendment.items.filter(item=a02).exists()


def test_amendment_pages_add_change_remove(world, client_for, signed):
    list_item = _a05(world, signed)
    amendment = _new_amendment(world, signed)
    town = client_for(world.town_staff)
    page = town.get(amendment.get_absolute_url()).content.decode()
    assert "增加清单事项" in page and "A04" in page
    response = town.post(reverse("agreements:amendment_item_add", args=[amendment.pk]),
                         {"version": _version(amendment), "list_item": list_item.pk, "weight": "25",
                          "reason": "新增"})
    assert response.status_code == 302
    response = town.post(reverse("agreements:amendment_item_remove", args=[amendment.pk, _item(signed, "A04").pk]),
                         {"version": _version(amendment), "ends_on": f"{YEAR}-07-01", "funding_amount": "0",
                          "reason": "改由武装部办理"})
    assert response.status_code == 302
    # A bad end date is refused in Chinese and nothing is written
    page = town.post(reverse("agreements:amendment_item_remove", args=[amendment.pk, _item(signed, "A03").pk]),
                     {"version": _version(amendment), "ends_on": f"{YEAR + 1}-07-01", "funding_amount": "0",
                      "reason": "x"}).content.decode()
    assert "终止日期须在协议履行期限内" in page
    detail = town.get(amendment.get_absolute_url()).content.decode()
    assert "增加事项" in detail and "终止事项" in detail and "协助开展垃圾分类督导" in detail
    assert _sign(world, amendment).status == "in_force"
    page = town.get(reverse("agreements:detail", args=[signed.pk])).content.decode()
    assert "现行事项（经补充协议变更）" in page and "补充协议（1）增加" in page


def test_amendment_pdf_lists_changed_items_with_old_and_new_amounts(world, signed, amended):
    amendment, _ = amended
    a01 = _item(signed, "A01")
    services.amendment_item_change(actor=world.town_staff, amendment=amendment, version=_version(amendment),
                                   item=a01, data=_terms(a01, funding_amount=Decimal("3300.50"), weight=Decimal("30")),
                                   reason="工作量上升")
    amendment = _sign(world, amendment)
    content = amendment_pdf(amendment)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).replace("\n", "")
    for expected in ("增加事项", "终止事项", "变更事项", "协助开展垃圾分类督导", "协助征兵宣传与适龄青年登记",
                     "3,150.00", "3,300.50", "1,200.00", "+150.50", "壹仟叁佰伍拾元零伍角整"):
        assert expected in text, (expected, text)
    fonts = {str(f.get_object()["/BaseFont"]) for page in PdfReader(io.BytesIO(content)).pages
             for f in page["/Resources"]["/Font"].values()}
    assert any("Zhengshe" in f or "WenQuanYi" in f or "Micro" in f for f in fonts), fonts


def test_evaluation_grades_against_the_items_in_force(world, signed, amended):
    from zhengshe.core.indicators import get_source

    amendment, _ = amended
    a01 = _item(signed, "A01")
    services.amendment_item_change(actor=world.town_staff, amendment=amendment, version=_version(amendment),
                                   item=a01, data=_terms(a01, weight=Decimal("30")), reason="调整权重")
    _sign(world, amendment)
    added = signed.items.get(number="A05")
    assert added.added_by is not None
    for item in (a01, added):
        services.progress_report(actor=world.village_staff, item=item, status="done")
    source = get_source("agreements.items_done_share")
    # in force: A01 (done), A02, A03, A05 (done) — A04 ended by the amendment: 2 of 4
    assert source.func(region=world.village_a1x, year=YEAR) == Decimal("0.5000")
    assert source.batch(regions=[world.village_a1x], year=YEAR)[world.village_a1x.pk] == Decimal("0.5000")
    from zhengshe.agreements.selectors import agreement_for

    assert agreement_for(world.village_a1x, YEAR).pk == signed.pk


def test_adding_items_after_a_manual_money_change_is_refused(world, signed):
    list_item = _a05(world, signed)
    amendment = services.amendment_create(actor=world.town_staff, agreement=signed, title="", content="条款",
                                          funding_delta=Decimal("500"))
    with pytest.raises(ServiceError, match="为免重复计算"):
        services.amendment_item_add(actor=world.town_staff, amendment=amendment, version=_version(amendment),
                                    list_item=list_item, data={"weight": Decimal("0")}, reason="x")
