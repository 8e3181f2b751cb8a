"""Screens of the evaluation: declarations and thin glue; every write goes through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhengshe.accounts.roles import Role
from zhengshe.audit.services import record_event
from zhengshe.core import importjobs
from zhengshe.core.actions import run_service
from zhengshe.core.errors import NotAllowed, ServiceError
from zhengshe.core.redirects import safe_next
from zhengshe.core.scoping import Scope
from zhengshe.core.views import ScopedListView
from zhengshe.core.workflows import history
from zhengshe.regions.models import Region
from zhengshe.utilities.excel import XLSX_MIME, ImportFileError, error_report_workbook, file_response, workbook_response

from . import selectors, services, surveys
from .aggregation import RULES_TEXT, round_compute_results
from .choices import RoundStatus, Rule, SheetStatus, UnitKind
from .forms import (
    ConflictForm,
    ConsequenceForm,
    EvidenceForm,
    ImportForm,
    IndicatorForm,
    ObjectionAnswerForm,
    ObjectionConfirmForm,
    ObjectionForm,
    PanelistForm,
    RoundForm,
    TemplateForm,
    parse_review_post,
    parse_sheet_post,
)
from .models import Evidence, IndicatorTemplate, Round
from .tables import ConsequenceTable, ObjectionTable, ResultTable, RoundTable, SheetTable, TemplateTable
from .workflows import ROUND_FLOW

MANAGE = (Role.DISTRICT_ADMIN, Role.TOWN_STAFF)


def _managed_regions(user):
    paths = Scope.for_user(user).region_paths(set(MANAGE))
    from django.db.models import Q

    q = Q(pk__in=[])
    for p in paths:
        q |= Q(path__under=p)
    return Region.objects.filter(q, level__in=["county", "town"]).order_by("path")


# ---------------------------------------------------------------- rounds


class RoundListView(ScopedListView):
    model = Round
    table_class = RoundTable
    title = gettext_lazy("双向评估")
    export_filename = "评估轮次"
    create_url_name = "evaluation:round_create"
    create_roles = frozenset(MANAGE)
    select_related = ("region",)
    template_name = "evaluation/round_list.html"

    def get_queryset(self):
        self.filterset = None
        return selectors.rounds_for(self.request.user).order_by("-year", "region__path")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        # The new-round form only for whoever has a county or town to organize it in (the form's region list).
        ctx["can_create"] = ctx["can_create"] and _managed_regions(self.request.user).exists()
        ctx["my_sheets"] = selectors.sheets_for(self.request.user).filter(
            scorer=self.request.user, status=SheetStatus.DRAFT)[:20]
        return ctx


@login_required
def round_create_view(request):
    regions = _managed_regions(request.user)
    if not regions.exists():  # a leader, an expert, a village: nowhere to organize a round
        raise Http404
    form = RoundForm(request.POST or None, regions=regions, user=request.user)
    if request.method == "POST" and form.is_valid():
        response, created = run_service(
            request, services.round_create, success=_("评估轮次已创建，参评单位已生成。"),
            redirect_to=reverse("evaluation:round_list"), actor=request.user, region=form.cleaned_data["region"],
            year=form.cleaned_data["year"], title=form.cleaned_data["title"],
            templates={k: form.cleaned_data[k] for k in form.cleaned_data if k.startswith("template_")},
            **{k: v for k, v in form.service_kwargs().items() if not k.startswith("template_")
               and k not in ("year", "title")})
        return redirect(created) if created else response
    return render(request, "core/form.html", {"form": form, "title": _("新建评估轮次"),
                                              "back": reverse("evaluation:round_list")})


@login_required
def round_edit_view(request, pk):
    round_ = selectors.round_for(request.user, pk)
    if not selectors.is_manager(request.user, round_):
        raise Http404
    form = RoundForm(request.POST or None, instance=round_, regions=Region.objects.filter(pk=round_.region_id),
                     user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        response, _r = run_service(request, services.round_update, success=_("设置已保存。"),
                                   redirect_to=round_.get_absolute_url(), actor=request.user, round_=round_, data=data)
        return response
    return render(request, "core/form.html", {"form": form, "title": _("修改评估设置"), "back": round_.get_absolute_url()})


@login_required
def round_detail_view(request, pk):
    round_ = selectors.round_for(request.user, pk)
    manager = selectors.is_manager(request.user, round_)
    counts, sheet_stats = selectors.round_progress(round_)
    ctx = {
        "round": round_, "title": round_.title, "manager": manager,
        "actions": ROUND_FLOW.available_actions(round_, request.user),
        "counts": {str(UnitKind(k).label): v for k, v in counts.items()},
        "to_score": selectors.scorable_units(request.user, round_)[:200],
        "history": history(round_),
        "panelists": round_.panelists.select_related("user"),
        "rules": RULES_TEXT,
        "sheet_stats": sheet_stats,
        "public_url": reverse("evaluation_public:publicity", args=[round_.pk]),
    }
    return render(request, "evaluation/round_detail.html", ctx)


@login_required
@require_POST
def round_transition_view(request, pk, action):
    round_ = selectors.round_for(request.user, pk)
    response, _r = run_service(request, services.round_transition, success=_("操作成功。"),
                               redirect_to=round_.get_absolute_url(), actor=request.user, round_=round_,
                               action=action, comment=request.POST.get("comment", ""))
    return response


@login_required
@require_POST
def round_separation_view(request, pk):
    round_ = selectors.round_for(request.user, pk)
    required = request.POST.get("required") == "1"
    response, _r = run_service(request, services.round_set_separation, redirect_to=round_.get_absolute_url(),
                               success=_("已开启职责分离。") if required else _("已关闭职责分离，理由已记录。"),
                               actor=request.user, round_=round_, required=required,
                               reason=request.POST.get("reason", ""))
    return response


BACKGROUND_UNITS = 2000  # rounds larger than this are aggregated by a background job


@login_required
@require_POST
def round_compute_view(request, pk):
    round_ = selectors.round_for(request.user, pk)
    if round_.units.count() > BACKGROUND_UNITS and services.can_manage(request.user, round_):
        from .tasks import compute_results

        compute_results.enqueue(round_.pk, request.user.pk)
        messages.info(request, _("参评单位较多，结果已提交后台计算，请稍后刷新结果页面。"))
        return redirect(round_.get_absolute_url())
    response, stats = run_service(request, round_compute_results, success=_("评估结果已计算。"),
                                  redirect_to=reverse("evaluation:results", args=[round_.pk]), actor=request.user,
                                  round_=round_)
    return response


@login_required
def panel_view(request, pk):
    round_ = selectors.round_for(request.user, pk)
    if not selectors.is_manager(request.user, round_):
        raise Http404
    form = PanelistForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        response, _p = run_service(request, services.panelist_add, success=_("已加入评分人。"),
                                   redirect_to=request.path, actor=request.user, round_=round_,
                                   user=form.cleaned_data["user"], kind=form.cleaned_data["kind"],
                                   agency=form.cleaned_data["agency"])
        return response
    return render(request, "evaluation/panel.html", {
        "round": round_, "form": form, "title": _("评分人"), "panelists": round_.panelists.select_related("user"),
        "conflicts": round_.conflicts.select_related("unit", "user")})


# ---------------------------------------------------------------- results and charts


@login_required
def results_view(request, pk):
    """The round's results (paginated, filterable by kind and town), charts, Excel export."""
    from zhengshe.core.pagination import DeferredJoinPaginator as Paginator  # deep pages: keys first

    round_ = selectors.round_for(request.user, pk)
    base = selectors.results_for(request.user, round_)
    qs = base
    kind = request.GET.get("kind", "")
    if kind in UnitKind.values:
        qs = qs.filter(unit__kind=kind)
    town = request.GET.get("town", "")
    if town.isdigit():
        lookup = {"code": town} if len(town) >= 9 else {"pk": town}
        path = Region.objects.filter(**lookup).values_list("path", flat=True).first() or "-"
        qs = qs.filter(unit__region__path__under=path)
    qs = qs.order_by("unit__kind", "rank_district", "unit__region__path")
    table = ResultTable()
    if request.GET.get("export") == "xlsx":
        rows = list(table.export_rows(qs))
        record_event("export", round_, after={"view": "evaluation.results", "rows": len(rows)})
        return workbook_response(table.headers(export=True), rows, f"{round_.title}-评估结果.xlsx", title=_("评估结果"))
    paginator = Paginator(qs, 50)
    paginator.deferred_from = 0  # ordered across three tables: even page 1 sorts 20 000 rows, so sort keys only
    page = paginator.get_page(request.GET.get("page"))
    towns = list(selectors.towns_for(request.user, round_)[:101])  # a long list becomes a code box
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "evaluation/results.html", {
        "round": round_, "title": _("%s · 评估结果") % round_.title, "table_headers": table.headers(),
        "table_rows": table.html_rows(page), "page_obj": page, "is_paginated": page.has_other_pages(),
        "chart": selectors.chart_data(round_, base), "kinds": UnitKind.choices, "kind": kind, "towns": towns,
        "town": town, "rules": RULES_TEXT, "manager": selectors.is_manager(request.user, round_),
        "querystring": query.urlencode()})


