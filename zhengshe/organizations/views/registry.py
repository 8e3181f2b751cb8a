"""The registry: list, register/file, detail, profile edits, change requests, status, branches, annual
reports, credit lists and findings, import/export, notifications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengshe.accounts.roles import Role
from zhengshe.audit.services import record_event
from zhengshe.core import importjobs, inbox
from zhengshe.core.actions import call_service
from zhengshe.core.errors import ServiceError
from zhengshe.core.models import Notification as CoreNotification
from zhengshe.core.protected import masked, record_reveal
from zhengshe.core.scoping import Scope, get_scoped_or_404
from zhengshe.core.views import ScopedListView
from zhengshe.core.workflows import history
from zhengshe.utilities.excel import XLSX_MIME, ImportFileError, error_report_workbook, file_response, workbook_response

from .. import imports, selectors, services, workflows
from ..choices import NotificationKind, OrgType, RegistrationKind, ReportStatus
from ..filtersets import AnnualReportFilterSet, ChangeRequestFilterSet, CreditEntryFilterSet, OrganizationFilterSet
from ..forms import (
    AnnualReportForm,
    BranchForm,
    CreditIncludeForm,
    CreditRemoveForm,
    FindingForm,
    ImportForm,
    OrganizationForm,
    ReportReviewForm,
    StatusForm,
)
from ..models import AnnualReport, AuditFinding, ChangeRequest, CreditEntry, Organization
from ..tables import AnnualReportTable, ChangeRequestTable, CreditEntryTable, NotificationTable, OrganizationTable
from .common import form_errors_to_messages, post_only, roles_on

STAFF = {Role.DISTRICT_ADMIN, Role.TOWN_STAFF}


class OrganizationListView(ScopedListView):
    model = Organization
    table_class = OrganizationTable
    filterset_class = OrganizationFilterSet
    select_related = ("region",)
    ordering = ("region__path", "name")
    title = gettext_lazy("社会组织名册")
    export_filename = "社会组织名册"
    create_url_name = "organizations:create"
    create_roles = frozenset(STAFF)
    import_url_name = "organizations:import"
    template_name = "organizations/organization_list.html"

    def get(self, request, *args, **kwargs):
        own = selectors.own_organizations(request.user)
        if own and not Scope.for_user(request.user).region_paths(Scope.for_user(request.user).roles):
            return redirect(own[0].get_absolute_url())
        return super().get(request, *args, **kwargs)


@login_required
def organization_create(request):
    """Register (civil-affairs office) or file (town: community organizations) a new organization."""
    scope = Scope.for_user(request.user)
    if not scope.has_role(*STAFF) and not scope.is_superuser:
        raise PermissionDenied
    initial = {}
    if not scope.has_role(Role.DISTRICT_ADMIN):
        initial = {"org_type": OrgType.COMMUNITY, "registration_kind": RegistrationKind.FILED,
                   "registration_level": "town"}
    form = OrganizationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        org = call_service(request, services.organization_create, success=_("已保存。"), form=form, actor=request.user,
                      data=form.model_data(), service_regions=form.cleaned_data["service_region_codes"],
                      override_reason=form.cleaned_data.get("override_reason", ""))
        if org:
            return redirect(org.get_absolute_url())
    return render(request, "core/form.html", {"form": form, "title": _("登记（备案）社会组织"),
                                              "back": "/organizations/"})


def _open_report_years(org, today) -> list[int]:
    """The last two years whose report can still be filled in (none yet, draft, missing or returned)."""
    if org.registration_kind != RegistrationKind.REGISTERED:
        return []
    done = set(org.annual_reports.filter(status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED]).values_list(
        "year", flat=True))
    return [y for y in (today.year - 1, today.year - 2) if y not in done and not (
        org.registered_on and org.registered_on.year > y)]


def _detail_context(request, org):
    user = request.user
    roles = roles_on(user, org)
    office = services.may_edit_registered_facts(user, org)
    own = Role.ORG_USER in roles
    today = timezone.localdate()
    ok, reasons = selectors.eligibility(org, min_grade="3A")
    return {
        "org": org, "title": org.name, "roles": roles, "is_office": office, "is_own": own,
        "phone": org.contact_phone if own else masked(org, "contact_phone"),
        "can_reveal": office and bool(org.contact_phone),
        "status_actions": workflows.ORGANIZATION_FLOW.available_actions(org, user),
        "status_history": history(org),
        "branches": org.branches.all(),
        "reports": org.annual_reports.select_related("reviewed_by"),
        "report_years": _open_report_years(org, today) if own or office else [],
        "applications": org.grade_applications.select_related("round"),
        "grade_in_force": selectors.grade_on(org, today),
        "credit_entries": org.credit_entries.all(),
        "findings": org.audit_findings.all(),
        "incubations": org.incubations.select_related("incubator"),
        "changes": org.change_requests.all()[:10],
        "service_regions": org.service_regions.all(),
        "eligible": ok, "eligibility_reasons": reasons,
        "notifications": inbox.notifications_for(request.user, target=org)[:10] if own else [],
        "open_rounds": selectors.open_rounds_for(org) if own else [],
        "status_form": StatusForm(),
        "credit_status": selectors.credit_status(org, today),
    }


@login_required
def organization_detail(request, pk):
    org = selectors.organization_for(request.user, pk)
    return render(request, "organizations/organization_detail.html", _detail_context(request, org))


@login_required
@post_only
def organization_reveal(request, pk):
    """Show the contact phone in full to the registering office, with a reason, in the audit trail (§4.7)."""
    org = selectors.organization_for(request.user, pk)
    if not services.may_edit_registered_facts(request.user, org):
        raise PermissionDenied
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, _("请填写查看完整联系方式的理由。"))
        return redirect(org.get_absolute_url())
    record_reveal(org, "contact_phone", reason=reason, action="organizations.reveal_contact")
    ctx = _detail_context(request, org)
    ctx.update(phone=org.contact_phone, can_reveal=False)
    response = render(request, "organizations/organization_detail.html", ctx)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def organization_edit(request, pk):
    """The office edits everything; the organization edits its profile, registered facts go to review."""
    org = selectors.organization_for(request.user, pk, "change")
    office = services.may_edit_registered_facts(request.user, org)
    if not office and Role.ORG_USER not in roles_on(request.user, org):
        raise PermissionDenied
    form = OrganizationForm(request.POST or None, instance=Organization.objects.get(pk=org.pk),
                            registered_locked=not office)
    if request.method == "POST" and form.is_valid():
        result = call_service(request, services.organization_update, success=_("已保存。"), form=form, actor=request.user,
                         org=org, data=form.model_data(), version=form.cleaned_data.get("version"),
                         service_regions=form.cleaned_data["service_region_codes"],
                         reason=form.cleaned_data.get("change_reason", ""),
                         override_reason=form.cleaned_data.get("override_reason", ""))
        if result:
            _org, change = result
            if change is not None:
                messages.info(request, _("登记事项的变更已提交登记管理机关审核，批准后生效。"))
            return redirect(org.get_absolute_url())
    return render(request, "core/form.html", {"form": form, "title": _("修改：%s") % org.name,
                                              "back": org.get_absolute_url()})


@login_required
@post_only
def organization_status(request, pk, action):
    org = selectors.organization_for(request.user, pk)
    form = StatusForm(request.POST)
    form.is_valid()
    call_service(request, services.organization_set_status, success=_("状态已变更。"), actor=request.user, org=org,
            action=action, comment=form.cleaned_data.get("comment", ""))
    return redirect(org.get_absolute_url())


@login_required
def branch_create(request, pk):
    org = selectors.organization_for(request.user, pk, "change")
    form = BranchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items()}
        if call_service(request, services.branch_save, success=_("已记录分支（代表）机构。"), form=form, actor=request.user,
                   org=org, data=data):
            return redirect(org.get_absolute_url())
    return render(request, "core/form.html", {"form": form, "title": _("新增分支（代表）机构：%s") % org.name,
                                              "back": org.get_absolute_url()})


# ---------------------------------------------------------------- change requests


class ChangeRequestListView(ScopedListView):
    model = ChangeRequest
    table_class = ChangeRequestTable
    filterset_class = ChangeRequestFilterSet
    select_related = ("organization",)
    title = gettext_lazy("登记事项变更审核")
    export_filename = "变更申请"


@login_required
def change_detail(request, pk):
    change = get_scoped_or_404(ChangeRequest.objects.select_related("organization", "submitted_by", "decided_by"),
                               request.user, pk=pk)
    if request.method == "POST":
        form = StatusForm(request.POST)
        form.is_valid()
        call_service(request, services.change_request_decide, success=_("已办理。"), actor=request.user, change=change,
                action=request.POST.get("action", ""), comment=form.cleaned_data.get("comment", ""))
        return redirect(change.get_absolute_url())
    labels = {f.name: f.verbose_name for f in Organization._meta.fields}
    rows = [{"label": labels.get(k, k), "before": change.before.get(k), "after": v} for k, v in change.changes.items()]
    return render(request, "organizations/change_detail.html", {
        "change": change, "rows": rows, "title": str(change), "form": StatusForm(),
        "actions": workflows.CHANGE_FLOW.available_actions(change, request.user), "history": history(change)})


# ---------------------------------------------------------------- annual reports


class AnnualReportListView(ScopedListView):
    model = AnnualReport
    table_class = AnnualReportTable
    filterset_class = AnnualReportFilterSet
    select_related = ("organization",)
    title = gettext_lazy("年度报告")
    export_filename = "年度报告"


@login_required
def report_form(request, pk, year):
    """The annual report form of one organization for one year (draft, save, submit)."""
    org = selectors.organization_for(request.user, pk, "change")
    try:
        report = services.annual_report_for(actor=request.user, org=org, year=year,
                                            persist=request.method == "POST")
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(org.get_absolute_url())
    if report.status not in (ReportStatus.DRAFT, ReportStatus.MISSING, ReportStatus.RETURNED):
        return redirect(report.get_absolute_url())
    form = AnnualReportForm(request.POST or None,
                            instance=AnnualReport.objects.get(pk=report.pk) if report.pk else report)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "acknowledge")}
        submit = request.POST.get("submit") == "1"
        saved = call_service(request, services.annual_report_save, success=_("已报送。") if submit else _("已保存草稿。"),
                        form=form, actor=request.user, report=report, data=data,
                        version=form.cleaned_data.get("version"), submit=submit,
                        acknowledged=form.cleaned_data.get("acknowledge", False))
        if saved:
            return redirect(saved.get_absolute_url() if submit else request.path)
    warnings = services.report_problems(form.instance)[1]  # the figures as typed, once the form has been read
    return render(request, "organizations/report_form.html", {
        "form": form, "report": report, "org": org, "warnings": warnings,
        "title": _("%(y)d 年度报告：%(o)s") % {"y": year, "o": org.name}})


@login_required
def report_detail(request, pk):
    report = get_scoped_or_404(AnnualReport.objects.select_related("organization", "reviewed_by"), request.user, pk=pk)
    if request.method == "POST":
        form = ReportReviewForm(request.POST)
        form.is_valid()
        call_service(request, services.annual_report_review, success=_("已办理。"), actor=request.user, report=report,
                action=request.POST.get("action", ""), result=form.cleaned_data.get("result", ""),
                comment=form.cleaned_data.get("comment", ""))
        return redirect(report.get_absolute_url())
    return render(request, "organizations/report_detail.html", {
        "report": report, "title": str(report), "form": ReportReviewForm(), "history": history(report),
        "warnings": services.report_problems(report)[1],
        "actions": [(a, t) for a, t in workflows.REPORT_FLOW.available_actions(report, request.user) if a != "submit"],
        "is_office": services.may_edit_registered_facts(request.user, report.organization),
        "can_edit": report.status in (ReportStatus.DRAFT, ReportStatus.MISSING, ReportStatus.RETURNED)})


# ---------------------------------------------------------------- credit lists and findings


class CreditEntryListView(ScopedListView):
    model = CreditEntry
    table_class = CreditEntryTable
    filterset_class = CreditEntryFilterSet
    select_related = ("organization",)
    title = gettext_lazy("信用名录（活动异常名录、严重违法失信名单）")
    export_filename = "信用名录"


@login_required
def credit_include(request, pk):
    org = selectors.organization_for(request.user, pk)
    if not services.may_edit_registered_facts(request.user, org):
        raise PermissionDenied
    initial = {k: request.GET[k] for k in ("list_kind", "reason", "detail") if k in request.GET}
    form = CreditIncludeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if call_service(request, services.credit_include, success=_("已列入。"), form=form, actor=request.user, org=org,
                   **form.cleaned_data):
            return redirect(org.get_absolute_url())
    return render(request, "core/form.html", {"form": form, "title": _("列入信用名录：%s") % org.name,
                                              "back": org.get_absolute_url()})


@login_required
@post_only
def credit_remove(request, pk):
    entry = get_scoped_or_404(CreditEntry.objects.select_related("organization"), request.user, pk=pk)
    form = CreditRemoveForm(request.POST)
    if form.is_valid():
        call_service(request, services.credit_remove, success=_("已移出名录。"), actor=request.user, entry=entry,
                reason=form.cleaned_data["reason"], removed_on=form.cleaned_data.get("removed_on"))
    else:
        form_errors_to_messages(request, form)
    return redirect(entry.organization.get_absolute_url())


@login_required
def finding_create(request, pk):
    org = selectors.organization_for(request.user, pk)
    if not services.may_edit_registered_facts(request.user, org):
        raise PermissionDenied
    form = FindingForm(request.POST or None, initial={"year": timezone.localdate().year - 1})
    if request.method == "POST" and form.is_valid():
        if call_service(request, services.finding_add, success=_("已记录。"), form=form, actor=request.user, org=org,
                   data=form.cleaned_data):
            return redirect(org.get_absolute_url())
    return render(request, "core/form.html", {"form": form, "title": _("记录审计检查发现：%s") % org.name,
                                              "back": org.get_absolute_url()})


@login_required
@post_only
def finding_rectified(request, pk):
    finding = get_scoped_or_404(AuditFinding.objects.select_related("organization"), request.user, pk=pk)
    call_service(request, services.finding_rectified, success=_("已记录整改完成。"), actor=request.user, finding=finding)
    return redirect(finding.organization.get_absolute_url())


# ---------------------------------------------------------------- import / export / notifications


@login_required
def register_import(request):
    """Upload an existing register; all rows or none, with each bad row reported."""
    scope = Scope.for_user(request.user)
    can_import = scope.is_superuser or scope.has_role(*imports.IMPORT_ROLES)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and can_import and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            messages.error(request, _("文件过大（上限 20 MB）。"))
        else:
            try:
                reason = form.cleaned_data.get("override_reason", "")
                if importjobs.should_queue(upload):  # too large for a request: the worker imports it
                    return redirect(importjobs.job_queue(
                        actor=request.user, kind="organizations", upload=upload, params={"override_reason": reason},
                        region_path=importjobs.home_path(request.user, imports.IMPORT_ROLES)))
                report = imports.import_register(upload, actor=request.user, override_reason=reason)
            except ImportFileError as exc:
                messages.error(request, str(exc))
            else:
                if report.ok:
                    messages.success(request, _("导入成功：新增 %d 家社会组织。") % report.created)
                    return redirect("organizations:list")
                if request.POST.get("download_errors") == "1":
                    return file_response(error_report_workbook(report), "社会组织导入错误报告.xlsx", XLSX_MIME)
    return render(request, "organizations/import.html", {
        "form": form, "report": report, "headers": imports.IMPORT_HEADERS, "can_import": can_import,
        "title": _("导入社会组织名册")})


@login_required
def register_template(request):
    example = ["太仓市示例志愿者协会", "", "", "社会团体", "公益慈善类", "登记", "县（区）级", "太仓市民政局", "320585",
               "2019-05-20", "2019-06-01", "张三", "李四", "13800001234", "太仓市示例路1号", "志愿服务", 120, 3, 1,
               300, "是", "正常"]
    return workbook_response(imports.IMPORT_HEADERS, [example], "社会组织名册导入模板.xlsx", title=_("名册"))


@login_required
def register_export(request):
    """The register in the import layout; phones in full only for a role that may reveal them, and the file says
    which (its sheet name, and the phone column's header when masked)."""
    qs = Organization.objects.restrict(request.user, "export")
    full = imports.export_full_for(request.user)
    rows = list(imports.export_rows(qs, full=full))
    record_event("export", None, after={"view": "organizations.register", "rows": len(rows), "full": full},
                 object_repr=_("社会组织名册导出"))
    return workbook_response(imports.export_headers(full=full), rows,
                             f"社会组织名册-{timezone.localdate():%Y%m%d}.xlsx",
                             title=_("名册（联系电话完整）") if full else _("名册（联系电话已脱敏）"))


@login_required
def my_organization(request):
    own = selectors.own_organizations(request.user)
    if not own:
        raise Http404(_("您不是社会组织用户。"))
    return redirect(own[0].get_absolute_url())


class NotificationListView(ScopedListView):
    """The signed-in user's own messages of this app (reminders, decisions), from the house's one notification
    table (``core.inbox.notify``): each user sees what was delivered to them, nothing else."""

    model = CoreNotification
    table_class = NotificationTable
    title = gettext_lazy("通知提醒")
    export_filename = "通知"

    def get_queryset(self):
        self.filterset = None
        return inbox.notifications_for(self.request.user).filter(kind__in=NotificationKind.values)