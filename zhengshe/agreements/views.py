"""Pages: declarations around selectors and services (scoped; outside scope → 404; writes via services)."""

from __future__ import annotations

import os
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhengshe.accounts.roles import Role
from zhengshe.audit.services import record_event
from zhengshe.core.actions import call_service, run_service
from zhengshe.core.errors import ConflictError, ServiceError, add_to_form
from zhengshe.core.scoping import Scope, get_scoped_or_404
from zhengshe.core.views import ScopedListView
from zhengshe.core.workflows import history
from zhengshe.regions.models import Region
from zhengshe.utilities.excel import workbook_response
from zhengshe.utilities.pdf import pdf_response

from . import selectors, services
from .choices import EDITABLE_STATUSES, PROPOSABLE_FIELDS, AgreementStatus, AmendmentStatus
from .effective import addable_list_items, describe_line, effective_items, funding_total, weight_total
from .filtersets import AgreementFilterSet, LedgerFilterSet, TemplateFilterSet
from .forms import (
    AdjustForm,
    AgreementForm,
    AgreementItemForm,
    AmendmentForm,
    AmendmentItemAddForm,
    AmendmentItemChangeForm,
    AmendmentItemRemoveForm,
    AmendmentSignForm,
    CouncilForm,
    DecideForm,
    NoteForm,
    PayForm,
    ProgressForm,
    SignForm,
    TemplateCreateForm,
    TemplateForm,
    TemplateItemForm,
    TemplatePlanFormSet,
    TransitionForm,
    ZipForm,
    plan_initial,
)
from .models import (
    Agreement,
    AgreementItem,
    AgreementTemplate,
    Amendment,
    AmendmentItem,
    DraftingJob,
    ExportJob,
    Instalment,
    LedgerEntry,
    NegotiationNote,
    ResidentsCouncil,
    TemplateItem,
)
from .pdf import agreement_pdf, amendment_pdf, pdf_filename, stream_zip
from .tables import AgreementTable, CouncilTable, FundsTable, LedgerTable, StatusCountTable, TemplateTable
from .workflows import AGREEMENT_FLOW, AMENDMENT_FLOW, BUTTON_ACTIONS, standing_on

ZIP_STREAM_LIMIT = 60  # above this many PDFs the ZIP is built by a background job
DRAFTERS = (Role.TOWN_STAFF, Role.DISTRICT_ADMIN, Role.VILLAGE_STAFF)


class AgreementListView(ScopedListView):
    model = Agreement
    table_class = AgreementTable
    filterset_class = AgreementFilterSet
    select_related = ("party_b",)
    # Committee order first: lets SQLite walk the region index instead of sorting every agreement of the year.
    ordering = ("party_b__path", "-year", "id")
    title = gettext_lazy("协助管理协议")
    export_filename = "协助管理协议"
    template_name = "agreements/agreement_list.html"

    def base_queryset(self):
        return Agreement.objects.defer(*Agreement.CLAUSES, "terminated_reason")


class TemplateListView(ScopedListView):
    model = AgreementTemplate
    table_class = TemplateTable
    filterset_class = TemplateFilterSet
    select_related = ("region",)
    ordering = ("-year", "region__code", "id")
    title = gettext_lazy("协议模板")
    create_url_name = "agreements:template_create"
    create_roles = frozenset(DRAFTERS)


class CouncilListView(ScopedListView):
    model = ResidentsCouncil
    table_class = CouncilTable
    select_related = ("region",)
    ordering = ("region__code", "name")
    title = gettext_lazy("居民自治理事会（“2+1”）")
    create_url_name = "agreements:council_create"
    create_roles = frozenset({Role.VILLAGE_STAFF, Role.TOWN_STAFF})


class LedgerListView(ScopedListView):
    model = LedgerEntry
    table_class = LedgerTable
    filterset_class = LedgerFilterSet
    select_related = ("agreement", "item")
    ordering = ("-entry_date", "-id")
    title = gettext_lazy("经费台账明细")
    export_filename = "协议经费台账"


# ---------------------------------------------------------------- one agreement


