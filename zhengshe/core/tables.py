"""Tables declared once, rendered as HTML and exported to Excel with the same columns.

Rendering is on every list page's hot path (50 rows × 8–10 cells at province scale), so a table is
rendered in Python, not through one template node per cell: choice labels are looked up once per
column, URL patterns are reversed once per column and filled in per row, and number formats are
read once per table. ``html_rows`` still returns the cell dicts (subclasses adjust them), and
``{% table_body %}`` (``core_tables`` library) turns them into escaped ``<tr>`` markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.urls import NoReverseMatch, reverse
from django.utils import numberformat
from django.utils.formats import get_format, localize
from django.utils.safestring import SafeData, mark_safe

from zhengshe.utilities.dates import local

# Reversed once in place of the row's argument, then replaced per row: digits only, so it matches the
# int, str, slug and path converters alike.
_URL_SENTINEL = "90817263545362718"
_URL_SAFE = "!$&'()*+,;=~:@"
_NEEDS_ESCAPE = re.compile(r"[&<>\"']")
_NUMBER_TEXT = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")


@dataclass
class Column:
    accessor: str  # attribute path with "__" or "." (e.g. "region__name")
    label: str
    link: str | None = None  # URL name taking the row's ``link_arg``, or "self" for get_absolute_url
    render: Callable | None = None  # render(row) → display value (str or number)
    numeric: bool = False
    export: bool = True
    html: bool = True
    link_arg: str = "pk"  # the attribute passed to ``link`` (e.g. "code")
    grouped: bool = False  # numbers grouped by thousands (906,084), as ``intcomma``; codes and years never are
    raw: bool = False  # the stored value even where the field has choices (a code, not its label)
    parts: tuple[str, ...] = field(init=False, repr=False, compare=False)
    key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        self.parts = tuple(self.accessor.replace(".", "__").split("__"))
        self.key = "__".join(self.parts)

    def dict_value(self, row: dict, labels: dict | None):
        """The cell's value from a ``values()`` row; ``labels`` maps stored values to choice labels."""
        if self.render is not None:
            return self.render(row)
        value = row.get(self.key)
        if labels is not None and not self.raw:
            value = labels.get(value, value)
        return "" if value is None else value

    def value(self, row, choices_cache: dict | None = None):
        """The cell's value; a field with choices gives its label (``choices_cache`` reuses the labels)."""
        if self.render is not None:
            return self.render(row)
        target = row
        for part in self.parts:
            if target is None:
                return ""
            if self.raw:
                target = getattr(target, part, None)
                continue
            labels = _choice_labels(type(target), part, choices_cache)
            if labels is not None:
                raw = getattr(target, part, None)
                target = labels.get(raw, raw)
                continue
            display = getattr(target, f"get_{part}_display", None)
            target = display() if callable(display) else getattr(target, part, None)
            if callable(target) and not hasattr(target, "all"):
                target = target()
        return "" if target is None else target

    def url(self, row) -> str | None:
        if not self.link:
            return None
        if self.link == "self":
            return row.get_absolute_url()
        return reverse(self.link, args=[getattr(row, self.link_arg)])


def _choice_labels(cls, name: str, cache: dict | None):
    """{stored value: label} for a model field with choices, in the active language; None otherwise."""
    if cache is None:
        return None
    key = (cls, name)
    if key not in cache:
        labels = None
        meta = getattr(cls, "_meta", None)
        if meta is not None:
            try:
                field = meta.get_field(name)
            except FieldDoesNotExist:
                field = None
            if field is not None and getattr(field, "flatchoices", None) and not field.is_relation:
                labels = {value: str(label) for value, label in field.flatchoices}
        cache[key] = labels
    return cache[key]


def _path_labels(model, parts: tuple[str, ...], cache: dict):
    """Choice labels of the field at the end of ``parts`` (following relations from ``model``), or None."""
    key = ("path", model, parts)
    if key not in cache:
        labels = None
        try:
            for part in parts[:-1]:
                model = model._meta.get_field(part).related_model
            labels = _choice_labels(model, parts[-1], cache)
        except (FieldDoesNotExist, AttributeError):
            labels = None
        cache[key] = labels
    return cache[key]


class _Formatter:
    """Localized display of one value, with the active language's number formats read once."""

    def __init__(self):
        self.decimal_sep = get_format("DECIMAL_SEPARATOR")
        self.thousand_sep = get_format("THOUSAND_SEPARATOR")
        self.grouping = get_format("NUMBER_GROUPING")
        self.always_group = settings.USE_THOUSAND_SEPARATOR

    def __call__(self, value, grouped: bool = False):
        if isinstance(value, str):
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            return localize(local(value))  # a stored moment read in Asia/Shanghai, as templates show it
        if type(value) is int and not grouped and not self.always_group:
            return str(value)  # what numberformat gives an ungrouped int, without its checks
        return numberformat.format(value, self.decimal_sep, grouping=self.grouping, thousand_sep=self.thousand_sep,
                                   force_grouping=grouped)


