"""Excel in and out: strict headers, row-level errors in Chinese, all-or-nothing imports.

``read_table(upload, headers)`` checks the header row and yields (row_number, {header: value});
``run_import(rows, handle_row)`` calls ``handle_row`` per row inside one transaction and rolls it
all back when any row failed, returning every row's errors. ``workbook_response`` writes a sheet.
"""

from __future__ import annotations

import contextlib
import contextvars
import csv
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .dates import local

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What one request may import (a background import job: settings.IMPORT_JOB_MAX_ROWS). A file is refused before it is read in full: an .xlsx whose parts would unpack to
# more than MAX_UNPACKED_BYTES (or at a ratio no spreadsheet has: a zip bomb), and any file past MAX_IMPORT_ROWS
# rows, counted while streaming — both answered in well under 2 s with a message, never a worker killed at 30 s.
MAX_IMPORT_ROWS = 20_000
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_PACK_RATIO = 200


# Who wants to hear how far a read has got (a background import job's progress row): called with the number of
# rows read so far while streaming, and with ``final=True`` once the whole file is counted. Set by the job runner
# around one import (``reading_progress``); None in a request.
_progress: contextvars.ContextVar = contextvars.ContextVar("zhengshe_import_progress", default=None)
PROGRESS_EVERY = 500


_row_cap: contextvars.ContextVar = contextvars.ContextVar("zhengshe_import_row_cap", default=None)


