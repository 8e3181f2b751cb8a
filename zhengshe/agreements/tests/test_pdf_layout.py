"""The agreement PDF as a town prints it: the draft mark once, money on one line, a table that fills its pages."""

import io
from decimal import Decimal

from pypdf import PdfReader

from zhengshe.agreements import services
from zhengshe.agreements.pdf import agreement_pdf


def _pages(content: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages]


def test_a_draft_and_a_negotiating_text_say_so_once(world, drafted):
    agreement = drafted[world.village_a1x.code]
    text = "".join(_pages(agreement_pdf(agreement))).replace("\n", "")
    assert "（草稿 · 第 1 版" in text and "草稿稿" not in text
    agreement = services.agreement_transition(actor=world.town_staff, agreement=agreement, action="submit")
    text = "".join(_pages(agreement_pdf(agreement))).replace("\n", "")
    assert "（协商稿 · 第" in text and "协商中稿" not in text


def test_money_never_wraps_in_the_item_table(world, drafted):
    """Given items of tens of thousands of yuan (total 121 297.00), each figure prints on one line."""
    agreement = drafted[world.village_a1x.code]
    items = list(agreement.items.filter(removed=False).order_by("position", "id"))
    amounts = [Decimal("72778.20"), Decimal("40318.80"), Decimal("8200.00"), Decimal("0.00")][:len(items)]
    for item, amount in zip(items, amounts):
        item.funding_amount = amount
    lines = [line.strip() for page in _pages(agreement_pdf(agreement, items=items)) for line in page.splitlines()]
    total = f"{sum(amounts):,.2f}"
    assert total == "121,297.00"
    for figure in ["72,778.20", "40,318.80", total]:  # a table cell is a line of its own (the text says "… 元）")
        assert figure in lines, (figure, [x for x in lines if x[:3] in figure])


def test_a_tall_row_splits_across_pages_instead_of_leaving_page_one_half_white(world, drafted):
    """Given items whose requirements run to many lines, the table continues on page 1 as far as it can: a row
    starts on one page and ends on the next, rather than the whole row jumping to page 2."""
    agreement = drafted[world.village_a1x.code]
    items = list(agreement.items.filter(removed=False).order_by("position", "id"))
    for n, item in enumerate(items):
        item.requirements = f"起{n}号" + "按月入户核实登记情况并报送镇民政办，" * 22 + f"止{n}号"
    pages = [p.replace("\n", "") for p in _pages(agreement_pdf(agreement, items=items))]
    split = [n for n in range(len(items)) for i in range(len(pages) - 1)
             if f"起{n}号" in pages[i] and f"止{n}号" not in pages[i] and f"止{n}号" in pages[i + 1]]
    assert split, "every row kept whole: a tall row left the rest of its page white"
    first_row_page = next(i for i, p in enumerate(pages) if "起0号" in p)
    assert first_row_page == 0
    table_pages = [p for p in pages if any(f"起{n}号" in p or f"止{n}号" in p for n in range(len(items)))]
    assert all(p.count("甲方提供的条件") == 1 for p in table_pages), "the header row repeats once per page, on top"
