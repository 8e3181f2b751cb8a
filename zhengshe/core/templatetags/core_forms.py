"""``{% widget field %}``: a form field's widget rendered in Python for the common widgets.

Django renders every widget through templates (``select.html`` includes one template per option and one
per attribute list), about 1 ms per field: on list pages the filter form cost more than the 50 rows of
the table. Text-like inputs and selects are written here with exactly Django's markup (a test compares
them); any other widget falls back to ``as_widget``. (Overriding Django's own widget templates in the
project would need this tag to follow; the project does not.)
"""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

_INPUTS = {f"django/forms/widgets/{name}.html" for name in (
    "input", "text", "number", "date", "email", "search", "url", "tel", "password", "datetime", "time")}
_SELECT = "django/forms/widgets/select.html"
_OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict) -> str:
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {conditional_escape(name)}" if value is True
                   else f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(out)


def render_widget(bound_field) -> str:
    widget = bound_field.field.widget
    if widget.template_name not in _INPUTS and widget.template_name != _SELECT:
        return bound_field.as_widget()
    if bound_field.field.localize:
        widget.is_localized = True
    attrs = bound_field.build_widget_attrs({}, widget)
    if bound_field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound_field.auto_id)
    ctx = widget.get_context(bound_field.html_name, bound_field.value(), attrs)["widget"]
    name = conditional_escape(ctx["name"])
    if widget.template_name in _INPUTS:
        value = "" if ctx["value"] is None else f' value="{conditional_escape(str(ctx["value"]))}"'
        return mark_safe(f'<input type="{conditional_escape(ctx["type"])}" name="{name}"{value}{_attrs(ctx["attrs"])}>')
    out = [f'<select name="{name}"{_attrs(ctx["attrs"])}>']
    for group_name, options, _index in ctx["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            if option["template_name"] != _OPTION:
                return bound_field.as_widget()
            out.append(f'\n  <option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                       f'{conditional_escape(option["label"])}</option>\n')  # the option template ends with a newline
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return mark_safe("".join(out))  # noqa: S308 — every name, value and label above is escaped


@register.simple_tag
def widget(bound_field):
    return render_widget(bound_field)


@register.simple_tag
def submission_token():
    """A hidden one-time submission token (``core.idempotency``): a second POST of the same rendering of the form
    makes nothing and is sent to the first one's result. ``core/_form_fields.html`` renders it for every form."""
    from zhengshe.core.idempotency import FORM_FIELD, new_token

    return mark_safe(f'<input type="hidden" name="{FORM_FIELD}" value="{new_token()}">')