@login_required
def agreement_detail(request, pk):
    agreement = selectors.get_agreement(request.user, pk)
    standing = standing_on(agreement, request.user)  # who the user is to it: asked once for the whole page
    side = standing.side
    actions = AGREEMENT_FLOW.available_actions(agreement, request.user, standing=standing)
    ctx = {
        "object": agreement, "title": str(agreement), "side": side,
        "items": list(selectors.items_with_progress(agreement)),
        "notes": list(agreement.notes.select_related("author", "item", "decided_by")),
        "revisions": list(agreement.revisions.select_related("author").order_by("-number")),
        "amendments": (amendments := list(agreement.amendments.order_by("number"))),
        **_amended(agreement, amendments),
        "instalments": list(agreement.instalments.order_by("number")),
        "totals": selectors.ledger_totals(agreement),
        "history": list(history(agreement)),
        "buttons": [(a, t) for a, t in actions if a in BUTTON_ACTIONS],
        "can_sign": any(a.startswith("sign_") for a, _t in actions),
        "can_record_offline": any(a == "record_offline" for a, _t in actions),
        "can_terminate": any(a == "terminate" for a, _t in actions),
        "editable": agreement.status in EDITABLE_STATUSES,
        "can_edit": side == "a" and agreement.status in EDITABLE_STATUSES,
        "can_confirm": side is not None and agreement.status == AgreementStatus.NEGOTIATING,
        "my_confirmed": side and getattr(agreement, f"confirmed_{side}_revision") == agreement.revision,
        "can_report": side is not None and agreement.status in (AgreementStatus.SIGNED_BY_A, AgreementStatus.IN_FORCE)
        and (side == "b" or agreement.kind == "council"),
        "can_pay": _can_manage_funds(standing, agreement),
        "can_amend": side == "a" and agreement.status in (AgreementStatus.SIGNED_BY_A, AgreementStatus.IN_FORCE,
                                                          AgreementStatus.EVALUATED),
        "note_form": NoteForm(agreement=agreement), "progress_form": ProgressForm(),
        "pay_form": PayForm(initial={"paid_on": timezone.localdate()}), "adjust_form": AdjustForm(),
        "transition_form": TransitionForm(), "proposable": PROPOSABLE_FIELDS,
    }
    return render(request, "agreements/agreement_detail.html", ctx)


def _amended(agreement, amendments) -> dict:
    """The items in force when signed amendments changed items (else nothing extra to show)."""
    if not any(a.status == AmendmentStatus.IN_FORCE for a in amendments) or not AmendmentItem.objects.filter(amendment__agreement=agreement,
                                        amendment__status=AmendmentStatus.IN_FORCE).exists():
        return {"effective": None, "ended_items": set()}
    effective = effective_items(agreement)
    progress = {i.pk: i for i in selectors.items_with_progress(agreement, original=False)}
    for entry in effective:
        row = progress.get(entry.pk)
        entry.progress_status = getattr(row, "progress_status", None)
        entry.progress_note = getattr(row, "progress_note", "")
    ended = set(AmendmentItem.objects.filter(amendment__agreement=agreement, kind="remove",
                                             amendment__status=AmendmentStatus.IN_FORCE).values_list("item_id",
                                                                                                    flat=True))
    return {"effective": effective, "effective_weight": weight_total(effective),
            "effective_funding": funding_total(effective), "ended_items": ended}


def _can_manage_funds(standing, agreement) -> bool:
    from .choices import SIGNED_STATUSES

    if agreement.status not in SIGNED_STATUSES | {AgreementStatus.TERMINATED}:
        return False
    roles = standing.roles
    return Role.DISTRICT_ADMIN in roles or (Role.TOWN_STAFF in roles and standing.side == "a")


def _detail(agreement, anchor: str = "") -> str:
    return reverse("agreements:detail", args=[agreement.pk]) + (f"#{anchor}" if anchor else "")


