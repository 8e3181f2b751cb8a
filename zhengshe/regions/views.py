from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengshe.audit.services import record_event
from zhengshe.core import importjobs
from zhengshe.core.actions import call_service
from zhengshe.core.scoping import Scope, get_scoped_or_404
from zhengshe.core.views import ScopedDetailView, ScopedListView
from zhengshe.utilities.excel import XLSX_MIME, ImportFileError, error_report_workbook, file_response, workbook_response

from . import selectors, services
from .filtersets import RegionFilterSet
from .forms import RegionForm
from .models import Region
from .tables import ChildRegionTable, RegionTable


class RegionListView(ScopedListView):
    model = Region
    table_class = RegionTable
    filterset_class = RegionFilterSet
    select_related = ("parent",)
    title = gettext_lazy("行政区划")
    export_filename = "行政区划"
    create_url_name = None
    import_url_name = "regions:import"
    import_roles = frozenset(services.MANAGE_ROLES)

    def base_queryset(self):
        # The table's columns only (not the timestamps, nor the parent's own figures): fewer values to convert.
        return selectors.with_summed_population(Region.objects.only(
            "code", "name", "level", "urban_rural_code", "population", "households", "service_centre_area", "path",
            "parent__name"))


class RegionDetailView(ScopedDetailView):
    model = Region
    lookup_field = "code"
    slug_field = "code"
    template_name = "regions/region_detail.html"

    def get_object(self, queryset=None):
        return get_scoped_or_404(Region, self.request.user, "view", code=self.kwargs["code"])

    def get_context_data(self, **kwargs):
        from django.core.paginator import Paginator

        ctx = super().get_context_data(**kwargs)
        region = self.object
        ctx["totals"] = selectors.totals(region.path)
        ctx["population"] = selectors.population_basis(region, ctx["totals"]["population"])
        ctx["centres"] = selectors.centre_shares(ctx["totals"])
        children = selectors.children_rows(region)
        ctx["breadcrumbs"] = selectors.breadcrumbs(region, self.request.user)
        page = Paginator(children, 50).get_page(self.request.GET.get("page"))
        ctx["children"] = page
        ctx["page_obj"] = page
        table = ChildRegionTable()
        ctx["table_headers"] = table.headers()
        ctx["table_rows"] = table.html_rows(page)
        ctx["can_manage"] = services.can_manage(self.request.user, region)
        return ctx


def _manageable_or_404(request, code):
    region = get_scoped_or_404(Region.objects.select_related("parent"), request.user, "view", code=code)
    if not services.can_manage(request.user, region):
        raise PermissionDenied
    return region


@login_required
def region_create_view(request):
    """Add a region under ``?parent=<code>`` (district or system administrator above it); audited."""
    parent = _manageable_or_404(request, request.GET.get("parent") or request.POST.get("parent") or "")
    form = RegionForm(request.POST or None, instance=Region(parent=parent))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("code", "name", "updated_at_token")}
        name = form.cleaned_data["name"].strip()
        region = call_service(request, services.region_create, success=_("已新增区划“%s”。") % name, form=form,
                              actor=request.user, code=form.cleaned_data["code"].strip(), name=name, parent=parent,
                              **data)
        if region:
            return redirect("regions:detail", code=region.code)
    return render(request, "regions/region_form.html", {
        "form": form, "parent": parent, "title": _("在“%s”下新增区划") % parent.name,
        "breadcrumbs": selectors.breadcrumbs(parent, request.user)})


@login_required
def region_edit_view(request, code):
    """Edit a region's name and figures; its code and parent stay (they are its place in the tree)."""
    region = _manageable_or_404(request, code)
    form = RegionForm(request.POST or None, instance=Region.objects.get(pk=region.pk), editing=True)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in services.EDITABLE_FIELDS if k in form.cleaned_data}
        if call_service(request, services.region_update, success=_("已保存。"), form=form, actor=request.user,
                        region=region, expected_updated_at=form.cleaned_data.get("updated_at_token") or "", **data):
            return redirect("regions:detail", code=region.code)
    return render(request, "regions/region_form.html", {
        "form": form, "region": region, "title": _("编辑区划：%s") % region.name,
        "breadcrumbs": selectors.breadcrumbs(region, request.user)})


@login_required
def region_import_view(request):
    """Upload a file in the 统计用区划代码 layout; all rows or none, with a row-level report."""
    report = None
    can_manage = Scope.for_user(request.user).has_role(*services.MANAGE_ROLES) or request.user.is_superuser
    if request.method == "POST" and can_manage:
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("请选择要导入的文件。"))
        elif upload.size > 20 * 1024 * 1024:
            messages.error(request, _("文件过大（上限 20 MB）。"))
        else:
            try:
                update_existing = request.POST.get("update_existing") == "1"
                if importjobs.should_queue(upload):  # too large for a request: the worker imports it
                    return redirect(importjobs.job_queue(
                        actor=request.user, kind="regions", upload=upload, params={"update_existing": update_existing},
                        region_path=importjobs.home_path(request.user, services.MANAGE_ROLES)))
                report = services.import_regions(upload, actor=request.user, update_existing=update_existing)
            except ImportFileError as exc:
                messages.error(request, str(exc))
            else:
                if report.ok:
                    messages.success(request, _("导入成功：新增 %(c)d 条，更新 %(u)d 条。") % {
                        "c": report.created, "u": report.updated})
                    return redirect("regions:list")
                if request.POST.get("download_errors") == "1":
                    return file_response(error_report_workbook(report), "区划导入错误报告.xlsx", XLSX_MIME)
    return render(request, "regions/region_import.html", {
        "report": report, "headers": services.IMPORT_HEADERS, "can_manage": can_manage})


@login_required
def region_template_view(request):
    """An empty workbook with the import headers and one example row."""
    example = ["320585100201", "示例村", "村/社区", "320585100", "220", 2350, 780, 450]
    return workbook_response(services.IMPORT_HEADERS, [example], "区划导入模板.xlsx", title=_("区划"))


@login_required
def region_export_view(request):
    qs = Region.objects.restrict(request.user).order_by("path")
    rows = list(services.export_rows(qs))
    record_event("export", None, after={"view": "regions", "rows": len(rows)}, object_repr=_("行政区划导出"))
    return workbook_response(services.IMPORT_HEADERS, rows, f"行政区划-{timezone.localdate():%Y%m%d}.xlsx",
                             title=_("区划"))


@login_required
def region_lookup_view(request):
    """The region pickers' search: JSON, the user's scope only, one bounded page (``?q=&level=&page=``)."""
    from django.http import JsonResponse

    try:
        page = min(max(int(request.GET.get("page") or 1), 1), 50)
    except ValueError:
        page = 1
    rows, more = selectors.lookup(request.user, q=request.GET.get("q", ""), level=request.GET.get("level", ""),
                                  page=page)
    return JsonResponse({"results": rows, "more": more, "page": page})
