"""Statistics over the region tree: tables, ECharts (data via json_script, JS in a static file), Excel."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.audit.services import record_event
from zhengshe.core.scoping import Scope, get_scoped_or_404
from zhengshe.regions.models import Region
from zhengshe.regions.selectors import breadcrumbs
from zhengshe.utilities.excel import workbook_response

from .. import selectors


def _region(request) -> Region:
    code = request.GET.get("region", "").strip()
    if code:
        return get_scoped_or_404(Region, request.user, "view", code=code)
    scope = Scope.for_user(request.user)
    root = Region.objects.filter(path__in=scope.home_paths).order_by("depth", "path").first()
    if root is None:
        raise PermissionDenied
    return root


def _chart_data(stats) -> dict:
    return {
        "types": [{"name": r["label"], "value": r["count"]} for r in stats["by_type"]],
        "categories": [{"name": r["label"], "value": r["count"]} for r in stats["by_category"]],
        "grades": {"labels": [r["label"] for r in stats["grades"]], "values": [r["count"] for r in stats["grades"]]},
        "growth": {"labels": [str(r["year"]) for r in stats["growth"]], "new": [r["new"] for r in stats["growth"]],
                   "cumulative": [r["cumulative"] for r in stats["growth"]]},
        "children": {"labels": [r["name"] for r in stats["children"] if r["region"] is not None],
                     "per10k": [float(r["per_10k"]) if r["per_10k"] is not None else 0
                                for r in stats["children"] if r["region"] is not None]},
    }


@login_required
def statistics(request):
    region = _region(request)
    stats = selectors.statistics(region)
    return render(request, "organizations/statistics.html", {
        "stats": stats, "title": _("社会组织统计：%s") % region.name, "chart_data": _chart_data(stats),
        "breadcrumbs": breadcrumbs(region, request.user), "region": region})


@login_required
def statistics_export(request):
    region = _region(request)
    stats = selectors.statistics(region)
    headers, rows = selectors.statistics_export_rows(stats)
    record_event("export", region, after={"view": "organizations.statistics", "rows": len(rows)})
    return workbook_response(headers, rows, f"社会组织统计-{region.name}-{timezone.localdate():%Y%m%d}.xlsx",
                             title=_("统计"))