@login_required
def heatmap_export_view(request, pk):
    """The indicator × unit matrix (得分率) as Excel, with answer counts for residents' indicators."""
    from .models import IndicatorResult

    round_ = selectors.round_for(request.user, pk)
    results = list(selectors.results_for(request.user, round_).order_by("unit__kind", "unit__region__path"))
    rows_by_unit = {}
    for row in IndicatorResult.objects.filter(unit_id__in=[r.unit_id for r in results]).select_related("indicator"):
        rows_by_unit.setdefault(row.unit_id, {})[row.indicator_id] = row
    indicators = []
    for direction in ("gov_committee", "residents_committee", "committee_gov", "committee_dept", "residents_gov"):
        template = round_.template_for(direction)
        if template:
            indicators += list(template.indicators.all())
    headers = [_("参评单位"), _("类别")] + [f"{i.code} {i.name}" for i in indicators]
    out = []
    for r in results:
        cells = rows_by_unit.get(r.unit_id, {})
        line = [r.unit.name, r.unit.get_kind_display()]
        for ind in indicators:
            c = cells.get(ind.pk)
            if c is None:
                line.append("")
            elif c.missing:
                line.append(_("缺项"))
            else:
                line.append(f"{c.ratio * 100:.1f}%" + (f"（{c.count} 份）" if ind.rule == Rule.SURVEY else ""))
        out.append(line)
    record_event("export", round_, after={"view": "evaluation.heatmap", "rows": len(out)})
    return workbook_response(headers, out, f"{round_.title}-指标得分率.xlsx", title=_("指标得分率"))


