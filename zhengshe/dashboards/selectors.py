"""Reads for the faces leaders and workers land on: the home page's scope roots and their totals."""

from django.utils.translation import gettext_lazy as _

from zhengshe.accounts import targets
from zhengshe.accounts.roles import Role
from zhengshe.core.scoping import Scope
from zhengshe.regions.models import Region
from zhengshe.regions.selectors import totals_for_paths


def home_summary(user) -> dict:
    """The user's scope roots with their totals, for the home page: two queries however many grants."""
    scope = Scope.for_user(user)
    granted = sorted({g.region_path for g in scope.grants if g.region_path})
    regions = list(Region.objects.filter(path__in=granted).order_by("path")) if granted else []
    home = set(scope.home_paths)
    roots = [r for r in regions if r.path in home]
    sums = totals_for_paths([r.path for r in roots])
    for root in roots:
        root.totals = sums[root.path]
    names = {r.path: r.name for r in regions}
    labels, bound = [], []
    for g in scope.grants:
        if g.region_path:
            labels.append(f"{Role(g.role).label} · {names.get(g.region_path) or ''}".rstrip(" ·"))
        elif g.target_id:
            # The organization or council this account acts for, by name (one query per bound grant: one or two).
            kind = targets.kind(g.target_kind)
            target = kind.get(g.target_id) if kind is not None else None
            labels.append(f"{Role(g.role).label} · {target or ''}".rstrip(" ·"))
            if target is not None:
                bound.append(_bound_card(kind, g.role, target))
    return {"scope_roots": roots, "grant_labels": labels, "bound_targets": bound}


# Where an account bound to an organization or a council goes from its home page (besides its 待办).
_BOUND_LINKS = {
    "organization": [(_("年度报告"), "organizations:report_list"), (_("变更申请"), "organizations:change_list"),
                     (_("等级评估"), "organizations:round_list"), (_("消息"), "organizations:notifications")],
    "council": [(_("本理事会的“2+1”协议"), "agreements:list")],
}


def _bound_card(kind, role: str, target) -> dict:
    """The organization or council an account acts for: what it is, where, and the pages of its work."""
    from django.urls import reverse

    region = kind.region_of(target)
    links = [{"label": label, "url": reverse(name)} for label, name in _BOUND_LINKS.get(kind.kind, [])]
    url = target.get_absolute_url() if hasattr(target, "get_absolute_url") else ""
    # A council's home card names the council only: its village's page is the village workers' (scope test).
    where = getattr(region, "name", "") if kind.kind not in _UNNAMED_REGION else ""
    return {"kind": kind.label, "role": Role(role).label, "name": str(target), "url": url, "region": where,
            "links": links}


_UNNAMED_REGION = {"council"}
