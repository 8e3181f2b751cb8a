"""The agreement PDF: text (parties, every item, amounts), embedded CJK font, real glyphs when rendered."""

import io
import subprocess
from decimal import Decimal

import pytest
from pypdf import PdfReader

from zhengshe.agreements.pdf import agreement_pdf, stream_zip, yuan_uppercase


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def test_pdf_text_contains_parties_items_and_amounts(world, signed):
    content = agreement_pdf(signed)
    text = _text(content).replace("\n", "")
    assert signed.party_a_name in text and signed.party_b_name in text
    for item in signed.items.all():
        assert item.title in text
        assert f"{item.funding_amount:,.2f}" in text
    assert "8,500.00" in text and "捌仟伍佰元整" in text
    for heading in ("履约评估", "甲方违约责任", "乙方违约责任", "争议解决", "第一条"):
        assert heading in text
    assert "二〇" in text and "张村长" in text and "镇章-001" in text  # Chinese date, signer, seal number


def test_pdf_embeds_the_cjk_font(world, signed):
    reader = PdfReader(io.BytesIO(agreement_pdf(signed)))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    cjk = [f for name, f in fonts.items() if "Zhengshe" in name or "WenQuanYi" in name or "Micro" in name]
    assert cjk, f"no CJK font among {list(fonts)}"
    descriptor = cjk[0].get("/FontDescriptor") or cjk[0]["/DescendantFonts"][0].get_object()["/FontDescriptor"]
    assert "/FontFile2" in descriptor.get_object(), "TrueType font program is not embedded"


def _title_ink(tmp_path, title: str) -> tuple[int, bytes]:
    from PIL import Image

    from zhengshe.utilities.pdf import OfficialDocument

    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(OfficialDocument(title).paragraph("正文").render())
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
    png = next(tmp_path.glob("p*.png"))
    with Image.open(png) as img:
        width, height = img.size
        area = img.convert("L").crop((0, int(height * 0.10), width, int(height * 0.20)))  # the title band
        ink = sum(1 for v in area.tobytes() if v < 200)
        data = area.tobytes()
    png.unlink()
    return ink, data


def test_rendered_title_shows_glyphs_not_boxes(tmp_path):
    ink_a, pixels_a = _title_ink(tmp_path, "协助管理协议书")
    ink_b, pixels_b = _title_ink(tmp_path, "双凤镇新湖村委托协议")
    assert ink_a > 150 and ink_b > 150
    assert pixels_a != pixels_b and ink_a != ink_b


def test_rendering_signed_agreement_to_png(world, signed, tmp_path):
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(agreement_pdf(signed))
    out = subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "a")],
                         capture_output=True)
    assert out.returncode == 0 and list(tmp_path.glob("a*.png"))


def test_zip_stream_holds_one_pdf_per_agreement(world, drafted):
    import zipfile

    from zhengshe.agreements.models import Agreement

    body = b"".join(stream_zip(Agreement.objects.filter(pk__in=[a.pk for a in drafted.values()]).order_by("id")))
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        names = archive.namelist()
        assert len(names) == 3 and all(n.endswith(".pdf") for n in names)
        assert archive.read(names[0]).startswith(b"%PDF")


@pytest.mark.parametrize("value,words", [
    ("8500", "捌仟伍佰元整"), ("10005.5", "壹万零伍元伍角整"), ("100000", "壹拾万元整"), ("1050.05", "壹仟零伍拾元零伍分"),
    ("0.3", "叁角整"), ("120034", "壹拾贰万零叁拾肆元整"), ("0", "零元整")])
def test_amount_in_words(value, words):
    assert yuan_uppercase(Decimal(value)) == words
