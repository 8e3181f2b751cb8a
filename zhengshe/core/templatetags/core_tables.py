"""Hot parts of every page rendered in Python: ``{% table_body table_rows %}`` (core.tables) and
``{% main_menu %}`` (core.navigation)."""

from django import template

from zhengshe.core import navigation
from zhengshe.core.tables import render_body, render_head

register = template.Library()


@register.simple_tag
def table_head(headers, rows):
    return render_head(headers, rows)


@register.simple_tag
def table_body(rows):
    return render_body(rows)


@register.simple_tag(takes_context=True)
def main_menu(context):
    scope = context.get("user_scope")
    request = context.get("request")
    if scope is None or not scope.user_id or request is None:
        return ""
    return navigation.menu_html(scope, request.path)