def _versioned_edit(request, agreement, form, save, template_ctx: dict):
    """Shared POST handling for draft edits: on a stale version, re-show the user's input with the current text."""
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "note")}
        try:
            save(version=form.cleaned_data["version"], data=data, note=form.cleaned_data.get("note", ""))
        except ConflictError as exc:
            fresh = selectors.get_agreement(request.user, agreement.pk)
            messages.error(request, exc.message)
            template_ctx["conflict"] = True
            template_ctx["current"] = fresh
            post = request.POST.copy()
            post["version"] = fresh.version  # resubmitting now means "I have seen the newer text"
            form = type(form)(post, instance=form.instance)
            form.is_valid()
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已保存，协议已更新为新的版次。"))
            return redirect(_detail(agreement))
    return render(request, "agreements/agreement_form.html", {**template_ctx, "form": form, "object": agreement})


@login_required
def agreement_edit(request, pk):
    agreement = selectors.get_agreement(request.user, pk, "change")
    if standing_on(agreement, request.user).side != "a":
        raise Http404
    form = AgreementForm(request.POST or None, instance=agreement, initial={"version": agreement.version})

    def save(*, version, data, note):
        services.agreement_update(actor=request.user, agreement=agreement, version=version, data=data, note=note)

    return _versioned_edit(request, agreement, form, save, {"title": _("修改协议条款")})


@login_required
def item_edit(request, pk, item_pk):
    agreement = selectors.get_agreement(request.user, pk, "change")
    item = get_scoped_or_404(AgreementItem, request.user, "change", pk=item_pk, agreement=agreement)
    if standing_on(agreement, request.user).side != "a":
        raise Http404
    form = AgreementItemForm(request.POST or None, instance=item, initial={"version": agreement.version})

    def save(*, version, data, note):
        services.agreement_item_update(actor=request.user, agreement=agreement, version=version, item=item, data=data,
                                       note=note)

    return _versioned_edit(request, agreement, form, save, {"title": _("修改事项：%(n)s") % {"n": item}, "item": item})


@login_required
@require_POST
def agreement_action(request, pk, action):
    agreement = selectors.get_agreement(request.user, pk)
    form = TransitionForm(request.POST)
    comment = form.data.get("comment", "")
    labels = {a: t.label for a, t in AGREEMENT_FLOW.moves_from(agreement.status).items()}
    return run_service(request, services.agreement_transition, actor=request.user, agreement=agreement,
                       action=action, comment=comment,
                       success=_("已%(label)s。") % {"label": labels.get(action, action)},
                       redirect_to=_detail(agreement))[0]


@login_required
@require_POST
def agreement_confirm(request, pk):
    agreement = selectors.get_agreement(request.user, pk)
    return run_service(request, services.agreement_confirm, actor=request.user, agreement=agreement,
                       revision=request.POST.get("revision") or 0,
                       success=_("已确认第 %(n)s 版协议内容。") % {"n": request.POST.get("revision")},
                       redirect_to=_detail(agreement))[0]


@login_required
@require_POST
def note_add(request, pk):
    agreement = selectors.get_agreement(request.user, pk)
    form = NoteForm(request.POST, agreement=agreement)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect(_detail(agreement, "negotiation"))
    return run_service(request, services.note_add, actor=request.user, agreement=agreement, **form.cleaned_data,
                       success=_("意见已提交。"), redirect_to=_detail(agreement, "negotiation"))[0]


@login_required
@require_POST
def proposal_decide(request, note_pk):
    note = get_scoped_or_404(NegotiationNote.objects.select_related("agreement"), request.user, pk=note_pk)
    form = DecideForm(request.POST)
    accept = form.is_valid() and form.cleaned_data["accept"]
    return run_service(request, services.proposal_decide, actor=request.user, note=note, accept=accept,
                       response=request.POST.get("response", ""),
                       success=_("已采纳，协议已更新。") if accept else _("已答复。"),
                       redirect_to=_detail(note.agreement, "negotiation"))[0]


@login_required
def agreement_sign(request, pk):
    agreement = selectors.get_agreement(request.user, pk)
    standing = standing_on(agreement, request.user)  # derived once: the page and every check of the service
    side = standing.side
    if side is None:
        raise Http404
    form = SignForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and call_service(
            request, services.agreement_sign, success=_("签署成功。"), form=form, actor=request.user,
            agreement=agreement, standing=standing, **form.cleaned_data):
        return redirect(_detail(agreement))
    return render(request, "agreements/agreement_sign.html", {"object": agreement, "form": form, "side": side,
                                                              "title": _("签署协议")})


