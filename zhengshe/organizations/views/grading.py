"""Grade assessment pages: rounds, declarations with evidence, review, expert scoring, committee
decision, objections, certificates, indicator systems."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengshe.accounts.roles import Role
from zhengshe.audit.services import record_event
from zhengshe.core.actions import call_service
from zhengshe.core.errors import ServiceError
from zhengshe.core.scoping import Scope, get_scoped_or_404
from zhengshe.core.views import ScopedListView
from zhengshe.core.workflows import history
from zhengshe.utilities.pdf import pdf_response

from .. import selectors, services, workflows
from ..choices import ApplicationStatus, Dimension
from ..forms import (
    ApplicationForm,
    DecideForm,
    EvidenceForm,
    ObjectionResolveForm,
    RoundActionForm,
    RoundForm,
    StatusForm,
)
from ..models import Evidence, ExpertScore, GradeApplication, GradeRound, IndicatorSet, Objection
from ..tables import RoundTable
from .common import form_errors_to_messages, post_only, roles_on


class RoundListView(ScopedListView):
    model = GradeRound
    table_class = RoundTable
    select_related = ("region",)
    title = gettext_lazy("社会组织等级评估")
    export_filename = "等级评估批次"
    create_url_name = "organizations:round_create"
    create_roles = frozenset({Role.DISTRICT_ADMIN})
    template_name = "organizations/round_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        own = selectors.own_organizations(self.request.user)
        ctx["own_rounds"] = [(org, list(selectors.open_rounds_for(org))) for org in own]
        return ctx


def _organizing_regions(scope):
    """The counties and towns (and the city, for a city office) a district administrator may organize grading in."""
    from django.db.models import Q

    from zhengshe.regions.models import Region

    q = Q() if scope.is_superuser else Q(pk__in=[])
    for path in scope.region_paths({Role.DISTRICT_ADMIN}):
        q |= Q(path__under=path)
    return Region.objects.filter(q, level__in=["city", "county", "town"])


@login_required
def round_create(request):
    scope = Scope.for_user(request.user)
    if not (scope.has_role(Role.DISTRICT_ADMIN) or scope.is_superuser):
        raise PermissionDenied
    from django.utils import timezone

    form = RoundForm(request.POST or None, regions=_organizing_regions(scope), initial={"year": timezone.localdate().year,
                                                    "name": _("%d 年度社会组织等级评估") % timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        rnd = call_service(request, services.round_create, success=_("已创建评估批次。"), form=form, actor=request.user,
                      data=form.cleaned_data)
        if rnd:
            return redirect(rnd.get_absolute_url())
    return render(request, "core/form.html", {"form": form, "title": _("新建等级评估批次"), "back": "/organizations/grading/"})


@login_required
def round_detail(request, pk):
    rnd = get_scoped_or_404(GradeRound.objects.select_related("region"), request.user, pk=pk)
    if request.method == "POST" and request.POST.get("separation") in ("0", "1"):
        call_service(request, services.round_set_separation, actor=request.user, rnd=rnd,
                     success=_("已开启职责分离。") if request.POST["separation"] == "1" else _("已关闭职责分离，理由已记录。"),
                     required=request.POST["separation"] == "1", reason=request.POST.get("reason", ""))
        return redirect(rnd.get_absolute_url())
    if request.method == "POST":
        form = RoundActionForm(request.POST)
        form.is_valid()
        call_service(request, services.round_transition, success=_("已办理。"), actor=request.user, rnd=rnd,
                action=request.POST.get("action", ""), comment=form.cleaned_data.get("comment") or "",
                notice_days=form.cleaned_data.get("notice_days") or 7)
        return redirect(rnd.get_absolute_url())
    apps = rnd.applications.select_related("organization").order_by("status", "organization__name")
    return render(request, "organizations/round_detail.html", {
        "round": rnd, "title": rnd.name, "applications": apps, "form": RoundActionForm(),
        "actions": workflows.ROUND_FLOW.available_actions(rnd, request.user), "history": history(rnd)})


@login_required
@post_only
def round_declare(request, pk, org_pk):
    """An organization user opens its declaration in an open round."""
    org = selectors.organization_for(request.user, org_pk, "change")
    rnd = GradeRound.objects.filter(pk__in=selectors.open_rounds_for(org).values("pk")).filter(pk=pk).first()
    if rnd is None:
        messages.error(request, _("本批次不在申报期内，或不覆盖该组织。"))
        return redirect(org.get_absolute_url())
    app = call_service(request, services.application_start, success=_("已创建申报，请填写自评报告并上传材料。"),
                  actor=request.user, rnd=rnd, organization=org)
    return redirect(app.get_absolute_url() if app else org.get_absolute_url())


def _application(request, pk):
    return get_scoped_or_404(GradeApplication.objects.select_related("round__region", "organization__region"),
                             request.user, pk=pk)


@login_required
def application_detail(request, pk):
    app = _application(request, pk)
    user = request.user
    roles = roles_on(user, app)
    iset = services.indicator_set_for(region=app.round.region, org_type=app.organization.org_type)
    indicators = list(iset.indicators.all()) if iset else []
    mine = {s.indicator_id: s for s in ExpertScore.objects.filter(application=app, expert=user)}
    for ind in indicators:
        ind.mine = mine.get(ind.pk)
    editable = app.status in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED) and Role.ORG_USER in roles
    return render(request, "organizations/application_detail.html", {
        "app": app, "title": str(app), "roles": roles, "editable": editable,
        "form": ApplicationForm(instance=app), "evidence_form": EvidenceForm(), "evidence": app.evidence.all(),
        "actions": workflows.APPLICATION_FLOW.available_actions(app, user), "action_form": StatusForm(),
        "indicators": indicators, "dimensions": Dimension.choices,
        "can_score": Role.EXPERT in roles and app.status == ApplicationStatus.SCORING,
        "experts": ExpertScore.objects.filter(application=app).values("expert__username").distinct().count(),
        "can_decide": Role.DISTRICT_ADMIN in roles and app.status == ApplicationStatus.COMMITTEE,
        "decide_form": DecideForm(initial={"grade": app.proposed_grade}),
        "objections": app.objections.all() if roles & {Role.DISTRICT_ADMIN, Role.TOWN_STAFF, Role.LEADER} else [],
        "objection_form": ObjectionResolveForm(), "history": history(app)})


@login_required
@post_only
def application_edit(request, pk):
    app = _application(request, pk)
    form = ApplicationForm(request.POST, instance=GradeApplication.objects.get(pk=app.pk))
    if form.is_valid():
        call_service(request, services.application_save, success=_("已保存。"), actor=request.user, app=app,
                data={k: form.cleaned_data[k] for k in form.Meta.fields})
    else:
        form_errors_to_messages(request, form)
    return redirect(app.get_absolute_url())


@login_required
@post_only
def evidence_upload(request, pk):
    app = _application(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        call_service(request, services.evidence_add, success=_("材料已上传。"), actor=request.user, app=app,
                upload=form.cleaned_data["file"], title=form.cleaned_data["title"])
    else:
        form_errors_to_messages(request, form)
    return redirect(app.get_absolute_url())


@login_required
def evidence_download(request, pk):
    """Served by the application (never from a public folder), always as an attachment."""
    evidence = get_scoped_or_404(Evidence.objects.select_related("application"), request.user, pk=pk)
    record_event("organizations.evidence_download", evidence, after={"file": evidence.original_name})
    response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(evidence.original_name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@post_only
def application_action(request, pk):
    app = _application(request, pk)
    form = StatusForm(request.POST)
    form.is_valid()
    call_service(request, services.application_transition, success=_("已办理。"), actor=request.user, app=app,
            action=request.POST.get("action", ""), comment=form.cleaned_data.get("comment", ""))
    return redirect(app.get_absolute_url())


@login_required
@post_only
def application_score(request, pk):
    """An expert's scores on every indicator of the application's indicator system."""
    app = _application(request, pk)
    iset = services.indicator_set_for(region=app.round.region, org_type=app.organization.org_type)
    scores = {}
    for ind in iset.indicators.all() if iset else []:
        raw = request.POST.get(f"score_{ind.pk}", "").strip()
        if raw == "":
            continue
        try:
            scores[ind.pk] = (Decimal(raw), request.POST.get(f"comment_{ind.pk}", ""))
        except InvalidOperation:
            messages.error(request, _("“%s”的得分不是数字。") % ind.name)
            return redirect(app.get_absolute_url())
    call_service(request, services.expert_scores_submit, success=_("评分已保存。"), actor=request.user, app=app,
            scores=scores)
    return redirect(app.get_absolute_url())


@login_required
@post_only
def application_decide(request, pk):
    app = _application(request, pk)
    form = DecideForm(request.POST)
    if form.is_valid():
        call_service(request, services.application_decide, success=_("已审定。"), actor=request.user, app=app,
                grade=form.cleaned_data["grade"], comment=form.cleaned_data.get("comment", ""))
    else:
        form_errors_to_messages(request, form)
    return redirect(app.get_absolute_url())


@login_required
def certificate(request, pk):
    app = _application(request, pk)
    try:
        content = services.certificate_pdf(app)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(app.get_absolute_url())
    record_event("organizations.certificate_print", app, after={"certificate": app.certificate_number})
    return pdf_response(content, f"评估等级证书-{app.organization.name}.pdf")


@login_required
@post_only
def objection_resolve(request, pk):
    objection = get_scoped_or_404(Objection.objects.select_related("application"), request.user, pk=pk)
    form = ObjectionResolveForm(request.POST)
    if form.is_valid():
        call_service(request, services.objection_resolve, success=_("异议已处理。"), actor=request.user, objection=objection,
                upheld=form.cleaned_data["upheld"], resolution=form.cleaned_data["resolution"])
    else:
        form_errors_to_messages(request, form)
    return redirect(objection.application.get_absolute_url())


class IndicatorSetListView(ScopedListView):
    model = IndicatorSet
    title = gettext_lazy("评估指标体系")
    template_name = "organizations/indicator_sets.html"
    select_related = ("region",)


@login_required
def indicator_set_detail(request, pk):
    """The indicators of a set grouped by dimension; the office edits the weights (maximum scores)."""
    iset = get_scoped_or_404(IndicatorSet.objects.select_related("region"), request.user, pk=pk)
    indicators = list(iset.indicators.all())
    if request.method == "POST":
        weights = {}
        try:
            for ind in indicators:
                weights[ind.pk] = Decimal(request.POST.get(f"max_{ind.pk}", ind.max_score))
        except InvalidOperation:
            messages.error(request, _("分值须为数字。"))
            return redirect(iset.get_absolute_url())
        call_service(request, services.indicator_weights_update, success=_("指标分值已保存。"), actor=request.user,
                indicator_set=iset, weights=weights)
        return redirect(iset.get_absolute_url())
    groups = []
    for key, label in Dimension.choices:
        items = [i for i in indicators if i.dimension == key]
        groups.append({"label": label, "items": items, "total": sum(i.max_score for i in items)})
    can_edit = Role.DISTRICT_ADMIN in roles_on(request.user, iset) and Scope.for_user(request.user).covers_path(
        iset.region.path, {Role.DISTRICT_ADMIN})
    return render(request, "organizations/indicator_set.html", {"iset": iset, "groups": groups, "title": iset.name,
                                                                 "can_edit": can_edit})