class _UrlBuilder:
    """``Column.url`` with the URL pattern reversed once per table render instead of once per row."""

    def __init__(self, column: Column):
        self.column = column
        self.prefix = self.suffix = None
        if column.link and column.link != "self":
            try:
                pattern = reverse(column.link, args=[_URL_SENTINEL])
            except NoReverseMatch:
                pattern = ""
            if pattern.count(_URL_SENTINEL) == 1:
                self.prefix, self.suffix = pattern.split(_URL_SENTINEL)

    def __call__(self, row):
        if isinstance(row, dict):
            if self.prefix is None:
                return None if not self.column.link else reverse(self.column.link, args=[row[self.column.link_arg]])
            return f"{self.prefix}{quote(str(row[self.column.link_arg]), safe=_URL_SAFE)}{self.suffix}"
        if self.prefix is None:
            return self.column.url(row)
        return f"{self.prefix}{quote(str(getattr(row, self.column.link_arg)), safe=_URL_SAFE)}{self.suffix}"


class Table:
    """Subclass and set ``columns``; ``rows(objects)`` gives cells for templates and Excel alike."""

    columns: list[Column] = []
    model = None  # set to read rows as ``values()`` dicts (``values_fields``), without model instances

    def values_fields(self) -> list[str] | None:
        """The ``values()`` names the HTML rows need, or None when a column needs the model instance."""
        if self.model is None:
            return None
        names: list[str] = []
        for c in self.columns:
            if not c.html:
                continue
            if c.render is not None or c.link == "self":
                return None
            for name in (c.key, c.link_arg if c.link else None):
                if name and name not in names:
                    names.append(name)
        return names

    def headers(self, *, export: bool = False) -> list[str]:
        return [str(c.label) for c in self.columns if (c.export if export else c.html)]

    def html_rows(self, objects) -> list[list[dict]]:
        fmt = _Formatter()
        labels: dict = {}
        shown = [(c, _UrlBuilder(c), c.numeric, c.grouped) for c in self.columns if c.html]
        rows = []
        for obj in objects:
            if isinstance(obj, dict):
                rows.append([{"value": fmt(c.dict_value(obj, _path_labels(self.model, c.parts, labels)
                                                        if self.model is not None else None), grouped),
                              "url": url(obj), "numeric": numeric} for c, url, numeric, grouped in shown])
            else:
                rows.append([{"value": fmt(c.value(obj, labels), grouped), "url": url(obj), "numeric": numeric}
                             for c, url, numeric, grouped in shown])
        return rows

    def export_rows(self, objects):
        """Cells for Excel: a numeric column's value is a number even where its display is text ("71.38")."""
        labels: dict = {}
        exported = [(c, c.numeric) for c in self.columns if c.export]
        for obj in objects:
            yield [_as_number(c.value(obj, labels)) if numeric else c.value(obj, labels) for c, numeric in exported]


def _as_number(value):
    """A numeric column's display text ("71.38", "+1.20", "121,297.00") as a Decimal; other text ("—") unchanged."""
    if isinstance(value, str) and _NUMBER_TEXT.fullmatch(value):
        return Decimal(value.replace(",", ""))
    return value


def render_head(headers, rows) -> str:
    """``<th>`` cells for ``headers``, numeric columns (as the first row says) aligned like their cells."""
    first = rows[0] if rows else []
    cells = []
    for i, header in enumerate(headers):
        numeric = i < len(first) and first[i].get("numeric")
        cells.append(f'<th scope="col"{' class="num"' if numeric else ""}>{html.escape(str(header))}</th>')
    return mark_safe("".join(cells))  # noqa: S308 — headers escaped above


def render_body(rows) -> str:
    """``<tr>`` markup for ``html_rows`` output, every value escaped (unless already safe)."""
    out = []
    for row in rows:
        out.append("<tr>")
        for cell in row:
            value = cell["value"]
            if isinstance(value, SafeData) or type(value) is int:
                text = value
            elif value is None:
                text = ""
            else:
                text = str(value)
                if _NEEDS_ESCAPE.search(text):
                    text = html.escape(text)
            url = cell.get("url")
            out.append('<td class="num">' if cell.get("numeric") else "<td>")
            out.append(f'<a href="{html.escape(str(url))}">{text}</a></td>' if url else f"{text}</td>")
        out.append("</tr>")
    return mark_safe("".join(out))  # noqa: S308 — every value above is escaped, or was already safe
