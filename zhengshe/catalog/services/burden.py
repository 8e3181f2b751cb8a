"""Writes to the burden registry: add a ledger/signboard/rating, move it to merged or removed."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.core.errors import ServiceError

from ..choices import SUBTYPES_OF, BurdenState
from ..models import BurdenItem
from ..workflows import BURDEN_FLOW
from .common import require_roles_over

KEEPERS = {"village_staff", "town_staff", "district_admin"}


@transaction.atomic
def burden_add(*, actor, region, kind: str, subtype: str, name: str, department: str = "", in_baseline: bool = False,
               started_on=None, note: str = "") -> BurdenItem:
    """Register a ledger, signboard or rating a community keeps (baseline, or new since)."""
    require_roles_over(actor, region, KEEPERS)
    if region.level != "village":
        raise ServiceError(_("台账、挂牌和评比按村（社区）登记。"))
    if subtype not in SUBTYPES_OF.get(kind, set()):
        raise ServiceError(_("类别与类型不符。"), fields={"subtype": [_("类别与类型不符。")]})
    if not name.strip():
        raise ServiceError(_("名称不能为空。"), fields={"name": [_("此项为必填项。")]})
    if not in_baseline and started_on is None:
        started_on = timezone.localdate()
    return BurdenItem.objects.create(region=region, kind=kind, subtype=subtype, name=name.strip(),
                                     department=department.strip(), in_baseline=in_baseline,
                                     started_on=None if in_baseline else started_on, note=note)


@transaction.atomic
def burden_change_state(*, actor, item: BurdenItem, state: str, on_date=None, note: str = "") -> BurdenItem:
    """Merge an item into electronic form or remove it (or keep it again); the date feeds the rollups over time."""
    locked = BurdenItem.objects.select_for_update().select_related("region").get(pk=item.pk)
    require_roles_over(actor, locked.region, KEEPERS)
    if state not in BurdenState.values:
        raise ServiceError(_("现状不正确。"))
    if state == locked.state:
        raise ServiceError(_("现状没有变化。"))
    if locked.state != BurdenState.KEPT:
        # The dates drive the rollups over time: a cleared item is not revived, a new one is registered instead.
        raise ServiceError(_("已并入或清理的事项不能恢复；如确需重新设立，请登记新的事项（须经准入）。"))
    if state == BurdenState.MERGED and locked.subtype == "electronic":
        raise ServiceError(_("电子台账不能再并入电子台账。"))
    changes = {"state_changed_on": on_date or timezone.localdate(), **({"note": note} if note else {})}
    action = "merge" if state == BurdenState.MERGED else "remove"
    return BURDEN_FLOW.transition(locked, action, actor=actor, internal=True, comment=note, changes=changes)