@login_required
def revision_diff(request, pk):
    agreement = selectors.get_agreement(request.user, pk)
    revisions = {r.number: r for r in agreement.revisions.select_related("author")}
    try:
        new = int(request.GET.get("b") or agreement.revision)
        old = int(request.GET.get("a") or max(1, new - 1))
    except ValueError:
        raise Http404 from None
    if old not in revisions or new not in revisions:
        raise Http404
    diff = selectors.revision_diff(revisions[old].snapshot, revisions[new].snapshot)
    return render(request, "agreements/revision_diff.html", {
        "object": agreement, "old": revisions[old], "new": revisions[new], "diff": diff,
        "numbers": sorted(revisions), "title": _("版本比较")})


@login_required
def agreement_pdf_view(request, pk):
    agreement = selectors.get_agreement(request.user, pk)
    items = agreement.items.filter(removed=False, added_by__isnull=True).order_by("position", "id")
    content = agreement_pdf(agreement, items)
    record_event("agreement.pdf", agreement, after={"status": agreement.status})
    return pdf_response(content, pdf_filename(agreement), inline=request.GET.get("inline") == "1")


@login_required
@require_POST
def progress_add(request, item_pk):
    item = get_scoped_or_404(AgreementItem.objects.select_related("agreement__party_a", "agreement__party_b"),
                             request.user, pk=item_pk)
    form = ProgressForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择完成情况。"))
        return redirect(_detail(item.agreement, "items"))
    return run_service(request, services.progress_report, actor=request.user, item=item, **form.cleaned_data,
                       success=_("进展已报告。"), redirect_to=_detail(item.agreement, "items"))[0]


@login_required
@require_POST
def instalment_pay(request, instalment_pk):
    inst = get_scoped_or_404(Instalment.objects.select_related("agreement"), request.user, pk=instalment_pk)
    form = PayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写拨付日期和凭证号。"))
        return redirect(_detail(inst.agreement, "funds"))
    return run_service(request, services.instalment_pay, actor=request.user, instalment=inst, **form.cleaned_data,
                       success=_("拨付已记录。"), redirect_to=_detail(inst.agreement, "funds"))[0]


@login_required
@require_POST
def funds_adjust_view(request, pk):
    agreement = selectors.get_agreement(request.user, pk)
    form = AdjustForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect(_detail(agreement, "funds"))
    return run_service(request, services.funds_adjust, actor=request.user, agreement=agreement,
                       source="manual", **form.cleaned_data,
                       success=_("已记入经费台账。"), redirect_to=_detail(agreement, "funds"))[0]


# ---------------------------------------------------------------- amendments


@login_required
def amendment_create(request, pk):
    agreement = selectors.get_agreement(request.user, pk)
    if standing_on(agreement, request.user).side != "a":
        raise Http404
    form = AmendmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response, amendment = run_service(request, services.amendment_create, actor=request.user,
                                          agreement=agreement, **form.cleaned_data, success=_("补充协议已起草。"),
                                          redirect_to=_detail(agreement), error_redirect=request.path)
        return redirect(amendment.get_absolute_url()) if amendment else response
    return render(request, "core/form.html", {"form": form, "title": _("起草补充协议：%(a)s") % {"a": agreement},
                                              "back": _detail(agreement), "submit_label": _("保存草稿")})


def _amendment(request, pk) -> Amendment:
    return get_scoped_or_404(Amendment.objects.select_related("agreement__party_a", "agreement__party_b"),
                             request.user, pk=pk)


