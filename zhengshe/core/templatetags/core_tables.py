"""``{% table_body table_rows %}``: a table's rows as escaped markup, rendered in Python (core.tables)."""

from django import template

from zhengshe.core.tables import render_body

register = template.Library()


@register.simple_tag
def table_body(rows):
    return render_body(rows)
