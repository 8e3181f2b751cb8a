"""Imports that can't hang a worker: a zip bomb and an oversized file are refused with a Chinese message before
they are read in full (the header first, rows counted while streaming, the unpacked size capped)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhengshe.regions import services as region_services
from zhengshe.utilities import excel
from zhengshe.utilities.excel import ImportFileError, build_workbook, read_table

HEADERS = region_services.IMPORT_HEADERS


def _bomb(unpacked_mb: int = 184) -> bytes:
    """A real workbook plus one part that inflates from a few hundred KB to ``unpacked_mb`` MB of zeros."""
    good = zipfile.ZipFile(io.BytesIO(build_workbook(HEADERS, [["320581100299", "x"] + [""] * (len(HEADERS) - 2)])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for member in good.infolist():
            bomb.writestr(member, good.read(member))
        with bomb.open("xl/media/padding.bin", "w") as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(unpacked_mb):
                part.write(chunk)
    return out.getvalue()


def test_a_zip_bomb_is_refused_by_its_declared_size():
    data = _bomb()
    assert len(data) < 1024 * 1024  # under a megabyte on the wire
    with pytest.raises(ImportFileError, match="疑似压缩炸弹"):
        read_table(SimpleUploadedFile("炸弹.xlsx", data), HEADERS)


def test_a_zip_bomb_uploaded_to_an_import_page_gets_the_message_not_a_server_error(world, client_for):
    client = client_for(world.district_admin)
    client.raise_request_exception = False
    response = client.post(reverse("regions:import"), {"file": SimpleUploadedFile("炸弹.xlsx", _bomb())})
    assert response.status_code == 200 and "疑似压缩炸弹" in response.content.decode()


def test_too_many_rows_are_refused_while_counting(monkeypatch):
    monkeypatch.setattr(excel, "MAX_IMPORT_ROWS", 50)
    rows = [[f"3205811{n:05d}", f"村{n}"] + [""] * (len(HEADERS) - 2) for n in range(51)]
    with pytest.raises(ImportFileError, match="一次最多导入 50 行"):
        read_table(SimpleUploadedFile("多.xlsx", build_workbook(HEADERS, rows)), HEADERS)
    assert len(read_table(SimpleUploadedFile("刚好.xlsx", build_workbook(HEADERS, rows[:50])), HEADERS)) == 50


def test_the_header_is_checked_before_the_rows_are_read():
    """A file with a wrong header fails on its first row: the generator never reaches the (broken) rest."""
    def rows():
        yield ["代码", "名称"]
        raise AssertionError("the rows after a wrong header were read")

    with pytest.raises(ImportFileError, match="表头不正确"):
        excel._check_headers(next(rows()), HEADERS, None)
    data = b"\xef\xbb\xbf" + "代码,名称\n".encode() + b"1,2\n" * 200_000
    with pytest.raises(ImportFileError, match="表头不正确"):
        read_table(SimpleUploadedFile("错表头.csv", data), HEADERS)


def test_row_numbers_are_the_rows_of_the_file_even_after_blank_rows():
    rows = [["320581100298", "甲"] + [""] * (len(HEADERS) - 2), [None] * len(HEADERS),
            ["320581100299", "乙"] + [""] * (len(HEADERS) - 2)]
    numbers = [n for n, _record in read_table(SimpleUploadedFile("空行.xlsx", build_workbook(HEADERS, rows)), HEADERS)]
    assert numbers == [2, 4]