# ---------------------------------------------------------------- units and scoring


@login_required
def unit_detail_view(request, pk):
    unit = selectors.unit_for(request.user, pk)
    round_ = unit.round
    result = getattr(unit, "result", None) if hasattr(unit, "result") else None
    scope_ok = round_.status in selectors.PUBLISHED or selectors.is_manager(request.user, round_) or \
        Scope.for_user(request.user).has_role(*selectors.EARLY_READERS)
    can_score = services.scorable_kind(request.user, unit) is not None
    today = timezone.localdate()
    ctx = {
        "unit": unit, "round": round_, "title": unit.name, "result": result if scope_ok else None,
        "breakdown": selectors.unit_breakdown(unit) if scope_ok and result else None,
        "can_score": can_score, "manager": selectors.is_manager(request.user, round_),
        "is_party": services.is_unit_party(request.user, unit),
        "objection_open": round_.status == RoundStatus.PUBLICITY and round_.publicity_start and
        round_.publicity_start <= today <= round_.publicity_end,
        "objections": unit.objections.select_related("filed_by", "responded_by"),
        "consequences": unit.consequences.all(),
        "conflict_form": ConflictForm(), "objection_form": ObjectionForm(), "consequence_form": ConsequenceForm(
            initial={"unit": unit.pk}),
        "declared": unit.conflicts.filter(user=request.user).exists(),
        "sheets": selectors.sheets_for(request.user).filter(unit=unit),
    }
    return render(request, "evaluation/unit_detail.html", ctx)