@login_required
def amendment_detail(request, pk):
    amendment = _amendment(request, pk)
    agreement = amendment.agreement
    standing = standing_on(agreement, request.user)
    actions = AMENDMENT_FLOW.available_actions(amendment, request.user, standing=standing)
    lines = [describe_line(line) for line in amendment.items.order_by("position", "id")]
    editable = amendment.status == AmendmentStatus.DRAFT and standing.side == "a"
    in_force = effective_items(agreement, before=amendment) if editable else []
    changed = {d["line"].item_id for d in lines}
    return render(request, "agreements/amendment_detail.html", {
        "object": amendment, "agreement": agreement, "title": str(amendment), "lines": lines,
        "problem": services.amendment_sign_problem(amendment) if amendment.status in (
            AmendmentStatus.DRAFT, AmendmentStatus.SIGNED_BY_B) else None,
        "can_edit_items": editable, "in_force": [e for e in in_force if e.pk not in changed],
        "can_sign": any(a.startswith("sign_") for a, _t in actions), "can_cancel": any(a == "cancel" for a, _t in actions),
        "sign_form": AmendmentSignForm(), "history": list(history(amendment)),
        "plan_rows": list(amendment.plan_rows.select_related("instalment"))})


def _amendment_for_editor(request, pk) -> Amendment:
    amendment = _amendment(request, pk)
    if standing_on(amendment.agreement, request.user).side != "a":
        raise Http404
    return amendment


def _amendment_line_form(request, amendment, form, save, title: str):
    """Shared handling of the item-line forms: the service decides; on refusal the user's input stays on the page."""
    if amendment.status != AmendmentStatus.DRAFT and request.method != "POST":
        messages.error(request, _("补充协议已签署或已撤销，其中的事项变更不可再修改。"))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            save(version=form.cleaned_data["version"], data=data)
        except ConflictError as exc:
            messages.error(request, exc.message)
            post = request.POST.copy()
            post["version"] = Amendment.objects.get(pk=amendment.pk).version
            form = type(form)(post, **getattr(form, "_extra", {}))
            form.is_valid()
        except ServiceError as exc:
            messages.error(request, exc.message)
            add_to_form(form, exc)
        else:
            messages.success(request, _("已保存到补充协议草稿。"))
            return redirect(amendment.get_absolute_url())
    return render(request, "agreements/amendment_item_form.html", {
        "form": form, "object": amendment, "agreement": amendment.agreement, "title": title})


@login_required
def amendment_item_add(request, pk):
    amendment = _amendment_for_editor(request, pk)
    extra = {"list_items": addable_list_items(amendment.agreement, amendment)}
    form = AmendmentItemAddForm(request.POST or None, initial={"version": amendment.version}, **extra)
    form._extra = extra

    def save(*, version, data):
        list_item, reason = data.pop("list_item"), data.pop("reason")
        if data.get("funding_amount") is None:
            data.pop("funding_amount", None)
        services.amendment_item_add(actor=request.user, amendment=amendment, version=version, list_item=list_item,
                                    data=data, reason=reason)

    return _amendment_line_form(request, amendment, form, save, _("补充协议：增加事项"))


def _in_force_item(request, amendment, item_pk):
    item = get_scoped_or_404(AgreementItem, request.user, pk=item_pk, agreement=amendment.agreement)
    entry = next((e for e in effective_items(amendment.agreement, before=amendment) if e.pk == item.pk), None)
    if entry is None:
        raise Http404
    return item, entry


@login_required
def amendment_item_change(request, pk, item_pk):
    amendment = _amendment_for_editor(request, pk)
    item, entry = _in_force_item(request, amendment, item_pk)
    initial = {"version": amendment.version, **{k: getattr(entry, k) for k in entry.terms}}
    form = AmendmentItemChangeForm(request.POST or None, initial=initial)

    def save(*, version, data):
        reason = data.pop("reason")
        services.amendment_item_change(actor=request.user, amendment=amendment, version=version, item=item,
                                       data=data, reason=reason)

    return _amendment_line_form(request, amendment, form, save,
                                _("补充协议：变更事项 %(n)s %(t)s") % {"n": entry.number, "t": entry.title})


@login_required
def amendment_item_remove(request, pk, item_pk):
    amendment = _amendment_for_editor(request, pk)
    item, entry = _in_force_item(request, amendment, item_pk)
    form = AmendmentItemRemoveForm(request.POST or None, initial={"version": amendment.version})

    def save(*, version, data):
        services.amendment_item_remove(actor=request.user, amendment=amendment, version=version, item=item, **data)

    return _amendment_line_form(request, amendment, form, save,
                                _("补充协议：终止事项 %(n)s %(t)s") % {"n": entry.number, "t": entry.title})


