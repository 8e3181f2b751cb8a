"""Generic views: declarations of queryset, filterset, table and template (NetBox style).

Every list goes through ``restrict(user, action)``; ``?export=xlsx`` exports the filtered list with
the same columns and writes an audit row. Details fetch within scope or answer 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import models
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView

from zhengshe.utilities.excel import XLSX_MIME, error_report_workbook, file_response, workbook_response

from .events import record_event
from .pagination import DeferredJoinPaginator
from .redirects import safe_next
from .scoping import Scope, get_scoped_or_404


class ScopedMixin(LoginRequiredMixin):
    action = "view"

    @property
    def scope(self) -> Scope:
        return Scope.for_user(self.request.user)


class ScopedListView(ScopedMixin, ListView):
    """A filterable, paginated, exportable list of what the user's scope covers."""

    table_class = None
    filterset_class = None
    template_name = "core/object_list.html"
    paginate_by = 50
    paginator_class = DeferredJoinPaginator
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    ordering = None
    title = ""
    export_filename = ""
    create_url_name = None
    create_roles: frozenset[str] = frozenset()
    # Who is offered the import button: these roles when given, else whoever may create.
    import_roles: frozenset[str] = frozenset()
    import_url_name = None

    def base_queryset(self):
        return self.model.objects.all()

    def get_queryset(self):
        qs = self.base_queryset().restrict(self.request.user, self.action)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(self.request.GET or None, queryset=qs, request=self.request)
            qs = self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else qs
        else:
            self.filterset = None
        if self.ordering:
            qs = qs.order_by(*self.ordering)
        return qs

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx" and self.table_class is not None:
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        qs = self.get_queryset()
        table = self.table_class()
        rows = list(table.export_rows(qs))
        params = {k: v for k, v in self.request.GET.items() if k != "export"}
        record_event("export", None, after={"view": type(self).__name__, "filters": params, "rows": len(rows)},
                     object_repr=str(self.title))
        name = self.export_filename or str(self.title) or "export"
        return workbook_response(table.headers(export=True), rows, f"{name}-{timezone.localdate():%Y%m%d}.xlsx",
                                 title=str(self.title))

    def table_rows(self, table, rows, page_obj) -> list[list[dict]]:
        """The page's cells (a view may cache them: they depend on the rows, the page and the language)."""
        fields = table.values_fields()
        if fields is not None and isinstance(rows, models.QuerySet):
            rows = rows.values(*fields)  # plain rows: no model instance per row and per join
        return table.html_rows(rows)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if self.table_class is not None:
            table = self.table_class()
            ctx["table_headers"] = table.headers()
            ctx["table_rows"] = self.table_rows(table, ctx["object_list"], ctx.get("page_obj"))
        ctx["filterset"] = self.filterset
        ctx["title"] = self.title
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["querystring"] = query.urlencode()
        ctx["can_create"] = bool(self.create_url_name) and (
            not self.create_roles or self.scope.has_role(*self.create_roles))
        ctx["create_url_name"] = self.create_url_name
        may_import = self.scope.has_role(*self.import_roles) if self.import_roles else ctx["can_create"]
        ctx["import_url_name"] = self.import_url_name if may_import else None
        return ctx


class ScopedDetailView(ScopedMixin, DetailView):
    """One object within scope; missing and forbidden both answer 404."""

    select_related: tuple[str, ...] = ()
    lookup_field = "pk"

    def get_object(self, queryset=None):
        qs = self.model.objects.all()
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        return get_scoped_or_404(qs, self.request.user, self.action, **{self.lookup_field: self.kwargs[self.lookup_field]})


class ScopedTemplateView(ScopedMixin, TemplateView):
    pass




def floor_view(request):
    """The benchmark's floor: does nothing but answer, through the full middleware stack."""
    from django.http import HttpResponse

    return HttpResponse("ok", content_type="text/plain")


def set_elder_mode(request):
    response = redirect(safe_next(request))
    if request.method == "POST":
        on = request.POST.get("elder") == "1"
        response.set_cookie("elder", "1" if on else "0", max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        if not on:
            messages.info(request, _("已切换到标准模式。"))
    return response


class InboxView(ScopedTemplateView):
    """待办 / 已办: what waits for the signed-in user (by role and scope, or by name), and what they closed."""

    template_name = "core/inbox.html"

    def get_context_data(self, **kwargs):
        from . import inbox

        ctx = super().get_context_data(**kwargs)
        ctx.update(inbox.page_context(self.request.user, self.request.GET.get("tab", "todo"),
                                      self.request.GET.get("page") or 1))
        ctx["notifications"] = inbox.unread_notifications(self.request.user)
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["querystring"] = query.urlencode()
        return ctx


# ---------------------------------------------------------------- import jobs (core.importjobs)


@login_required
def import_job_view(request, pk):
    """A queued import's page: a progress bar while it runs, then the inline import's result and row report."""
    from . import importjobs

    job = importjobs.job_for(request.user, pk)
    importer = importjobs.IMPORTERS.get(job.kind)
    report = importjobs.report_of(job)
    return render(request, "core/import_job.html", {
        "job": job, "importer": importer, "report": report, "progress": importjobs.progress_data(job),
        "done_message": importer.done(report) if importer and report and report.ok else "",
        "page_url": importer.page(job.params) if importer else "",
        "title": _("%(label)s导入") % {"label": importer.label if importer else job.kind}})


@login_required
def import_job_status(request, pk):
    """The job's progress as JSON, polled by the page's script."""
    from . import importjobs

    return JsonResponse(importjobs.progress_data(importjobs.job_for(request.user, pk)))


@login_required
def import_job_errors(request, pk):
    """The rows a job refused, as the inline import's error report workbook."""
    from . import importjobs

    job = importjobs.job_for(request.user, pk)
    report = importjobs.report_of(job)
    if report is None or not report.errors:
        raise Http404(_("该导入任务没有错误报告。"))
    importer = importjobs.IMPORTERS.get(job.kind)
    name = importer.report_name if importer else _("导入错误报告.xlsx")
    return file_response(error_report_workbook(report), name, XLSX_MIME)