@login_required
def score_view(request, pk):
    """The actor's sheet for a unit: open (checks role, phase, conflicts), fill, save or submit."""
    unit = selectors.unit_for(request.user, pk)
    try:
        sheet = services.sheet_open(actor=request.user, unit=unit)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(unit.get_absolute_url())
    indicators = services.sheet_indicators(sheet)
    errors = {}
    if request.method == "POST":
        entries = parse_sheet_post(request.POST, indicators)
        submit = request.POST.get("submit") == "1"
        try:
            services.sheet_save(actor=request.user, sheet=sheet, entries=entries, comment=request.POST.get(
                "comment", ""), submit=submit)
        except ServiceError as exc:
            messages.error(request, exc.message)
            errors = exc.fields
        else:
            messages.success(request, _("评分表已提交。") if submit else _("已保存。"))
            return redirect(reverse("evaluation:sheet_detail", args=[sheet.pk]) if submit else request.path)
    scores = {s.indicator_id: s for s in sheet.scores.all()}
    rows = [{"indicator": i, "score": scores.get(i.pk), "errors": errors.get(f"ind_{i.pk}", []),
             "checked": set(scores[i.pk].checked) if i.pk in scores else set(),
             "posted": request.POST.get(f"ind_{i.pk}") if request.method == "POST" else None} for i in indicators]
    return render(request, "evaluation/score.html", {
        "unit": unit, "sheet": sheet, "rows": rows, "title": _("评分：%s") % unit.name,
        "evidence_form": EvidenceForm(), "evidence": sheet.evidence.all()})


@login_required
def sheet_list_view(request):
    sheets = selectors.sheets_for(request.user).order_by("-round__year", "unit__region__path", "kind")
    table = SheetTable()
    if request.GET.get("export") == "xlsx":
        rows = list(table.export_rows(sheets))
        record_event("export", None, after={"view": "evaluation.sheets", "rows": len(rows)}, object_repr=_("评分表"))
        return workbook_response(table.headers(export=True), rows, "评分表.xlsx", title=_("评分表"))
    from zhengshe.core.pagination import DeferredJoinPaginator as Paginator  # deep pages: keys first

    page = Paginator(sheets, 50).get_page(request.GET.get("page"))
    return render(request, "core/object_list.html", {
        "title": _("评分表（我填写的与本单位给出的）"), "table_headers": table.headers(),
        "table_rows": table.html_rows(page), "page_obj": page, "is_paginated": page.has_other_pages()})


@login_required
def sheet_detail_view(request, pk):
    sheet = selectors.sheet_for(request.user, pk)
    return render(request, "evaluation/sheet_detail.html", {
        "sheet": sheet, "title": str(sheet), "scores": sheet.scores.select_related("indicator"),
        "evidence": sheet.evidence.all(), "evidence_form": EvidenceForm(),
        "editable": sheet.status == SheetStatus.DRAFT and sheet.scorer_id == request.user.pk})


