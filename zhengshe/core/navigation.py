"""The navigation menu, by capability: each app registers its entries in ``AppConfig.ready``."""

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    roles: frozenset[str] = field(default_factory=frozenset)  # empty = any signed-in user
    order: int = 100
    group: str = ""


_items: list[MenuItem] = []


def register(item: MenuItem) -> None:
    if all(i.url_name != item.url_name for i in _items):
        _items.append(item)


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
