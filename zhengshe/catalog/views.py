"""Pages of the catalog: declarations over selectors and services (the logic lives there)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhengshe.audit.services import history_for, record_event
from zhengshe.core import importjobs
from zhengshe.core.actions import call_service, run_service
from zhengshe.core.errors import ServiceError
from zhengshe.core.permissions import roles_required
from zhengshe.core.scoping import Scope, get_scoped_or_404
from zhengshe.core.views import ScopedDetailView, ScopedListView
from zhengshe.regions.models import Region
from zhengshe.utilities.excel import XLSX_MIME, ImportFileError, error_report_workbook, file_response, workbook_response
from zhengshe.utilities.pdf import pdf_response

from . import selectors, services
from .choices import AdmissionStatus, ListStatus
from .filtersets import (
    AdmissionFilterSet,
    AskFilterSet,
    BurdenFilterSet,
    DepartmentFilterSet,
    DutyListFilterSet,
    RegisterFilterSet,
)
from .forms import (
    AdmissionForm,
    ApproveForm,
    AskForm,
    BurdenForm,
    BurdenStateForm,
    CommentForm,
    DepartmentForm,
    ItemForm,
    ListCreateForm,
    ListImportForm,
    OutcomeForm,
    RefuseForm,
)
from .models import AdmissionRequest, BurdenItem, Department, DutyList, ItemIdentity, ListItem, UnlistedAsk
from .notice import refusal_notice_pdf
from .tables import AdmissionTable, AskTable, BurdenTable, DepartmentTable, DutyListTable, RegisterTable
from .workflows import ADMISSION_FLOW, LIST_FLOW

DISTRICT = ("district_admin",)
APPLICANTS = ("district_admin", "town_staff")
VILLAGE = ("village_staff", "district_admin")


def _form_page(request, form, title, *, back="", submit_label=None, extra=None):
    ctx = {"form": form, "title": title, "back": back, "submit_label": submit_label or _("保存")}
    ctx.update(extra or {})
    return render(request, "catalog/form.html", ctx)


def _apply_errors(form, exc: ServiceError):
    for name, errs in (exc.fields or {}).items():
        target = name if name in form.fields else None
        for e in errs:
            form.add_error(target, e)
    if not exc.fields:
        form.add_error(None, exc.message)


def _issuing_regions(user):
    """Regions where the user may issue lists (county/city level, within their district grants)."""
    scope = Scope.for_user(user)
    return Region.objects.filter(path__in=scope.region_paths(set(DISTRICT))).order_by("path")


# ---- lists -----------------------------------------------------------------------------------------

class DutyListListView(ScopedListView):
    model = DutyList
    table_class = DutyListTable
    filterset_class = DutyListFilterSet
    select_related = ("region",)
    title = gettext_lazy("两份清单")
    export_filename = "清单"
    create_url_name = "catalog:list_create"
    create_roles = frozenset(DISTRICT)
    import_url_name = "catalog:list_import"
    template_name = "catalog/list_list.html"
    ordering = ("region__path", "kind", "-version")

    def base_queryset(self):
        return DutyList.objects.annotate(item_count=Count("items"))


class DutyListDetailView(ScopedDetailView):
    model = DutyList
    select_related = ("region", "previous")
    template_name = "catalog/list_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj = self.object
        user = self.request.user
        ctx["groups"] = selectors.items_by_category(obj)
        ctx["item_count"] = sum(len(g[1]) for g in ctx["groups"])
        ctx["versions"] = list(selectors.versions_of(obj))
        ctx["actions"] = [(a, t) for a, t in LIST_FLOW.available_actions(obj, user)]
        ctx["can_edit"] = obj.status == ListStatus.DRAFT and Scope.for_user(user).covers_path(obj.region.path, DISTRICT)
        ctx["can_new_version"] = obj.status != ListStatus.DRAFT and Scope.for_user(user).covers_path(
            obj.region.path, DISTRICT)
        ctx["history"] = selectors.history_rows(obj, LIST_FLOW, ListStatus)
        return ctx


@roles_required(*DISTRICT)
def list_create_view(request):
    regions = _issuing_regions(request.user)
    form = ListCreateForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        region = regions.first()
        if region is None:
            messages.error(request, _("您没有可发布清单的区划。"))
            return redirect("catalog:list_list")
        obj = call_service(request, services.list_create, success=_("已建立草稿，请添加事项后发布。"), form=form, actor=request.user,
                           region=region, **form.cleaned_data)
        if obj:
            return redirect(obj)
    return _form_page(request, form, _("新建清单（草稿）"), back="/catalog/")


@roles_required(*DISTRICT)
def list_import_view(request):
    """A whole list from one sheet as a new draft version; all rows or none, with every row's errors."""
    form = ListImportForm(request.POST or None, request.FILES or None, initial={"year": timezone.localdate().year})
    report = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data.pop("file")
        if upload.size > 10 * 1024 * 1024:
            form.add_error("file", _("文件过大（上限 10 MB）。"))
        else:
            region = _issuing_regions(request.user).first()
            try:
                if region is None:
                    raise ServiceError(_("您没有可发布清单的区划。"))
                if importjobs.should_queue(upload):  # too large for a request: the worker imports it
                    return redirect(importjobs.job_queue(actor=request.user, kind="catalog.list", upload=upload,
                                                         region_path=region.path, params={"region": region.pk, **data}))
                report, obj = services.list_import(upload, actor=request.user, region=region, **data)
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            except ServiceError as exc:
                _apply_errors(form, exc)
            else:
                if report.ok:
                    messages.success(request, _("导入成功：%d 个事项，已生成草稿版本。") % report.created)
                    return redirect(obj)
                if request.POST.get("download_errors") == "1":
                    return file_response(error_report_workbook(report), "清单导入错误报告.xlsx", XLSX_MIME)
    return render(request, "catalog/list_import.html", {"form": form, "report": report,
                                                        "headers": services.IMPORT_HEADERS})