@login_required
@require_POST
def evidence_add_view(request, pk):
    sheet = selectors.sheet_for(request.user, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请检查上传内容。"))
        return redirect(sheet.get_absolute_url())
    response, _e = run_service(request, services.evidence_add, success=_("佐证材料已添加。"),
                               redirect_to=safe_next(request, sheet.get_absolute_url()), actor=request.user,
                               sheet=sheet, upload=form.cleaned_data["file"], link=form.cleaned_data["link"],
                               description=form.cleaned_data["description"])
    return response


@login_required
def evidence_download_view(request, pk):
    evidence = Evidence.objects.select_related("sheet").filter(pk=pk).first()
    if evidence is None or not evidence.file or not selectors.sheets_for(request.user).filter(
            pk=evidence.sheet_id).exists():
        raise Http404(selectors.NOT_FOUND)
    record_event("evaluation.evidence_download", evidence, after={"name": evidence.original_name})
    response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(evidence.original_name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def conflict_view(request, pk):
    unit = selectors.unit_for(request.user, pk)
    form = ConflictForm(request.POST)
    reason = form.data.get("reason", "")
    response, _d = run_service(request, services.conflict_declare, success=_("已登记利益冲突声明，您将不再为该单位评分。"),
                               redirect_to=unit.get_absolute_url(), actor=request.user, unit=unit, reason=reason)
    return response


@login_required
@require_POST
def objection_file_view(request, pk):
    unit = selectors.unit_for(request.user, pk)
    response, _o = run_service(request, services.objection_file, success=_("异议已提交，请等待答复。"),
                               redirect_to=unit.get_absolute_url(), actor=request.user, unit=unit,
                               text=request.POST.get("text", ""))
    return response


# ---------------------------------------------------------------- objections and consequences


@login_required
def objection_list_view(request, pk):
    round_ = selectors.round_for(request.user, pk)
    table = ObjectionTable()
    objections = selectors.objections_for(request.user, round_)
    return render(request, "core/object_list.html", {
        "title": _("%s · 异议") % round_.title, "table_headers": table.headers(),
        "table_rows": table.html_rows(objections)})


@login_required
def objection_detail_view(request, pk):
    """An objection: the answer (named indicator scores, reason) by one person, its confirmation by another."""
    from . import objections

    objection = selectors.objection_for(request.user, pk)
    manager = selectors.is_manager(request.user, objection.round)
    indicators = objections.reviewable_indicators(objection.unit)
    step = request.POST.get("step", "")
    form = ObjectionAnswerForm(request.POST if step == "answer" else None)
    confirm_form = ObjectionConfirmForm(request.POST if step == "confirm" else None)
    if manager and step == "answer" and form.is_valid():
        response, _o = run_service(request, objections.objection_answer, success=_("已答复，待另一名人员确认后生效。"),
                                   redirect_to=request.path, actor=request.user, objection=objection,
                                   response=form.cleaned_data["response"],
                                   changes=parse_review_post(request.POST, indicators))
        return response
    if manager and step == "confirm" and confirm_form.is_valid():
        approve = confirm_form.cleaned_data["decision"] == "confirm"
        response, _o = run_service(request, objections.objection_confirm, redirect_to=request.path,
                                   success=_("已确认，调整已生效。") if approve else _("已退回重新答复。"),
                                   actor=request.user, objection=objection, approve=approve,
                                   note=confirm_form.cleaned_data["note"])
        return response
    current = dict(objection.unit.indicator_results.filter(indicator__in=indicators).values_list(
        "indicator_id", "points"))
    return render(request, "evaluation/objection_detail.html", {
        "objection": objection, "title": _("异议"), "form": form, "confirm_form": confirm_form, "manager": manager,
        "result": getattr(objection.unit, "result", None), "scored": objections.scored_unit(request.user,
                                                                                              objection.unit),
        "indicators": [(i, current.get(i.pk)) for i in indicators]})


@login_required
def consequence_list_view(request, pk):
    round_ = selectors.round_for(request.user, pk)
    manager = selectors.is_manager(request.user, round_)
    if request.method == "POST" and manager:
        if request.POST.get("suggest") == "1":
            response, made = run_service(request, services.consequences_suggest, success=_("已按规则生成建议，请逐条确认。"),
                                         redirect_to=request.path, actor=request.user, round_=round_)
            return response
        form = ConsequenceForm(request.POST)
        if form.is_valid():
            unit = selectors.unit_for(request.user, form.cleaned_data["unit"])
            response, _c = run_service(request, services.consequence_propose, success=_("建议已提出，待确认。"),
                                       redirect_to=request.path, actor=request.user, unit=unit,
                                       kind=form.cleaned_data["kind"], amount=form.cleaned_data["amount"],
                                       reason=form.cleaned_data["reason"])
            return response
    consequences = selectors.consequences_for(request.user, round_)
    table = ConsequenceTable()
    if request.GET.get("export") == "xlsx":
        rows = list(table.export_rows(consequences))
        record_event("export", round_, after={"view": "evaluation.consequences", "rows": len(rows)})
        return workbook_response(table.headers(export=True), rows, f"{round_.title}-结果运用.xlsx", title=_("结果运用"))
    return render(request, "evaluation/consequences.html", {
        "round": round_, "title": _("%s · 结果运用") % round_.title, "consequences": consequences,
        "manager": manager})


@login_required
@require_POST
def consequence_decide_view(request, pk):
    consequence = selectors.consequence_for(request.user, pk)
    confirm = request.POST.get("decision") == "confirm"
    response, _c = run_service(
        request, services.consequence_decide, success=_("已确认并记入经费台账。") if confirm else _("已否决。"),
        redirect_to=reverse("evaluation:consequences", args=[consequence.round_id]), actor=request.user,
        consequence=consequence, confirm=confirm, note=request.POST.get("note", ""))
    return response


# ---------------------------------------------------------------- surveys


@login_required
def survey_list_view(request, pk):
    round_ = selectors.round_for(request.user, pk)
    return render(request, "evaluation/survey_list.html", {
        "round": round_, "title": _("%s · 居民满意度调查") % round_.title,
        "surveys": selectors.surveys_for(request.user, round_)})


def _public_url(request, survey):
    return request.build_absolute_uri(survey.public_path())


@login_required
def survey_detail_view(request, pk):
    """The survey's link and QR code, its answers, refused attempts by reason and (for managers) its safeguards."""
    from .forms import SurveyGuardForm

    survey = selectors.survey_for(request.user, pk)
    manager = services.can_manage(request.user, survey)
    form = SurveyGuardForm(initial={"address_limit": survey.address_limit, "burst_limit": survey.burst_limit,
                                    "verify_phone": survey.verify_phone})
    return render(request, "evaluation/survey_detail.html", {
        "survey": survey, "title": str(survey), "url": _public_url(request, survey),
        "answers": survey.responses.count(), "closed": surveys.closed_reason(survey),
        "refusals": surveys.refusal_counts(survey), "address_limit": surveys.address_limit(survey),
        "burst_limit": surveys.burst_limit(survey), "manager": manager, "form": form})


@login_required
@require_POST
def survey_guard_view(request, pk):
    """Save a survey's limits per address and phone verification (managers of the round only)."""
    from .forms import SurveyGuardForm

    survey = selectors.survey_for(request.user, pk)
    form = SurveyGuardForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label}：{'；'.join(errors)}" if field in form.fields
                           else "；".join(errors))
        return redirect(survey.get_absolute_url())
    response, _r = run_service(request, surveys.survey_guard_save, success=_("调查防刷设置已保存。"),
                               redirect_to=survey.get_absolute_url(), actor=request.user, survey=survey,
                               **form.cleaned_data)
    return response


