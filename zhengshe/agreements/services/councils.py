"""Residents' self-governance councils (居民自治理事会), party B of "2+1" agreements."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from zhengshe.accounts.roles import Role
from zhengshe.core.errors import ServiceError

from ..models import (
    ResidentsCouncil,
)
from ._common import _require_roles


def council_create(*, actor, region, name: str, chair: str = "") -> ResidentsCouncil:
    """Register a residents' council of a committee (party B of "2+1" agreements)."""
    _require_roles(actor, region, {Role.VILLAGE_STAFF, Role.TOWN_STAFF})
    if region.level != "village":
        raise ServiceError(_("理事会须隶属于村（社区）。"))
    if not name.strip():
        raise ServiceError(_("请填写理事会名称。"))
    try:
        with transaction.atomic():
            return ResidentsCouncil.objects.create(region=region, name=name.strip(), chair=chair.strip())
    except IntegrityError:
        raise ServiceError(_("该村（社区）已有同名理事会。")) from None
