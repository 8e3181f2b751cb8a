"""Real PDFs with an embedded CJK font, laid out in the spirit of GB/T 9704 official documents.

The font (WenQuanYi Micro Hei, TrueType outlines) is embedded as a subset, so a PDF renders the same
on a machine with no Chinese fonts. ``OfficialDocument`` gives the common pieces: red-head issuing
body, title, document number, numbered clauses, tables, signature and seal blocks, Chinese dates.
"""

from __future__ import annotations

import io
import re
from datetime import date
from functools import lru_cache
from xml.sax.saxutils import escape

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import HRFlowable, Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .dates import chinese_date, local_date

FONT = "ZhengsheCJK"
# The text block of an A4 page with the margins ``render`` uses (GB/T 9704: 156 mm), and a table cell's side padding.
FRAME_WIDTH = A4[0] - 28 * mm - 26 * mm
CELL_PADDING = 4
# A figure as tables print it: 8,500.00, +7,190.00, -12, 100, 12.5%.
_FIGURE = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?")


class FontMissing(RuntimeError):
    pass


@lru_cache(maxsize=1)
def register_font() -> str:
    path = settings.PDF_CJK_FONT
    try:
        font = TTFont(FONT, path, subfontIndex=0) if path.endswith(".ttc") else TTFont(FONT, path)
    except Exception as exc:
        raise FontMissing(f"CJK font not found at {path}: run `make deps` (installs fonts-wqy-microhei)") from exc
    pdfmetrics.registerFont(font)
    return FONT


def styles() -> dict[str, ParagraphStyle]:
    font = register_font()
    base = ParagraphStyle("body", fontName=font, fontSize=12, leading=21, wordWrap="CJK", alignment=TA_JUSTIFY,
                          firstLineIndent=24)
    return {
        "body": base,
        "plain": ParagraphStyle("plain", parent=base, firstLineIndent=0),
        "red_head": ParagraphStyle("red_head", parent=base, fontSize=22, leading=30, textColor=colors.HexColor("#C00000"),
                                   alignment=TA_CENTER, firstLineIndent=0),
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=28, alignment=TA_CENTER, firstLineIndent=0,
                                spaceBefore=6, spaceAfter=10),
        "doc_no": ParagraphStyle("doc_no", parent=base, fontSize=12, alignment=TA_CENTER, firstLineIndent=0),
        "heading": ParagraphStyle("heading", parent=base, fontSize=13, leading=22, firstLineIndent=0, spaceBefore=6),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=13, firstLineIndent=0, alignment=0),
        "cell_num": ParagraphStyle("cell_num", parent=base, fontSize=9.5, leading=13, firstLineIndent=0,
                                   alignment=TA_RIGHT),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT, firstLineIndent=0),
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=12, firstLineIndent=0),
    }


def para(text, style: ParagraphStyle) -> Paragraph:
    """A paragraph of user text: escaped, so nothing in it is read as markup."""
    return Paragraph(escape(str(text if text is not None else "")).replace("\n", "<br/>"), style)


def _numeric_columns(rows: list[list], count: int) -> set[int]:
    """Columns whose every filled body cell is a figure."""
    columns = set()
    for i in range(count):
        cells = [str(row[i]).strip() for row in rows if i < len(row) and str(row[i] if row[i] is not None else "").strip()]
        if cells and all(_FIGURE.fullmatch(c) for c in cells):
            columns.add(i)
    return columns


def _fit_widths(col_widths: list[float], rows: list[list], numeric: set[int], style: ParagraphStyle) -> list[float]:
    """``col_widths`` with each number column at least as wide as its widest figure (so "121,297.00" stays on one
    line), the text columns narrowed in proportion so the table keeps within the page."""
    widths = list(col_widths)
    for i in numeric:
        figures = [str(row[i]) for row in rows if i < len(row) and row[i] is not None]
        need = max((pdfmetrics.stringWidth(f, style.fontName, style.fontSize) for f in figures), default=0)
        widths[i] = max(widths[i], need + 2 * CELL_PADDING + 1)
    text = [i for i in range(len(widths)) if i not in numeric]
    room = FRAME_WIDTH - sum(widths[i] for i in numeric)
    text_total = sum(widths[i] for i in text)
    if text and text_total > room > 0:
        for i in text:
            widths[i] *= room / text_total
    return widths