@login_required
def survey_qr_view(request, pk):
    survey = selectors.survey_for(request.user, pk)
    return HttpResponse(surveys.qr_png(_public_url(request, survey)), content_type="image/png")


@login_required
def survey_poster_view(request, pk):
    from zhengshe.utilities.pdf import pdf_response

    survey = selectors.survey_for(request.user, pk)
    return pdf_response(surveys.poster_pdf(survey, _public_url(request, survey)), f"{survey.unit.name}-满意度调查海报.pdf",
                        inline=True)


# ---------------------------------------------------------------- templates


class TemplateListView(ScopedListView):
    model = IndicatorTemplate
    table_class = TemplateTable
    title = gettext_lazy("指标体系")
    export_filename = "指标体系"
    create_url_name = "evaluation:template_create"
    create_roles = frozenset(MANAGE)
    select_related = ("region",)


@login_required
def template_create_view(request):
    form = TemplateForm(request.POST or None, regions=_managed_regions(request.user))
    if request.method == "POST" and form.is_valid():
        response, template = run_service(request, services.template_create, success=_("已创建，请添加指标。"),
                                         redirect_to=reverse("evaluation:templates"), actor=request.user,
                                         **form.cleaned_data)
        return redirect(template) if template else response
    return render(request, "core/form.html", {"form": form, "title": _("新建指标体系"),
                                              "back": reverse("evaluation:templates")})


