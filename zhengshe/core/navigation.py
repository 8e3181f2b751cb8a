"""The navigation menu, by capability: each app registers its entries in ``AppConfig.ready``."""

from dataclasses import dataclass, field
from html import escape

from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    roles: frozenset[str] = field(default_factory=frozenset)  # empty = any signed-in user
    order: int = 100
    group: str = ""


_items: list[MenuItem] = []
# Folded menus by (roles, superuser, language, registry size): the same for every user with those roles.
_folded: dict[tuple, list[dict]] = {}


def register(item: MenuItem) -> None:
    if all(i.url_name != item.url_name for i in _items):
        _items.append(item)
        _folded.clear()


def menu_for(scope) -> list[dict]:
    """Menu entries the user's roles can use, grouped and ordered."""
    result = []
    for item in sorted(_items, key=lambda i: (i.order, str(i.label))):
        if item.roles and not (scope.roles & set(item.roles)) and not scope.is_superuser:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        result.append({"label": item.label, "url": url, "group": item.group, "url_name": item.url_name})
    return result


def grouped(entries: list[dict]) -> list[dict]:
    """Menu entries folded by group, in menu order: a group of one stays a plain link, more become a dropdown."""
    groups: list[dict] = []
    index: dict[str, dict] = {}
    for entry in entries:
        key = str(entry["group"] or "")
        if not key:
            groups.append({"label": "", "items": [entry]})
            continue
        if key not in index:
            index[key] = {"label": entry["group"], "items": []}
            groups.append(index[key])
        index[key]["items"].append(entry)
    return groups


def _folded_for(scope) -> list[dict]:
    key = (frozenset(scope.roles), scope.is_superuser, get_language(), len(_items))
    folded = _folded.get(key)
    if folded is None:
        entries = [{**e, "label": str(e["label"])} for e in menu_for(scope)]
        folded = [{"label": str(g["label"]), "items": g["items"]} for g in grouped(entries)]
        if len(_folded) > 256:  # role combinations × languages: a handful in practice
            _folded.clear()
        _folded[key] = folded
    return folded


def menu_html(scope, current_path: str) -> SafeString:
    """The main menu's ``<li>`` entries, the current page marked; rendered in Python on every page."""
    out = []

    def link(item, css):
        here = item["url"] == current_path
        current = ' aria-current="page"' if here else ""
        return (f'<a class="{css}{" active" if here else ""}" href="{escape(item["url"])}"{current}>'
                f'{escape(item["label"])}</a>')

    for group in _folded_for(scope):
        if len(group["items"]) == 1:
            out.append(f'<li class="nav-item">{link(group["items"][0], "nav-link")}</li>')
            continue
        out.append('<li class="nav-item dropdown"><a class="nav-link dropdown-toggle" href="#" role="button" '
                   f'data-bs-toggle="dropdown" aria-expanded="false">{escape(group["label"])}</a>'
                   '<ul class="dropdown-menu">')
        out.extend(f"<li>{link(item, 'dropdown-item')}</li>" for item in group["items"])
        out.append("</ul></li>")
    return mark_safe("".join(out))  # noqa: S308 — labels and URLs escaped above