@login_required
def list_import_template_view(request):
    example = ["1", "基层组织建设", "召开村（居）民会议、村（居）民代表会议", "依法召集会议，讨论决定涉及村（居）民利益的事项",
               "《中华人民共和国村民委员会组织法》第二十一条", "", "否", "无", 0, ""]
    return workbook_response(services.IMPORT_HEADERS, [example], "清单导入模板.xlsx", title=_("清单"))


@login_required
def list_export_view(request, pk):
    obj = get_scoped_or_404(DutyList, request.user, "view", pk=pk)
    rows = list(services.export_rows(obj))
    record_event("export", obj, after={"view": "catalog.list", "rows": len(rows)})
    return workbook_response(services.IMPORT_HEADERS, rows, f"{obj.title}-第{obj.version}版.xlsx", title=_("清单"))


@require_POST
@roles_required(*DISTRICT)
def list_publish_view(request, pk):
    obj = get_scoped_or_404(DutyList, request.user, "view", pk=pk)
    response, _r = run_service(request, services.list_publish, actor=request.user, duty_list=obj,
                               success=_("已发布；原版本已标记为被取代并保留。"), redirect_to=obj.get_absolute_url())
    return response


@require_POST
@roles_required(*DISTRICT)
def list_new_version_view(request, pk):
    obj = get_scoped_or_404(DutyList, request.user, "view", pk=pk)
    response, draft = run_service(request, services.list_new_version, actor=request.user, source=obj,
                                  success=_("已生成新版本草稿（事项保持原有标识），修改后发布。"),
                                  redirect_to=obj.get_absolute_url())
    return redirect(draft) if draft else response


@login_required
def list_diff_view(request, pk):
    """What changed between two versions of one list: added, removed, changed field by field."""
    new = get_scoped_or_404(DutyList.objects.select_related("region"), request.user, "view", pk=pk)
    versions = list(selectors.versions_of(new).restrict(request.user, "view"))
    against = request.GET.get("against") or (new.previous_id and str(new.previous_id))
    old = next((v for v in versions if str(v.pk) == str(against)), None)
    if old is None:
        raise Http404(_("没有可比较的版本。"))
    diff = selectors.diff_lists(old, new)
    return render(request, "catalog/list_diff.html", {"new": new, "old": old, "diff": diff, "versions": versions,
                                                      "title": _("版本对照")})


def _item_departments(duty_list):
    return sorted(services.known_departments(duty_list.region))


@roles_required(*DISTRICT)
def item_create_view(request, pk):
    duty_list = get_scoped_or_404(DutyList, request.user, "view", pk=pk)
    form = ItemForm(request.POST or None, departments=_item_departments(duty_list))
    if request.method == "POST" and form.is_valid():
        done = call_service(request, services.item_save, success=_("事项已添加。"), form=form, actor=request.user,
                            duty_list=duty_list, **form.cleaned_data)
        if done:
            return redirect(duty_list)
    return _form_page(request, form, _("添加事项：%s") % duty_list, back=duty_list.get_absolute_url())