@login_required
@require_POST
def amendment_item_withdraw(request, line_pk):
    line = get_scoped_or_404(AmendmentItem.objects.select_related("amendment__agreement__party_a",
                                                                  "amendment__agreement__party_b"),
                             request.user, pk=line_pk)
    if standing_on(line.amendment.agreement, request.user).side != "a":
        raise Http404
    return run_service(request, services.amendment_item_withdraw, actor=request.user, line=line,
                       version=request.POST.get("version"), success=_("已从补充协议草稿中撤回该项变更。"),
                       redirect_to=line.amendment.get_absolute_url())[0]


@login_required
@require_POST
def amendment_sign(request, pk):
    amendment = _amendment(request, pk)
    form = AmendmentSignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写签署代表姓名和印章编号。"))
        return redirect(amendment.get_absolute_url())
    return run_service(request, services.amendment_sign, actor=request.user, amendment=amendment,
                       **form.cleaned_data, success=_("补充协议已签署。"), redirect_to=amendment.get_absolute_url())[0]


@login_required
@require_POST
def amendment_cancel(request, pk):
    amendment = _amendment(request, pk)
    return run_service(request, services.amendment_cancel, actor=request.user, amendment=amendment,
                       reason=request.POST.get("comment", ""), success=_("补充协议已撤销。"),
                       redirect_to=amendment.get_absolute_url())[0]


@login_required
def amendment_pdf_view(request, pk):
    amendment = _amendment(request, pk)
    record_event("amendment.pdf", amendment)
    return pdf_response(amendment_pdf(amendment), f"{amendment.agreement.year}-{amendment.agreement.party_b.code}-"
                                                  f"补充协议{amendment.number}.pdf")


# ---------------------------------------------------------------- templates and bulk drafting


def _drafting_regions(user):
    scope = Scope.for_user(user)
    towns = Region.objects.restrict(user).filter(level="town") if scope.has_role(
        Role.TOWN_STAFF, Role.DISTRICT_ADMIN) else Region.objects.none()
    villages = Region.objects.restrict(user).filter(level="village") if scope.has_role(
        Role.VILLAGE_STAFF) else Region.objects.none()
    return (towns | villages).order_by("path")


@login_required
def template_create(request):
    if not Scope.for_user(request.user).has_role(*DRAFTERS):
        raise Http404
    form = TemplateCreateForm(request.POST or None, regions=_drafting_regions(request.user),
                              initial={"year": timezone.localdate().year, "kind": "standard"})
    if request.method == "POST" and form.is_valid():
        response, template = run_service(request, services.template_create, actor=request.user,
                                         **form.cleaned_data, success=_("模板已创建，请核对条款和事项后批量起草。"),
                                         redirect_to=reverse("agreements:template_list"), error_redirect=request.path)
        return redirect(template.get_absolute_url()) if template else response
    return render(request, "core/form.html", {"form": form, "title": _("新建协议模板"), "submit_label": _("创建"),
                                              "back": reverse("agreements:template_list")})


@login_required
def template_detail(request, pk):
    template = get_scoped_or_404(AgreementTemplate.objects.select_related("region", "duty_list"), request.user, pk=pk)
    form = TemplateForm(request.POST or None, instance=template, initial={"version": template.version})
    plan = TemplatePlanFormSet(request.POST or None, initial=plan_initial(template.instalment_plan), prefix="plan")
    if request.method == "POST" and form.is_valid() & plan.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        data["instalment_plan"] = plan.plan()
        if call_service(request, services.template_update, success=_("模板已保存。"), form=form, actor=request.user,
                        template=template, version=form.cleaned_data["version"], data=data):
            return redirect(template.get_absolute_url())
    items = list(template.items.select_related("list_item").order_by("position", "id"))
    chosen = {i.list_item.identity_id for i in items}
    addable = [li for li in template.duty_list.items.order_by("position", "number") if li.identity_id not in chosen] \
        if template.duty_list_id else []
    return render(request, "agreements/template_detail.html", {"addable": addable,
        "object": template, "form": form, "plan": plan, "items": items, "title": str(template),
        "weight_total": sum((i.weight for i in items), Decimal("0")),
        "weight_problem": services.template_weight_problem(template),
        "parties": len(services.drafting_parties(template)),
        "drafted": template.agreements.count(),
        "jobs": list(template.jobs.order_by("-created_at")[:5])})


