"""Tables declared once, rendered as HTML and exported to Excel with the same columns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.formats import localize


@dataclass
class Column:
    accessor: str  # attribute path with "__" or "." (e.g. "region__name")
    label: str
    link: str | None = None  # URL name taking the row's pk, or "self" for get_absolute_url
    render: Callable | None = None  # render(row) → display value (str or number)
    numeric: bool = False
    export: bool = True
    html: bool = True

    def value(self, row):
        if self.render is not None:
            return self.render(row)
        target = row
        for part in self.accessor.replace(".", "__").split("__"):
            if target is None:
                return ""
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
        return reverse(self.link, args=[row.pk])


class Table:
    """Subclass and set ``columns``; ``rows(objects)`` gives cells for templates and Excel alike."""

    columns: list[Column] = []

    def headers(self, *, export: bool = False) -> list[str]:
        return [str(c.label) for c in self.columns if (c.export if export else c.html)]

    def html_rows(self, objects) -> list[list[dict]]:
        rows = []
        for obj in objects:
            cells = []
            for c in self.columns:
                if not c.html:
                    continue
                value = c.value(obj)
                cells.append({"value": localize(value) if not isinstance(value, str) else value, "url": c.url(obj),
                              "numeric": c.numeric})
            rows.append(cells)
        return rows

    def export_rows(self, objects):
        for obj in objects:
            yield [c.value(obj) for c in self.columns if c.export]
