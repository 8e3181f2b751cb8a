"""What other feature apps may use of the two lists (清单): the published list in force for a region and the list
models themselves, read-only. Everything else in catalog is internal (import contracts in pyproject.toml).

Catalog sits below the apps that build on the lists, so it never imports them: what the community page shows of
them (the committee's agreement, for one) comes through ``register_community_section``.
"""

from __future__ import annotations

from collections.abc import Callable

from .models import DutyList, ItemIdentity, ListItem
from .selectors import list_in_force

_community_sections: dict[str, Callable] = {}


def register_community_section(name: str, provider: Callable) -> None:
    """``provider(region, year) -> dict | None``: a block of the community's "what may be asked of us today" page,
    declared by the app that owns it (from its ``AppConfig.ready``)."""
    _community_sections[name] = provider


def community_sections(region, year: int) -> dict:
    """Every registered block for one village/community and year ({name: the provider's answer})."""
    return {name: provider(region, year) for name, provider in sorted(_community_sections.items())}


__all__ = ["DutyList", "ItemIdentity", "ListItem", "community_sections", "list_in_force", "register_community_section"]