@roles_required(*DISTRICT)
def item_edit_view(request, pk):
    item = get_scoped_or_404(ListItem.objects.select_related("duty_list__region"), request.user, "view", pk=pk)
    form = ItemForm(request.POST or None, instance=item, departments=_item_departments(item.duty_list))
    if request.method == "POST" and form.is_valid():
        done = call_service(request, services.item_save, success=_("事项已保存。"), form=form, actor=request.user,
                            duty_list=item.duty_list, item=item, **form.cleaned_data)
        if done:
            return redirect(item.duty_list)
    return _form_page(request, form, _("修改事项 %s") % item.number, back=item.duty_list.get_absolute_url())


@require_POST
@roles_required(*DISTRICT)
def item_remove_view(request, pk):
    item = get_scoped_or_404(ListItem.objects.select_related("duty_list__region"), request.user, "view", pk=pk)
    response, _r = run_service(request, services.item_remove, actor=request.user, item=item,
                               success=_("事项已从草稿中移除。"), redirect_to=item.duty_list.get_absolute_url())
    return response


@login_required
def identity_view(request, pk):
    """One item across all list versions: what agreements and indicators that cite it follow."""
    identity = get_scoped_or_404(ItemIdentity.objects.select_related("region"), request.user, "view", pk=pk)
    return render(request, "catalog/identity.html", {
        "identity": identity, "versions": selectors.item_versions(identity),
        "current": selectors.current_item(identity), "title": _("事项沿革")})


class DepartmentListView(ScopedListView):
    model = Department
    table_class = DepartmentTable
    filterset_class = DepartmentFilterSet
    select_related = ("region",)
    title = gettext_lazy("部门名录")
    create_url_name = "catalog:department_create"
    create_roles = frozenset(APPLICANTS)


@roles_required(*APPLICANTS)
def department_create_view(request):
    scope = Scope.for_user(request.user)
    regions = Region.objects.filter(path__in=scope.region_paths(set(APPLICANTS))).order_by("path")
    form = DepartmentForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        done = call_service(request, services.department_create, success=_("部门已加入名录。"), form=form, actor=request.user,
                            **form.cleaned_data)
        if done:
            return redirect("catalog:department_list")
    return _form_page(request, form, _("添加部门"), back="/catalog/departments/")


# ---- admission -------------------------------------------------------------------------------------

class AdmissionListView(ScopedListView):
    model = AdmissionRequest
    table_class = AdmissionTable
    filterset_class = AdmissionFilterSet
    select_related = ("applicant_region",)
    title = gettext_lazy("准入申请")
    export_filename = "准入申请"
    create_url_name = "catalog:admission_create"
    create_roles = frozenset(APPLICANTS)
    template_name = "catalog/admission_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["pending_count"] = selectors.pending_reviews(self.request.user).count()
        return ctx


def _admission_form(request, data=None, initial=None):
    scope = Scope.for_user(request.user)
    county_paths = [p for p in scope.region_paths(set(APPLICANTS))]
    home = Region.objects.filter(path__in=county_paths).order_by("-depth", "path").first()
    within = services.admission.target_limit(home, services.issuing_region_for(home)) if home else None
    return AdmissionForm(data, initial=initial, within=within)


def _admission_fields(cd):
    data = dict(cd)
    regions = data.pop("target_regions", None) or []
    data.pop("version", None)
    return data, regions


@roles_required(*APPLICANTS)
def admission_create_view(request):
    today = timezone.localdate()
    form = _admission_form(request, request.POST or None, initial={
        "requested_from": today, "requested_until": today.replace(month=12, day=31)})
    if request.method == "POST" and form.is_valid():
        fields, regions = _admission_fields(form.cleaned_data)
        obj = call_service(request, services.admission_create, success=_("申请已保存为草稿，确认无误后请提交审核。"), form=form,
                           actor=request.user, regions=regions, **fields)
        if obj:
            return redirect(obj)
    if request.method == "GET":
        form.initial.setdefault("department", services.admission._department_of(request.user))
    return _form_page(request, form, _("准入申请（凡进必审）"), back="/catalog/admission/",
                      extra={"departments": selectors.departments_for(request.user)})