@login_required
def template_item_edit(request, pk):
    item = get_scoped_or_404(TemplateItem.objects.select_related("template", "list_item"), request.user, "change",
                             pk=pk)
    form = TemplateItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        return run_service(request, services.template_item_update, actor=request.user, item=item,
                           data=form.cleaned_data, success=_("事项已保存。"),
                           redirect_to=item.template.get_absolute_url())[0]
    return render(request, "core/form.html", {"form": form, "title": _("模板事项：%(i)s") % {"i": item.list_item},
                                              "back": item.template.get_absolute_url()})


@login_required
@require_POST
def template_item_add(request, pk):
    template = get_scoped_or_404(AgreementTemplate, request.user, "change", pk=pk)
    from zhengshe.catalog.interface import ListItem

    list_item = ListItem.objects.filter(pk=request.POST.get("list_item") or 0, duty_list=template.duty_list).first()
    if list_item is None:
        messages.error(request, _("请选择要加入的事项。"))
        return redirect(template.get_absolute_url())
    return run_service(request, services.template_item_add, actor=request.user, template=template,
                       list_item=list_item, success=_("事项已加入，请重新分配权重。"),
                       redirect_to=template.get_absolute_url())[0]


@login_required
@require_POST
def template_item_remove(request, pk):
    item = get_scoped_or_404(TemplateItem.objects.select_related("template"), request.user, "change", pk=pk)
    return run_service(request, services.template_item_remove, actor=request.user, item=item,
                       success=_("事项已移出模板，请重新分配权重。"), redirect_to=item.template.get_absolute_url())[0]


@login_required
@require_POST
def template_rebalance(request, pk):
    template = get_scoped_or_404(AgreementTemplate, request.user, "change", pk=pk)
    return run_service(request, services.template_rebalance, actor=request.user, template=template,
                       success=_("权重已平均分配，合计 100。"), redirect_to=template.get_absolute_url())[0]


@login_required
@require_POST
def template_draft(request, pk):
    template = get_scoped_or_404(AgreementTemplate, request.user, "change", pk=pk)
    response, job = run_service(request, services.drafting_start, actor=request.user, template=template,
                                success=_("批量起草已开始。"), redirect_to=template.get_absolute_url())
    return redirect("agreements:job_detail", job.pk) if job else response


@login_required
def job_detail(request, pk):
    job = get_scoped_or_404(DraftingJob.objects.select_related("template", "region"), request.user, pk=pk)
    partial = request.headers.get("HX-Request") == "true"
    return render(request, "agreements/_job_progress.html" if partial else "agreements/job_detail.html",
                  {"job": job, "title": _("批量起草进度")})


# ---------------------------------------------------------------- ZIP of a town's PDFs


@login_required
def zip_download(request):
    regions = Region.objects.restrict(request.user).filter(level="town").order_by("code")
    form = ZipForm(request.GET or None, regions=regions, initial={"year": timezone.localdate().year})
    if request.GET and form.is_valid():
        region, year = form.cleaned_data["region"], form.cleaned_data["year"]
        agreements = selectors.agreements_for_zip(request.user, region, year)
        count = agreements.count()
        if not count:
            messages.error(request, _("该镇（街道）本年度没有协议。"))
        elif count > ZIP_STREAM_LIMIT:
            job = services.export_start(actor=request.user, region=region, year=year)
            return redirect("agreements:export_detail", job.pk)
        else:
            record_event("export", None, after={"view": "agreements.zip", "region": region.code, "year": year,
                                                "rows": count}, object_repr=_("协议批量下载"))
            response = StreamingHttpResponse(stream_zip(agreements), content_type="application/zip")
            response["Content-Disposition"] = (
                f"attachment; filename*=UTF-8''{escape_uri_path(f'{region.name}-{year}-协议.zip')}")
            return response
    return render(request, "agreements/zip.html", {"form": form, "title": _("批量下载协议（ZIP）"),
                                                   "limit": ZIP_STREAM_LIMIT})


