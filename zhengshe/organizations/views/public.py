"""Public pages (no login): the directory of organizations and the grading notices (公示) with objections.

Only public facts are shown: name, code, type, category, registration authority and dates, area of
activity, grade and credit status. No legal representative, contact person, phone or address.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.core.actions import call_service

from .. import selectors, services
from ..choices import ApplicationStatus, OrgStatus, RoundStatus
from ..filtersets import PublicDirectoryFilterSet
from ..forms import ObjectionForm
from ..models import GradeApplication, Organization

PUBLIC_FIELDS = ("id", "name", "credit_code", "filing_number", "org_type", "category", "registration_kind",
                 "registration_level", "registration_authority", "founded_on", "registered_on", "status", "grade",
                 "grade_valid_from", "grade_valid_to", "region__name", "region__code")
PUBLIC_STATUSES = [OrgStatus.ACTIVE, OrgStatus.SUSPENDED, OrgStatus.DEREGISTERED, OrgStatus.REVOKED]


PAGE_SIZE = 30


class _Page(list):
    """A page without COUNT(*) (a search over 100 000 rows should not scan them twice): previous/next only."""

    def __init__(self, rows, number):
        super().__init__(rows[:PAGE_SIZE])
        self.number = number
        self._more = len(rows) > PAGE_SIZE

    def has_next(self):
        return self._more

    def has_previous(self):
        return self.number > 1

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1


def _page(qs, raw) -> _Page:
    try:
        number = max(1, min(int(raw or 1), 10_000))
    except ValueError:
        number = 1
    start = (number - 1) * PAGE_SIZE
    return _Page(list(qs[start:start + PAGE_SIZE + 1]), number)


def directory(request):
    qs = Organization.objects.filter(status__in=PUBLIC_STATUSES).select_related("region").only(*PUBLIC_FIELDS)
    filterset = PublicDirectoryFilterSet(request.GET or None, queryset=qs)
    if filterset.is_bound and filterset.is_valid():
        qs = filterset.qs
    page = _page(qs.order_by("name", "id"), request.GET.get("page"))
    kinds = selectors.credit_kinds_by_org([o.pk for o in page])
    today = timezone.localdate()
    for org in page:
        org.credit = kinds.get(org.pk, set())
        org.public_grade = org.grade_valid_on(today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "organizations/public/directory.html", {
        "page_obj": page, "filterset": filterset, "title": _("社会组织名录查询"), "querystring": query.urlencode()})


def public_detail(request, pk):
    org = get_object_or_404(Organization.objects.select_related("region").only(*PUBLIC_FIELDS), pk=pk,
                            status__in=PUBLIC_STATUSES)
    today = timezone.localdate()
    return render(request, "organizations/public/detail.html", {
        "org": org, "title": org.name, "grade": selectors.grade_on(org, today), "credit": selectors.credit_status(org),
        "entries": selectors.active_credit_entries(org, today)})


def notice(request):
    """Grades under public notice, each with an objection form while the window is open."""
    apps = (GradeApplication.objects.filter(status=ApplicationStatus.NOTICE, round__status=RoundStatus.NOTICE)
            .select_related("organization", "round__region").order_by("round_id", "-decided_grade"))
    return render(request, "organizations/public/notice.html", {
        "applications": apps, "title": _("社会组织评估等级公示"), "form": ObjectionForm(), "today": timezone.localdate()})


def objection(request, pk):
    app = get_object_or_404(GradeApplication.objects.select_related("round", "organization"), pk=pk,
                            status=ApplicationStatus.NOTICE)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if call_service(request, services.objection_submit, success=_("异议已收到，登记管理机关将核实处理。"),
                   application=app, **form.cleaned_data):
            return redirect("organizations_public:notice")
    elif request.method == "POST":
        messages.error(request, _("请填写提出人和异议内容。"))
    return render(request, "organizations/public/objection.html", {"app": app, "form": form,
                                                                   "title": _("对公示结果提出异议")})
