"""Pages of the projects app: declarations over selectors and services (the logic lives there)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhengshe.core.actions import call_service, run_service
from zhengshe.core.permissions import roles_required
from zhengshe.core.views import ScopedDetailView, ScopedListView
from zhengshe.core.workflows import history
from zhengshe.organizations.interface import own_organizations

from . import selectors, services
from .choices import ApplicationStatus, CallStatus
from .filtersets import ApplicationFilterSet, CallFilterSet, NeedFilterSet, ServiceItemFilterSet
from .forms import (
    ApplicationForm,
    BudgetRows,
    CallForm,
    CommentForm,
    ContractForm,
    IndicatorRows,
    MilestoneRows,
    NeedForm,
    RubricRows,
    ServiceItemForm,
    filled_rows,
)
from .models import Application, Call, Contract, Need, Review, ServiceItem
from .tables import ApplicationTable, CallTable, ContractTable, NeedTable, ServiceItemTable
from .workflows import APPLICATION_FLOW, CALL_FLOW, CONTRACT_FLOW, MILESTONE_FLOW, buyer_role

RECORDERS = ("village_staff", "town_staff", "district_admin")
BUYERS = ("district_admin", "town_staff", "village_staff")


def _move_view(fetch, service, arg: str, back=lambda obj: obj.get_absolute_url()):
    """A workflow move posted from an object's page (``action`` in the URL, an optional ``comment``): the object
    fetched within scope, the service run, back to the page with its message."""

    @require_POST
    @login_required
    def view(request, pk, action):
        obj = fetch(request.user, pk)
        response, _r = run_service(request, service, actor=request.user, action=action, success=_("已办理。"),
                                   comment=request.POST.get("comment", ""), redirect_to=back(obj), **{arg: obj})
        return response

    return view


def _form_page(request, form, title, *, back="", template="core/form.html", extra=None):
    return render(request, template, {"form": form, "title": title, "back": back, **(extra or {})})


# ---------------------------------------------------------------- needs


class NeedListView(ScopedListView):
    model = Need
    table_class = NeedTable
    filterset_class = NeedFilterSet
    select_related = ("region",)
    title = gettext_lazy("居民需求")
    export_filename = "居民需求"
    create_url_name = "projects:need_create"
    create_roles = frozenset(RECORDERS)


@roles_required(*RECORDERS)
def need_create_view(request):
    form = NeedForm(request.POST or None, villages=selectors.villages_for(request.user),
                    initial={"year": timezone.localdate().year, "residents": 0})
    if request.method == "POST" and form.is_valid():
        cd = {**form.cleaned_data, "respondents": form.cleaned_data.get("respondents") or 0}
        need = call_service(request, services.need_record, success=_("已记录居民需求。"), form=form,
                            actor=request.user, **cd)
        if need:
            return redirect(need)
    return _form_page(request, form, _("记录居民需求"), back="/projects/needs/")


class NeedDetailView(ScopedDetailView):
    model = Need
    select_related = ("region", "region__parent", "recorded_by")
    template_name = "projects/need_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["ranked"] = list(selectors.ranked_needs(self.object.region, self.object.year)[:50])
        return ctx


# ---------------------------------------------------------------- catalogue


class ServiceItemListView(ScopedListView):
    model = ServiceItem
    table_class = ServiceItemTable
    filterset_class = ServiceItemFilterSet
    select_related = ("region",)
    title = gettext_lazy("服务目录")
    export_filename = "服务目录"
    create_url_name = "projects:service_create"
    create_roles = frozenset({"district_admin"})


@roles_required("district_admin")
def service_create_view(request):
    form = ServiceItemForm(request.POST or None, regions=selectors.catalogue_regions_for(request.user))
    if request.method == "POST" and form.is_valid():
        item = call_service(request, services.service_item_save, success=_("已加入目录。"), form=form,
                            actor=request.user, **form.cleaned_data)
        if item:
            return redirect(item)
    return _form_page(request, form, _("新增服务目录事项"), back="/projects/services/")


class ServiceItemDetailView(ScopedDetailView):
    model = ServiceItem
    select_related = ("region",)
    template_name = "projects/service_detail.html"


# ---------------------------------------------------------------- calls


class CallListView(ScopedListView):
    model = Call
    table_class = CallTable
    filterset_class = CallFilterSet
    select_related = ("buyer_region",)
    title = gettext_lazy("项目征集")
    export_filename = "项目征集"
    create_url_name = "projects:call_create"
    create_roles = frozenset(BUYERS)

    def get_queryset(self):
        qs = selectors.calls_for(self.request.user).select_related("buyer_region")
        self.filterset = self.filterset_class(self.request.GET or None, queryset=qs, request=self.request)
        return self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else qs


def _call_forms(request):
    user = request.user
    form = CallForm(request.POST or None, regions=selectors.buyer_regions_for(user),
                    needs=selectors.needs_for(user).order_by("-year", "-residents"),
                    items=selectors.service_items_for(user),
                    initial={"year": timezone.localdate().year, "min_grade": "3A", "local_only": True})
    rubric = RubricRows(request.POST or None, prefix="rubric", initial=[
        {"name": _("需求契合度"), "weight": 30}, {"name": _("方案可行性"), "weight": 30},
        {"name": _("团队能力"), "weight": 20}, {"name": _("预算合理性"), "weight": 20}])
    return form, rubric


@roles_required(*BUYERS)
def call_create_view(request):
    form, rubric = _call_forms(request)
    if request.method == "POST" and form.is_valid() and rubric.is_valid():
        call = call_service(request, services.call_create, success=_("已保存征集草稿，请核对后发布。"), form=form,
                            actor=request.user, rubric=filled_rows(rubric), **form.cleaned_data)
        if call:
            return redirect(call)
    return _form_page(request, form, _("发起项目征集"), back="/projects/calls/", template="projects/call_form.html",
                      extra={"rubric": rubric})


class CallDetailView(ScopedDetailView):
    model = Call
    template_name = "projects/call_detail.html"

    def get_object(self, queryset=None):
        return selectors.call_for(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        call, user = self.object, self.request.user
        ctx["actions"] = CALL_FLOW.available_actions(call, user)
        ctx["needs"] = list(call.needs.select_related("region"))
        ctx["items"] = list(call.items.all())
        ctx["applications"] = list(selectors.applications_for(user).filter(call=call).select_related("organization"))
        ctx["mine"] = {a.organization_id: a for a in ctx["applications"]}
        ctx["own_orgs"] = [o for o in own_organizations(user) if o.pk not in ctx["mine"]]
        ctx["comment_form"] = CommentForm()
        ctx["history"] = history(call, CALL_FLOW)
        ctx["is_buyer"] = call.status == CallStatus.CLOSED and bool(CALL_FLOW.standing(call, user).roles & {
            buyer_role(call)})
        if ctx["is_buyer"]:
            ctx["experts"] = list(selectors.experts_for(call))
            ctx["ranking"] = selectors.ranking(call)
        return ctx



@require_POST
@login_required
def call_reviewers_view(request, pk):
    from zhengshe.accounts.models import User

    call = selectors.call_for(request.user, pk)
    chosen = User.objects.filter(pk__in=[v for v in request.POST.getlist("reviewers") if v.isdigit()],
                                 id__in=selectors.experts_for(call).values("id"))
    response, _r = run_service(request, services.reviewers_assign, actor=request.user, call=call, reviewers=chosen,
                               success=_("已分配评审专家。"), redirect_to=call.get_absolute_url())
    return response


@require_POST
@login_required
def call_awards_view(request, pk):
    call = selectors.call_for(request.user, pk)
    awards = {key.removeprefix("award-"): value for key, value in request.POST.items()
              if key.startswith("award-") and key.removeprefix("award-").isdigit() and value.strip()}
    response, _r = run_service(request, services.awards_decide, actor=request.user, call=call, awards=awards,
                               success=_("已确定立项资助。"), redirect_to=call.get_absolute_url())
    return response


# ---------------------------------------------------------------- reviews


class ReviewListView(ScopedListView):
    model = Review
    template_name = "projects/review_list.html"
    title = gettext_lazy("我的评审")

    def get_queryset(self):
        self.filterset = None
        return selectors.reviews_for(self.request.user).order_by("status", "-id")


@login_required
def review_detail_view(request, pk):
    from django.http import Http404

    review = selectors.reviews_for(request.user).filter(pk=pk).first()
    if review is None:
        raise Http404(_("未找到，或不在您的权限范围内。"))
    if request.method == "POST":
        if request.POST.get("recuse"):
            call_service(request, services.review_recuse, success=_("已回避。"), actor=request.user, review=review,
                         reason=request.POST.get("reason", ""))
        else:
            scores = {c["name"]: request.POST.get(f"score-{i}", "") for i, c in enumerate(review.application.call.rubric)}
            call_service(request, services.review_submit, success=_("已提交评审。"), actor=request.user,
                         review=review, scores=scores, comment=request.POST.get("comment", ""),
                         no_conflict=request.POST.get("no_conflict") == "1")
        return redirect(review)
    rubric = [{"i": i, **c, "value": review.scores.get(c["name"], "")}
              for i, c in enumerate(review.application.call.rubric)]
    return render(request, "projects/review_detail.html", {"review": review, "application": review.application,
                                                           "rubric": rubric})


# ---------------------------------------------------------------- applications


class ApplicationListView(ScopedListView):
    model = Application
    table_class = ApplicationTable
    filterset_class = ApplicationFilterSet
    select_related = ("organization", "call")
    title = gettext_lazy("项目申报")
    export_filename = "项目申报"
    paginate_by = 60


def _application_forms(request, application=None):
    initial = {}
    if application is not None:
        initial = {k: getattr(application, k) for k in ("title", "target_group", "beneficiaries", "proposal", "team")}
        initial["version"] = application.version
    data = request.POST or None
    return (ApplicationForm(data, initial=initial),
            BudgetRows(data, prefix="budget", initial=application.budget_lines if application else None),
            IndicatorRows(data, prefix="indicator", initial=application.indicators if application else None))


def _save_application(request, call, organization, application=None):
    form, budget, indicators = _application_forms(request, application)
    if request.method == "POST" and form.is_valid() and budget.is_valid() and indicators.is_valid():
        data = {**form.cleaned_data, "budget_lines": filled_rows(budget), "indicators": filled_rows(indicators)}
        saved = call_service(request, services.application_save, success=_("已保存申报草稿。"), form=form,
                             actor=request.user, call=call, organization=organization, data=data,
                             application=application, version=form.cleaned_data.get("version"))
        if saved:
            return redirect(saved)
    return _form_page(request, form, _("项目申报：%s") % call.title, back=call.get_absolute_url(),
                      template="projects/application_form.html",
                      extra={"budget": budget, "indicators": indicators, "call": call})


@roles_required("org_user")
def application_create_view(request, pk):
    call = selectors.call_for(request.user, pk)
    orgs = own_organizations(request.user)
    organization = next((o for o in orgs if str(o.pk) == request.GET.get("org", "")), orgs[0] if orgs else None)
    if organization is None:
        return redirect(call)
    existing = Application.objects.filter(call=call, organization=organization).first()
    if existing is not None:
        return redirect(existing)
    return _save_application(request, call, organization)


@login_required
def application_edit_view(request, pk):
    application = selectors.application_for(request.user, pk, "change")
    if application.status != ApplicationStatus.DRAFT:
        return redirect(application)
    return _save_application(request, application.call, application.organization, application)


class ApplicationDetailView(ScopedDetailView):
    model = Application
    template_name = "projects/application_detail.html"

    def get_object(self, queryset=None):
        return selectors.application_for(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        app, user = self.object, self.request.user
        ctx["actions"] = APPLICATION_FLOW.available_actions(app, user)
        ctx["can_edit"] = app.status == ApplicationStatus.DRAFT and app.organization in own_organizations(user)
        ctx["problems"] = services.application_problems(app) if ctx["can_edit"] else []
        ctx["contract"] = getattr(app, "contract", None) if app.status == ApplicationStatus.AWARDED else None
        ctx["may_contract"] = (app.status == ApplicationStatus.AWARDED and ctx["contract"] is None
                               and buyer_role(app.call) in APPLICATION_FLOW.standing(app, user).roles)
        ctx["comment_form"] = CommentForm()
        ctx["history"] = history(app, APPLICATION_FLOW)
        return ctx


@require_POST
@login_required
def application_submit_view(request, pk):
    application = selectors.application_for(request.user, pk)
    response, _r = run_service(request, services.application_submit, actor=request.user, application=application,
                               success=_("已提交申报。"), redirect_to=application.get_absolute_url())
    return response



# ---------------------------------------------------------------- public (公示)


def public_call_list_view(request):
    calls = Call.objects.filter(status__in=[CallStatus.PUBLISHED, CallStatus.CLOSED]).select_related(
        "buyer_region").order_by("-published_at", "-id")[:100]
    return render(request, "projects/public_call_list.html", {"calls": calls})


def public_call_view(request, number):
    call = selectors.public_call(number)
    return render(request, "projects/public_call.html", {"call": call, "needs": list(call.needs.select_related(
        "region")), "items": list(call.items.all())})


# ---------------------------------------------------------------- contracts


class ContractListView(ScopedListView):
    model = Contract
    table_class = ContractTable
    select_related = ("application", "application__organization")
    title = gettext_lazy("项目合同")
    export_filename = "项目合同"


@login_required
def contract_create_view(request, pk):
    application = selectors.application_for(request.user, pk)
    if hasattr(application, "contract"):
        return redirect(application.contract)
    form = ContractForm(request.POST or None, initial={"deliverables": application.proposal})
    rows = MilestoneRows(request.POST or None, prefix="milestone")
    if request.method == "POST" and form.is_valid() and rows.is_valid():
        contract = call_service(request, services.contract_create, success=_("已生成合同，待承接方签署。"), form=form,
                                actor=request.user, application=application, milestones=filled_rows(rows),
                                **form.cleaned_data)
        if contract:
            return redirect(contract)
    return _form_page(request, form, _("签订项目合同：%s") % application.title, back=application.get_absolute_url(),
                      template="projects/contract_form.html", extra={"rows": rows, "application": application})


class ContractDetailView(ScopedDetailView):
    model = Contract
    template_name = "projects/contract_detail.html"

    def get_object(self, queryset=None):
        return selectors.contract_for(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["actions"] = CONTRACT_FLOW.available_actions(self.object, user)
        ctx["progress"] = selectors.contract_progress(self.object)
        ctx["milestones"] = [{"m": m, "actions": MILESTONE_FLOW.available_actions(m, user)}
                             for m in ctx["progress"]["milestones"]]
        ctx["may_report"] = self.object.status == "in_force" and self.object.application.organization in \
            own_organizations(user)
        ctx["history"] = history(self.object, CONTRACT_FLOW)
        return ctx


@login_required
def contract_pdf_view(request, pk):
    from zhengshe.audit.services import record_event
    from zhengshe.utilities.pdf import pdf_response

    from .pdf import contract_pdf

    contract = selectors.contract_for(request.user, pk)
    record_event("projects.contract.pdf", contract, after={"number": contract.number})
    return pdf_response(contract_pdf(contract), f"项目合同-{contract.number}.pdf")



@require_POST
@login_required
def milestone_report_view(request, pk):
    milestone = selectors.milestone_for(request.user, pk)
    contract = milestone.contract
    values = {i["name"]: request.POST.get(f"indicator-{n}", "") for n, i in enumerate(contract.indicators)}
    response, _r = run_service(request, services.milestone_report, actor=request.user, milestone=milestone,
                               report=request.POST.get("report", ""), indicator_values=values,
                               spent=request.POST.get("spent", ""), success=_("已报告进展，待购买方验收。"),
                               redirect_to=contract.get_absolute_url())
    return response


call_move_view = _move_view(selectors.call_for, services.call_move, "call")
application_move_view = _move_view(selectors.application_for, services.application_move, "application")
contract_move_view = _move_view(selectors.contract_for, services.contract_move, "contract")
milestone_decide_view = _move_view(selectors.milestone_for, services.milestone_decide, "milestone",
                                   back=lambda milestone: milestone.contract.get_absolute_url())