@login_required
def export_detail(request, pk):
    job = get_scoped_or_404(ExportJob.objects.select_related("region"), request.user, pk=pk)
    if job.requested_by_id != request.user.pk:
        raise Http404
    partial = request.headers.get("HX-Request") == "true"
    return render(request, "agreements/_export_progress.html" if partial else "agreements/export_detail.html",
                  {"job": job, "title": _("批量下载进度")})


@login_required
def export_file(request, pk):
    job = get_scoped_or_404(ExportJob.objects.select_related("region"), request.user, pk=pk)
    if job.requested_by_id != request.user.pk or not job.file_path or not os.path.exists(job.file_path):
        raise Http404
    handle = open(job.file_path, "rb")  # noqa: SIM115 (FileResponse closes it)
    os.unlink(job.file_path)  # temporary export: removed once handed out (the open handle keeps the data)
    job.downloaded_at = timezone.now()
    job.save(update_fields=["downloaded_at", "updated_at"])
    record_event("export", job, after={"view": "agreements.zip", "rows": job.total})
    return FileResponse(handle, as_attachment=True, filename=f"{job.region.name}-{job.year}-协议.zip")


# ---------------------------------------------------------------- funds


GROUP_LABELS = {"town": gettext_lazy("按镇（街道）"), "county": gettext_lazy("按县（市、区）"),
                "committee": gettext_lazy("按村（社区）"), "item": gettext_lazy("按事项")}


@login_required
def funds(request):
    """Allocated / paid / withheld / awarded / balance rolled up in the database, with Excel export."""
    group = request.GET.get("group") if request.GET.get("group") in GROUP_LABELS else "town"
    default = selectors.latest_agreement_year(request.user) or timezone.localdate().year
    try:
        year = int(request.GET.get("year") or default)
    except ValueError:
        year = default
    if not 1949 <= year <= 2100:
        year = default
    if group == "item":
        rows, totals = selectors.funds_by_item(request.user, year=year)
        status_counts = selectors.agreement_status_counts(request.user, year, group)
    else:  # funds and signing states from one pass over the agreements
        rows, status_counts = selectors.funds_and_status(request.user, year=year, group=group)
        totals = selectors.funds_totals(rows)
    headers = [_("代码"), _("名称"), _("协议数"), _("核定（元）"), _("已拨付（元）"), _("扣减（元）"), _("奖励（元）"),
               _("未拨余额（元）")]
    if request.GET.get("export") == "xlsx":
        record_event("export", None, after={"view": "agreements.funds", "group": group, "year": year,
                                            "rows": len(rows)}, object_repr=_("协议经费汇总"))
        body = [[r["key"], r["label"], r["agreements"], r["allocated"], r["paid"], r["withheld"], r["awarded"],
                 r["balance"]] for r in rows]
        body.append(["", _("合计"), totals["agreements"], totals["allocated"], totals["paid"], totals["withheld"],
                     totals["awarded"], totals["balance"]])
        return workbook_response(headers, body, f"协议经费汇总-{year}-{group}.xlsx", title=str(_("经费汇总")))
    return render(request, "agreements/funds.html", {
        "rows": rows, "totals": totals, "year": year, "group": group, "groups": GROUP_LABELS, "headers": headers,
        "title": _("协议经费汇总"), "status_counts": status_counts,
        "funds_rows": FundsTable().html_rows(rows),
        "status_rows": StatusCountTable(list_url=f"{reverse('agreements:list')}?year={year}&town=" if group in (
            "town", "item") else None).html_rows(status_counts)})


@login_required
def council_create(request):
    regions = Region.objects.restrict(request.user).filter(level="village").order_by("code")
    if not Scope.for_user(request.user).has_role(Role.VILLAGE_STAFF, Role.TOWN_STAFF):
        raise Http404
    form = CouncilForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        return run_service(request, services.council_create, actor=request.user, **form.cleaned_data,
                           success=_("理事会已登记。"), redirect_to=reverse("agreements:council_list"),
                           error_redirect=request.path)[0]
    return render(request, "core/form.html", {"form": form, "title": _("登记居民自治理事会"),
                                              "back": reverse("agreements:council_list")})
