"""Payment-plan editors: the instalment rows a supplementary agreement sets (and a template's plan rows)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zhengshe.core.errors import ServiceError

from . import services
from .choices import AmendmentStatus
from .forms import AmendmentPlanFormSet
from .views import _amendment_for_editor


def _rows(formset) -> list[dict]:
    return [{k: f.cleaned_data.get(k) for k in ("instalment", "label", "amount", "due_date")}
            for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


@login_required
def amendment_plan(request, pk):
    """Party A sets the amendment's instalments; the page shows the plan after it and whether it matches the money."""
    amendment = _amendment_for_editor(request, pk)
    if amendment.status != AmendmentStatus.DRAFT:
        messages.error(request, _("补充协议已签署或已撤销，拨付安排不可再修改。"))
        return redirect(amendment.get_absolute_url())
    unpaid = amendment.agreement.instalments.filter(paid_on__isnull=True).order_by("number")
    initial = services.amendment_plan_proposal(amendment)
    formset = AmendmentPlanFormSet(request.POST or None, initial=None if request.POST else initial,
                                   form_kwargs={"instalments": unpaid}, prefix="plan")
    if request.method == "POST" and formset.is_valid():
        try:
            services.amendment_plan_set(actor=request.user, amendment=amendment, version=request.POST.get("version"),
                                        rows=_rows(formset))
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("拨付安排已保存。"))
            return redirect(f"{amendment.get_absolute_url()}#amendment-plan")
    plan, planned = services.plan_after(amendment)
    return render(request, "agreements/amendment_plan.html", {
        "object": amendment, "agreement": amendment.agreement, "formset": formset, "plan": plan, "planned": planned,
        "problem": services.amendment_plan_problem(amendment),
        "title": _("补充协议拨付安排：%(a)s") % {"a": amendment}})