@contextlib.contextmanager
def reading_progress(callback, *, max_rows: int | None = None):
    """Within the block, ``read_table`` reports ``callback(rows_read, final=False)`` every PROGRESS_EVERY rows
    and ``callback(rows_total, final=True)`` at the end (before any row is checked or written); ``max_rows``
    replaces the per-request MAX_IMPORT_ROWS (a background job may read more)."""
    token, cap = _progress.set(callback), _row_cap.set(max_rows)
    try:
        yield
    finally:
        _progress.reset(token)
        _row_cap.reset(cap)


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong type, wrong headers, empty)."""


@dataclass
class RowError:
    row: int
    messages: list[str]

    def __str__(self):
        return _("第 %(row)d 行：%(msg)s") % {"row": self.row, "msg": "；".join(self.messages)}


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error

    def add(self, row: int, *messages: str) -> None:
        for existing in self.errors:
            if existing.row == row:
                existing.messages.extend(messages)
                return
        self.errors.append(RowError(row, list(messages)))


def nonnegative_int(value, label: str, report: ImportReport, row: int, *, default=None):
    """A cell read as a non-negative whole number ("1,200" accepted); otherwise a row error and ``default``."""
    if value in (None, ""):
        return default
    try:
        number = int(str(value).replace(",", ""))
        if number < 0:
            raise ValueError
        return number
    except ValueError:
        report.add(row, _("%(label)s“%(value)s”不是非负整数") % {"label": label, "value": value})
        return default


def _clean_cell(value):
    if isinstance(value, str):
        value = value.strip()
        if value.startswith("'") and value[1:2] and value[1:].startswith(FORMULA_TRIGGERS):
            value = value[1:].strip()  # our own export's neutralised text, coming back
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _check_xlsx_container(data: bytes) -> None:
    """Refuse an .xlsx (a zip) whose declared contents are too big to unpack, before any of it is unpacked.

    Python's zipfile never inflates a member past its declared size, so the declared sizes are a real bound."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ImportFileError(_("无法读取该文件：请上传 .xlsx 或 .csv 格式的表格。")) from exc
    unpacked = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if unpacked > MAX_UNPACKED_BYTES or (unpacked > 8 * 1024 * 1024 and unpacked / packed > MAX_PACK_RATIO):
        raise ImportFileError(_("文件解压后达 %(mb)d MB，超过 %(limit)d MB 的上限（疑似压缩炸弹），已拒绝。") % {
            "mb": unpacked // (1024 * 1024), "limit": MAX_UNPACKED_BYTES // (1024 * 1024)})


def _raw_rows(name: str, data: bytes):
    """The file's rows as lists, streamed (an .xlsx is never loaded whole)."""
    if name.lower().endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportFileError(_("无法识别 CSV 文件的编码，请另存为 UTF-8。"))
        yield from csv.reader(io.StringIO(text))
        return
    _check_xlsx_container(data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a non-xlsx file
        raise ImportFileError(_("无法读取该文件：请上传 .xlsx 或 .csv 格式的表格。")) from exc
    try:
        for row in ws.iter_rows(values_only=True):
            yield list(row)
    finally:
        wb.close()


def _check_headers(first_row, headers, required) -> list[str]:
    found = [str(c).strip() if c is not None else "" for c in first_row]
    found_set = {h for h in found if h}
    missing = [h for h in (required or headers) if h not in found_set]
    unknown = [h for h in found if h and h not in headers]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("缺少列：%s") % "、".join(missing))
        if unknown:
            parts.append(_("无法识别的列：%s") % "、".join(unknown))
        raise ImportFileError(_("表头不正确（%(detail)s）。应为：%(expected)s") % {
            "detail": "；".join(parts), "expected": "、".join(headers)})
    return found


def read_table(upload, headers: list[str], *, required: Iterable[str] | None = None):
    """Read an .xlsx or .csv upload whose first row holds ``headers`` (order free, extra columns refused).

    The header is checked first and rows are counted while streaming, so a wrong or oversized file is refused
    before it is read in full. Returns a list of (row_number, dict). Raises ImportFileError with a Chinese message.
    """
    name = getattr(upload, "name", "") or ""
    data = upload.read() if hasattr(upload, "read") else upload
    if not data:
        raise ImportFileError(_("文件为空。"))
    numbered = ((n, r) for n, r in enumerate(_raw_rows(name, data), start=1)
                if any(c not in (None, "") for c in r))
    first = next(numbered, None)
    if first is None:
        raise ImportFileError(_("文件中没有数据。"))
    found = _check_headers(first[1], headers, required)
    rows = []
    progress, cap = _progress.get(), _row_cap.get() or MAX_IMPORT_ROWS
    for index, raw in itertools.islice(numbered, cap + 1):
        if len(rows) == cap:
            raise ImportFileError(_("一次最多导入 %d 行，请拆分后分批导入。") % cap)
        if progress is not None and rows and len(rows) % PROGRESS_EVERY == 0:
            progress(len(rows), final=False)
        record = {}
        for col, header in enumerate(found):
            if header:
                record[header] = _clean_cell(raw[col]) if col < len(raw) else None
        rows.append((index, record))
    if progress is not None:
        progress(len(rows), final=True)
    return rows


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension[^>]*\bref="[A-Z]+\d+:[A-Z]+(\d+)"')


def estimate_rows(name: str, data: bytes) -> int | None:
    """How many data rows a file holds, without reading it: the lines of a CSV, the sheet's declared dimension
    of an .xlsx (None when it does not declare one). Decides whether an import runs at once or as a job; the
    real count is taken while streaming. A zip bomb is refused here already (ImportFileError)."""
    if name.lower().endswith(".csv"):
        return max(0, data.count(b"\n") - 1)
    _check_xlsx_container(data)
    archive = zipfile.ZipFile(io.BytesIO(data))
    sheets = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
    if not sheets:
        return None
    with archive.open(sheets[0]) as sheet:
        head = sheet.read(4096)
    found = _DIMENSION.search(head)
    return max(0, int(found.group(1)) - 1) if found else None


class _Rollback(Exception):
    pass


def run_import(rows, handle_row: Callable[[int, dict, ImportReport], None], *, finish: Callable | None = None) -> ImportReport:
    """All-or-nothing: every row is tried (so every error is reported), then commit only if all passed.

    ``handle_row(row_number, record, report)`` writes the row or calls ``report.add(row, msg)``; a
    ValidationError it raises is recorded against the row. ``finish(report)`` runs after all rows,
    inside the transaction (for checks across rows).
    """
    report = ImportReport(total=len(rows))
    try:
        with transaction.atomic():
            for number, record in rows:
                try:
                    with transaction.atomic():
                        handle_row(number, record, report)
                except ValidationError as exc:
                    report.add(number, *exc.messages)
            if finish is not None and report.ok:
                finish(report)
            if not report.ok:
                raise _Rollback
    except _Rollback:
        report.created = report.updated = 0
    return report


# A text cell starting with one of these is run as a formula by spreadsheet programs (=HYPERLINK(…), =cmd|…,
# +, -, @ and a leading tab or CR through CSV and "paste special"): OWASP's CSV/formula injection.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Text as the user typed it, made inert for a spreadsheet: a leading formula trigger gets a ``'`` in front
    (shown as text by Excel and WPS; ``read_table`` takes it off again when the file comes back as an import)."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def _cell_value(value):
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, Decimal):
        # A number, not text ('71.38' would not sum); a float holds 15 significant digits exactly.
        return float(value) if len(value.as_tuple().digits) <= 15 else str(value)
    if isinstance(value, datetime):
        return local(value).replace(tzinfo=None)  # Excel has no zones: the Beijing wall-clock time
    if isinstance(value, (date, int, float)) or value is None:
        return value
    return neutralise(str(value))


def number_format(value) -> str | None:
    """The Excel format of a number cell: a Decimal keeps its places, grouped as on screen (``#,##0.00`` for
    money and scores); integers (years, codes, counts) keep Excel's General format."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return None
    places = max(0, -value.as_tuple().exponent)
    return "#,##0" + ("." + "0" * places if places else "")


def build_workbook(headers: list[str], rows: Iterable[Iterable], *, title: str = "Sheet1", notes: list[str] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F3")
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        row = list(row)
        ws.append([_cell_value(v) for v in row])
        for column, value in enumerate(row, start=1):
            if (fmt := number_format(value)) is not None:
                ws.cell(row=ws.max_row, column=column).number_format = fmt
    for i, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(str(header)) * 2 + 4))
    ws.freeze_panes = "A2"
    if notes:
        notes_ws = wb.create_sheet(_("说明"))
        for line in notes:
            notes_ws.append([line])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def build_csv(headers: list[str], rows: Iterable[Iterable]) -> bytes:
    """The same table as CSV (UTF-8 with BOM, so Excel and WPS read the Chinese), every text cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(str(h)) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else _cell_value(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def file_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response


def workbook_response(headers, rows, filename: str, *, title: str = "Sheet1") -> HttpResponse:
    return file_response(build_workbook(headers, rows, title=title), filename, XLSX_MIME)


def error_report_workbook(report: ImportReport) -> bytes:
    return build_workbook([_("行号"), _("错误")], [(e.row, "；".join(e.messages)) for e in report.errors], title=_("错误报告"))