@login_required
def template_detail_view(request, pk):
    template = selectors.template_for(request.user, pk)
    indicators = list(template.indicators.all())
    return render(request, "evaluation/template_detail.html", {
        "template": template, "title": str(template), "indicators": indicators,
        "total": sum((i.weight for i in indicators), 0), "problems": services.template_problems(template),
        "manager": services.can_manage(request.user, template), "import_form": ImportForm(),
        "versions": IndicatorTemplate.objects.filter(region=template.region, direction=template.direction)
        .order_by("-version")})


@login_required
def indicator_edit_view(request, pk, indicator_pk=None):
    template = selectors.template_for(request.user, pk)
    indicator = template.indicators.filter(pk=indicator_pk).first() if indicator_pk else None
    if indicator_pk and indicator is None:
        raise Http404
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        response, saved = run_service(request, services.indicator_save, success=_("指标已保存。"),
                                      redirect_to=template.get_absolute_url(), error_redirect=request.path,
                                      actor=request.user, template=template, data=form.service_data(),
                                      indicator=indicator)
        return response
    return render(request, "core/form.html", {"form": form, "title": _("指标"), "back": template.get_absolute_url()})


@login_required
@require_POST
def indicator_delete_view(request, pk, indicator_pk):
    template = selectors.template_for(request.user, pk)
    indicator = template.indicators.filter(pk=indicator_pk).first()
    if indicator is None:
        raise Http404
    response, _x = run_service(request, services.indicator_delete, success=_("指标已删除。"),
                               redirect_to=template.get_absolute_url(), actor=request.user, indicator=indicator)
    return response


@login_required
@require_POST
def template_publish_view(request, pk):
    template = selectors.template_for(request.user, pk)
    response, _t = run_service(request, services.template_publish, success=_("已发布。"),
                               redirect_to=template.get_absolute_url(), actor=request.user, template=template)
    return response


@login_required
@require_POST
def template_new_version_view(request, pk):
    template = selectors.template_for(request.user, pk)
    response, draft = run_service(request, services.template_new_version, success=_("已创建新版本草稿。"),
                                  redirect_to=template.get_absolute_url(), actor=request.user, template=template)
    return redirect(draft) if draft else response


@login_required
def template_export_view(request, pk):
    template = selectors.template_for(request.user, pk)
    rows = list(services.template_export_rows(template))
    record_event("export", template, after={"view": "evaluation.template", "rows": len(rows)})
    return workbook_response(services.IMPORT_HEADERS, rows, f"{template.title}-第{template.version}版.xlsx",
                             title=_("指标"))


@login_required
def template_import_view(request, pk):
    template = selectors.template_for(request.user, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            upload = form.cleaned_data["file"]
            if not services.can_manage(request.user, template):
                raise NotAllowed()
            if importjobs.should_queue(upload):  # too large for a request: the worker imports it
                return redirect(importjobs.job_queue(actor=request.user, kind="evaluation.template", upload=upload,
                                                     region_path=template.region.path, params={"template": template.pk}))
            report = services.template_import(actor=request.user, template=template, upload=upload)
        except (ImportFileError, ServiceError) as exc:
            messages.error(request, getattr(exc, "message", str(exc)))
        else:
            if report.ok:
                messages.success(request, _("导入成功：%d 个指标。") % report.created)
                return redirect(template)
            if request.POST.get("download_errors") == "1":
                return file_response(error_report_workbook(report), "指标导入错误报告.xlsx", XLSX_MIME)
    return render(request, "evaluation/template_import.html", {
        "template": template, "form": form, "report": report, "headers": services.IMPORT_HEADERS,
        "title": _("导入指标")})