class AdmissionDetailView(ScopedDetailView):
    model = AdmissionRequest
    select_related = ("applicant_region", "issuing_region", "applicant", "approved_root", "decided_by",
                      "target_root")
    template_name = "catalog/admission_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj, user = self.object, self.request.user
        ctx["actions"] = ADMISSION_FLOW.available_actions(obj, user)
        ctx["comment_form"] = CommentForm()
        ctx["history"] = selectors.history_rows(obj, ADMISSION_FLOW, AdmissionStatus)
        ctx["audit"] = history_for(obj)[:50]
        ctx["target_regions"] = list(obj.target_regions.all()[:200])
        ctx["approved_regions"] = list(obj.approved_regions.all()[:200])
        ctx["can_edit"] = obj.applicant_id == user.pk and obj.status in services.admission.EDITABLE
        ctx["asks"] = obj.asks.select_related("region").restrict(user, "view")[:50]
        return ctx


@roles_required(*APPLICANTS)
def admission_edit_view(request, pk):
    obj = get_scoped_or_404(AdmissionRequest, request.user, "change", pk=pk)
    initial = AdmissionForm.initial_from(obj) | {"version": obj.version}
    form = _admission_form(request, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields, regions = _admission_fields(form.cleaned_data)
        done = call_service(request, services.admission_update, success=_("申请已修改。"), form=form, actor=request.user,
                            admission=obj, version=form.cleaned_data.get("version") or 0, regions=regions, **fields)
        if done:
            return redirect(obj)
    return _form_page(request, form, _("修改准入申请"), back=obj.get_absolute_url(),
                      extra={"departments": selectors.departments_for(request.user)})


@require_POST
@login_required
def admission_move_view(request, pk, action):
    obj = get_scoped_or_404(AdmissionRequest, request.user, "view", pk=pk)
    response, _r = run_service(request, services.admission_move, actor=request.user, admission=obj, action=action,
                               comment=request.POST.get("comment", ""), success=_("操作已完成。"),
                               redirect_to=obj.get_absolute_url())
    return response


@roles_required(*DISTRICT)
def admission_approve_view(request, pk):
    """The leading group's approval: scope (a subtree or chosen communities) and validity."""
    obj = get_scoped_or_404(AdmissionRequest.objects.select_related("issuing_region"), request.user, "view", pk=pk)
    reason = ADMISSION_FLOW.why_not(obj, "approve", request.user)
    initial = {"mode": obj.target_mode, "root": obj.target_root, "regions": list(obj.target_regions.all()),
               "valid_from": max(obj.requested_from, timezone.localdate()), "valid_until": obj.requested_until}
    form = ApproveForm(request.POST or None, initial=initial, within=obj.issuing_region)
    if request.method == "POST" and reason is None and form.is_valid():
        done = call_service(request, services.admission_approve, success=_("已准入并登记，适用的村（社区）可在准入登记簿中看到。"), form=form,
                            actor=request.user, admission=obj, **form.cleaned_data)
        if done:
            return redirect(obj)
    if reason:
        messages.error(request, reason)
        return redirect(obj)
    return _form_page(request, form, _("准入审核：%s") % obj.title, back=obj.get_absolute_url(),
                      submit_label=_("准入"), extra={"lead": obj})


class RegisterView(ScopedListView):
    """The admitted register (准入登记簿): what applies to the user's part of the tree."""

    model = AdmissionRequest
    table_class = RegisterTable
    filterset_class = RegisterFilterSet
    title = gettext_lazy("准入登记簿")
    export_filename = "准入登记簿"
    template_name = "catalog/register.html"

    def get_queryset(self):
        qs = selectors.register_for_user(self.request.user).order_by("-valid_until", "-pk")
        self.filterset = self.filterset_class(self.request.GET or None, queryset=qs, request=self.request)
        return self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else qs


@login_required
def register_detail_view(request, pk):
    """One register entry as a community reads it: what was admitted, on what basis, for whom, how long."""
    qs = selectors.register_for_user(request.user)
    entry = qs.filter(pk=pk).first()
    if entry is None:
        raise Http404(_("未找到，或不在您的权限范围内。"))
    return render(request, "catalog/register_detail.html", {
        "object": entry, "approved_regions": list(entry.approved_regions.all()[:200]), "title": entry.title})


# ---- the community's side ------------------------------------------------------------------------------

@login_required
def community_view(request):
    """What may legitimately be asked of one community today: the lists, its agreement, the register."""
    villages = selectors.villages_for(request.user)
    code = request.GET.get("region")
    region = villages.filter(code=code).first() if code else (villages.first() if villages.count() == 1 else None)
    if code and region is None:
        raise Http404(_("未找到，或不在您的权限范围内。"))
    ctx = {"region": region, "title": _("本村（社区）可承接事项"), "villages": villages[:300] if region is None else None}
    if region is not None:
        ctx.update(selectors.community_today(region))
        ctx["can_record"] = Scope.for_user(request.user).covers_path(region.path, set(VILLAGE))
    return render(request, "catalog/community.html", ctx)


class AskListView(ScopedListView):
    model = UnlistedAsk
    table_class = AskTable
    filterset_class = AskFilterSet
    select_related = ("region",)
    title = gettext_lazy("清单外事项与拒绝执行")
    export_filename = "清单外事项"
    create_url_name = "catalog:ask_create"
    create_roles = frozenset(VILLAGE)
    template_name = "catalog/ask_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        root = selectors.burden_root_for(self.request.user)
        year = timezone.localdate().year
        ctx["by_department"] = list(selectors.refusals_by_department(region=root, year=year)[:20]) if root else []
        ctx["year"] = year
        return ctx


@roles_required(*VILLAGE)
def ask_create_view(request):
    villages = selectors.villages_for(request.user)
    admissions = selectors.admissions_citable(request.user)
    form = AskForm(request.POST or None, villages=villages, admissions=admissions,
                   initial={"region": villages.filter(code=request.GET.get("region")).first()})
    if request.method == "POST" and form.is_valid():
        ask = call_service(request, services.ask_record, success=_("已记录。如决定不予执行，请在本页生成拒绝执行告知书。"), form=form,
                           actor=request.user, **form.cleaned_data)
        if ask:
            gap = selectors.admission_gap(ask.region, ask.admission, ask.received_on)
            if gap:
                messages.warning(request, _("请注意：%s对方所称的准入不能作为要求本村（社区）执行的依据。") % gap)
            return redirect(ask)
    return _form_page(request, form, _("记录清单外事项"), back="/catalog/asks/",
                      extra={"departments": selectors.departments_for(request.user)})


class AskDetailView(ScopedDetailView):
    model = UnlistedAsk
    select_related = ("region", "admission", "recorded_by")
    template_name = "catalog/ask_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj = self.object
        ctx["can_act"] = obj.outcome in ("pending", "accepted") and Scope.for_user(self.request.user).covers_path(
            obj.region.path, set(VILLAGE))
        ctx["admission_gap"] = selectors.admission_gap(obj.region, obj.admission, obj.received_on)
        ctx["refuse_form"] = RefuseForm(initial={"rule_cited": services.default_rule(obj.region)})
        ctx["outcome_form"] = OutcomeForm()
        ctx["audit"] = history_for(obj)[:50]
        return ctx


@require_POST
@login_required
def ask_refuse_view(request, pk):
    ask = get_scoped_or_404(UnlistedAsk, request.user, "change", pk=pk)
    form = RefuseForm(request.POST)
    form.is_valid()
    response, _r = run_service(request, services.ask_refuse, actor=request.user, ask=ask,
                               rule_cited=form.cleaned_data.get("rule_cited", ""),
                               note=form.cleaned_data.get("note", ""),
                               success=_("已拒绝执行，请下载告知书送达要求部门。"), redirect_to=ask.get_absolute_url())
    return response


@require_POST
@login_required
def ask_outcome_view(request, pk):
    ask = get_scoped_or_404(UnlistedAsk, request.user, "change", pk=pk)
    response, _r = run_service(request, services.ask_set_outcome, actor=request.user, ask=ask,
                               outcome=request.POST.get("outcome", ""), note=request.POST.get("note", ""),
                               success=_("处理结果已记录。"), redirect_to=ask.get_absolute_url())
    return response


@login_required
def ask_notice_view(request, pk):
    """The 拒绝执行告知书 of a refused ask, as an official-document PDF."""
    ask = get_scoped_or_404(UnlistedAsk.objects.select_related("region", "admission"), request.user, "view", pk=pk)
    if ask.outcome != "refused":
        raise Http404(_("该事项尚未拒绝执行，没有告知书。"))
    record_event("catalog.ask.notice", ask, after={"notice_number": ask.notice_number})
    return pdf_response(refusal_notice_pdf(ask), f"拒绝执行告知书-{ask.notice_number}.pdf")


# ---- burden registry ----------------------------------------------------------------------------------

@login_required
def burden_view(request):
    """Rollups of ledgers, signboards and ratings over the region tree and over time, with a chart."""
    root = selectors.burden_root_for(request.user, request.GET.get("region"))
    if root is None:
        return render(request, "catalog/burden.html", {"title": _("社区减负"), "root": None})
    overview = selectors.burden_overview(root)
    summary, children, timeline = overview["summary"], overview["children"], overview["timeline"]
    if request.GET.get("export") == "xlsx":
        record_event("export", root, after={"view": "catalog.burden", "rows": len(children)})
        headers = [_("区划"), _("村（社区）数"), _("保留台账"), _("清理台账"), _("保留挂牌"), _("取消挂牌"), _("保留评比"),
                   _("取消评比"), _("负担指数（每村）"), _("降幅")]
        rows = [[c["region"].name, c["communities"], c["ledgers_kept"], c["ledgers_cleared"], c["signs_kept"],
                 c["signs_cleared"], c["ratings_kept"], c["ratings_cleared"], c["score_per_community"],
                 c["reduction"] if c["reduction"] is not None else ""] for c in children]
        rows.append([root.name + _("（合计）"), summary["communities"], summary["by_kind"]["ledger"]["kept"],
                     summary["by_kind"]["ledger"]["cleared"], summary["by_kind"]["signboard"]["kept"],
                     summary["by_kind"]["signboard"]["cleared"], summary["by_kind"]["rating"]["kept"],
                     summary["by_kind"]["rating"]["cleared"], summary["score_per_community"],
                     summary["reduction"] if summary["reduction"] is not None else ""])
        return workbook_response(headers, rows, f"社区减负-{root.name}-{timezone.localdate():%Y%m%d}.xlsx",
                                 title=_("社区减负"))
    chart = {"years": [t["year"] for t in timeline], "ledger": [t["ledger"] for t in timeline],
             "signboard": [t["signboard"] for t in timeline], "rating": [t["rating"] for t in timeline],
             "score": [round(t["score_per_community"], 1) for t in timeline],
             "labels": {"ledger": _("台账"), "signboard": _("挂牌"), "rating": _("评比考核"),
                        "score": _("负担指数（每村）")}}
    from zhengshe.regions.selectors import breadcrumbs

    return render(request, "catalog/burden.html", {
        "title": _("社区减负"), "root": root, "summary": summary, "children": children, "timeline": timeline,
        "chart": chart, "weights": selectors.WEIGHTS, "breadcrumbs_catalog": breadcrumbs(root, request.user)})


class BurdenListView(ScopedListView):
    model = BurdenItem
    table_class = BurdenTable
    filterset_class = BurdenFilterSet
    select_related = ("region",)
    title = gettext_lazy("台账、挂牌、评比登记")
    export_filename = "台账挂牌评比"
    create_url_name = "catalog:burden_create"
    create_roles = frozenset({"village_staff", "town_staff", "district_admin"})


@roles_required("village_staff", "town_staff", "district_admin")
def burden_create_view(request):
    villages = selectors.villages_for(request.user)
    form = BurdenForm(request.POST or None, villages=villages)
    if request.method == "POST" and form.is_valid():
        item = call_service(request, services.burden_add, success=_("已登记。"), form=form, actor=request.user,
                            **form.cleaned_data)
        if item:
            return redirect("catalog:burden_detail", pk=item.pk)
    return _form_page(request, form, _("登记台账、挂牌或评比"), back="/catalog/burden/items/")


class BurdenDetailView(ScopedDetailView):
    model = BurdenItem
    select_related = ("region", "admission")
    template_name = "catalog/burden_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["state_form"] = BurdenStateForm()
        ctx["can_change"] = self.object.state == "kept" and Scope.for_user(self.request.user).covers_path(
            self.object.region.path, {"village_staff", "town_staff", "district_admin"})
        ctx["audit"] = history_for(self.object)[:50]
        return ctx

    def post(self, request, *args, **kwargs):
        item = self.get_object()
        form = BurdenStateForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请检查填写的内容。"))
            return redirect("catalog:burden_detail", pk=item.pk)
        response, _r = run_service(request, services.burden_change_state, actor=request.user, item=item,
                                   state=form.cleaned_data["state"], on_date=form.cleaned_data["on_date"],
                                   note=form.cleaned_data["note"], success=_("现状已更新。"),
                                   redirect_to=f"/catalog/burden/items/{item.pk}/")
        return response