class OfficialDocument:
    """Builder for an official-document PDF. Add pieces in order, then ``render()`` → bytes."""

    def __init__(self, title: str, *, issuer: str = "", doc_number: str = "", author: str = "政社 Zhengshe"):
        self.title = title
        self.issuer = issuer
        self.doc_number = doc_number
        self.author = author
        self.s = styles()
        self.story: list = []
        if issuer:
            self.story.append(para(issuer, self.s["red_head"]))
            if doc_number:
                self.story.append(para(doc_number, self.s["doc_no"]))
            self.story.append(HRFlowable(width="100%", thickness=2, color=colors.HexColor("#C00000"), spaceBefore=4,
                                         spaceAfter=10))
        self.story.append(para(title, self.s["title"]))

    def paragraph(self, text: str, style: str = "body") -> OfficialDocument:
        self.story.append(para(text, self.s[style]))
        return self

    def heading(self, text: str) -> OfficialDocument:
        return self.paragraph(text, "heading")

    def clauses(self, items: list[str], *, start: int = 1, numbering: str = "第{n}条") -> OfficialDocument:
        from .dates import chinese_number

        for i, text in enumerate(items, start=start):
            label = numbering.format(n=chinese_number(i) if i < 100 else i)
            self.story.append(para(f"{label}　{text}", self.s["body"]))
        return self

    def table(self, headers: list[str], rows: list[list], *, col_widths: list[float] | None = None) -> OfficialDocument:
        """A ruled table. Number columns (money, shares, counts) are right-aligned and never wrap: their width grows
        to the widest figure and the text columns give way, within the page. Rows split across pages (a tall row
        does not leave half a page white) and the header row repeats on every page."""
        numeric = _numeric_columns(rows, len(headers))
        data = [[para(h, self.s["cell"]) for h in headers]]
        data += [[para(c, self.s["cell_num"] if i in numeric else self.s["cell"]) for i, c in enumerate(row)]
                 for row in rows]
        widths = _fit_widths(col_widths, rows, numeric, self.s["cell_num"]) if col_widths else None
        # A row that does not fit is split where the page ends (at least two lines on each side); splitting between
        # rows first would put the rest of the table, header and all, under the rows that fit, on the same page.
        table = Table(data, colWidths=widths, repeatRows=1, splitByRow=0, splitInRow=2 * self.s["cell"].leading)
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING), ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ]))
        self.story += [Spacer(1, 4), table, Spacer(1, 8)]
        return self

    def signatures(self, blocks: list[dict]) -> OfficialDocument:
        """Side-by-side signature blocks: [{"party": ..., "signer": ..., "date": date|datetime|None, "seal": bytes|None}].

        A datetime is printed as its Beijing day (a signature at 04:59 local time is the previous day in UTC)."""
        cells = []
        for block in blocks:
            lines = [para(block.get("party", ""), self.s["plain"])]
            if block.get("seal"):
                try:
                    lines.append(Image(io.BytesIO(block["seal"]), width=30 * mm, height=30 * mm))
                except Exception:  # an unreadable seal image must not break the document
                    lines.append(para("（盖章）", self.s["plain"]))
            else:
                lines.append(para(block.get("seal_text") or "（盖章）", self.s["plain"]))
            lines.append(para(f"代表人（签字）：{block.get('signer') or ''}", self.s["plain"]))
            signed = block.get("date")
            lines.append(para(chinese_date(local_date(signed)) if isinstance(signed, date) else "　　年　　月　　日", self.s["plain"]))
            cells.append(lines)
        table = Table([cells], colWidths=[(A4[0] - 50 * mm) / max(1, len(cells))] * len(cells))
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        self.story += [Spacer(1, 18), table]
        return self

    def spacer(self, height_mm: float = 6) -> OfficialDocument:
        self.story.append(Spacer(1, height_mm * mm))
        return self

    def render(self) -> bytes:
        out = io.BytesIO()
        doc = SimpleDocTemplate(out, pagesize=A4, topMargin=37 * mm, bottomMargin=35 * mm, leftMargin=28 * mm,
                                rightMargin=26 * mm, title=self.title, author=self.author)
        font = register_font()

        def page_number(canvas, document):
            canvas.saveState()
            canvas.setFont(font, 10)
            canvas.drawCentredString(A4[0] / 2, 20 * mm, f"— {document.page} —")
            canvas.restoreState()

        doc.build(self.story, onFirstPage=page_number, onLaterPages=page_number)
        return out.getvalue()


def pdf_response(content: bytes, filename: str, *, inline: bool = False):
    from django.http import HttpResponse
    from django.utils.encoding import escape_uri_path

    response = HttpResponse(content, content_type="application/pdf")
    kind = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{kind}; filename*=UTF-8''{escape_uri_path(filename)}"
    return response
