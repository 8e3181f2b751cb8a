"""Recording paper agreements signed before they were entered here."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from zhengshe.accounts.roles import Role
from zhengshe.core.actions import call_service
from zhengshe.core.errors import ServiceError
from zhengshe.core.scoping import Scope
from zhengshe.regions.models import Region
from zhengshe.utilities.excel import XLSX_MIME, ImportFileError, error_report_workbook, file_response

from . import selectors, services
from .forms import AgreementImportForm, OfflineSignForm
from .workflows import AGREEMENT_FLOW, standing_on


@login_required
def agreement_offline(request, pk):
    """Party A (or the district) records a paper signing: date, signers, scan; through the workflow engine."""
    agreement = selectors.get_agreement(request.user, pk)
    standing = standing_on(agreement, request.user)
    if AGREEMENT_FLOW.why_not(agreement, "record_offline", request.user) is not None:
        raise Http404
    form = OfflineSignForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if call_service(request, services.agreement_record_offline, form=form, actor=request.user,
                        agreement=agreement, standing=standing, **form.cleaned_data,
                        success=_("纸质协议的签署已登记。")):
            return redirect(agreement.get_absolute_url())
    return render(request, "core/form.html", {"form": form, "multipart": True, "back": agreement.get_absolute_url(),
                                              "title": _("登记纸质签署：%(a)s") % {"a": agreement},
                                              "submit_label": _("登记")})


@login_required
def agreements_import(request):
    """A town's existing paper agreements from one sheet: all rows or none, with every row's errors."""
    towns = Region.objects.restrict(request.user).filter(level="town").order_by("code")
    if not Scope.for_user(request.user).has_role(Role.TOWN_STAFF, Role.DISTRICT_ADMIN) or not towns.exists():
        raise Http404
    form = AgreementImportForm(request.POST or None, request.FILES or None, towns=towns)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > 10 * 1024 * 1024:
                raise ImportFileError(_("文件过大（上限 10 MB）。"))
            report = services.agreements_import(upload, actor=request.user, town=form.cleaned_data["town"])
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            if report.ok:
                messages.success(request, _("导入成功：%d 份协议已登记为纸质签署。") % report.created)
                return redirect(f"{reverse('agreements:list')}?town={form.cleaned_data['town'].code}")
            if request.POST.get("download_errors") == "1":
                return file_response(error_report_workbook(report), "协议导入错误报告.xlsx", XLSX_MIME)
    return render(request, "agreements/import.html", {"form": form, "report": report,
                                                      "headers": services.IMPORT_HEADERS})
