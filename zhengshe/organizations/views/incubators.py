"""Incubators (孵化园/孵化中心): parks and centres, applications to enter, services, milestones, graduation."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengshe.accounts.roles import Role
from zhengshe.core.actions import call_service
from zhengshe.core.scoping import Scope, get_scoped_or_404
from zhengshe.core.views import ScopedListView
from zhengshe.core.workflows import history

from .. import selectors, services, workflows
from ..forms import IncubationActionForm, IncubationApplyForm, IncubationServiceForm, IncubatorForm, MilestoneForm
from ..models import Incubation, IncubationMilestone, Incubator, Organization
from ..tables import IncubatorTable
from .common import form_errors_to_messages, post_only, roles_on

STAFF = {Role.DISTRICT_ADMIN, Role.TOWN_STAFF}


class IncubatorListView(ScopedListView):
    model = Incubator
    table_class = IncubatorTable
    select_related = ("region", "parent")
    title = gettext_lazy("孵化平台")
    export_filename = "孵化平台"
    create_url_name = "organizations:incubator_create"
    create_roles = frozenset(STAFF)

    def base_queryset(self):
        return Incubator.objects.all()

    def get_queryset(self):
        qs = super().get_queryset()
        own = selectors.own_organizations(self.request.user)
        if own:  # organization users see the incubators where they are based, to apply
            from zhengshe.core.scoping import ancestor_paths

            paths = {p for o in own for p in ancestor_paths(o.region.path)}
            qs = (qs | Incubator.objects.filter(region__path__in=paths)).distinct().select_related("region", "parent")
        return qs


@login_required
def incubator_create(request):
    scope = Scope.for_user(request.user)
    if not (scope.has_role(*STAFF) or scope.is_superuser):
        raise PermissionDenied
    form = IncubatorForm(request.POST or None)
    form.fields["parent"].queryset = Incubator.objects.restrict(request.user)
    if request.method == "POST" and form.is_valid():
        inc = call_service(request, services.incubator_save, success=_("已保存。"), form=form, actor=request.user,
                      data=form.cleaned_data)
        if inc:
            return redirect(inc.get_absolute_url())
    return render(request, "core/form.html", {"form": form, "title": _("新建孵化平台"),
                                              "back": "/organizations/incubators/"})


def _incubator(request, pk):
    qs = Incubator.objects.select_related("region", "parent")
    own = selectors.own_organizations(request.user)
    if own:
        from zhengshe.core.scoping import ancestor_paths

        paths = {p for o in own for p in ancestor_paths(o.region.path)}
        found = qs.filter(pk=pk, region__path__in=paths).first()
        if found:
            return found
    return get_scoped_or_404(qs, request.user, pk=pk)


@login_required
def incubator_detail(request, pk):
    incubator = _incubator(request, pk)
    roles = roles_on(request.user, incubator)
    own = selectors.own_organizations(request.user)
    candidates = Organization.objects.filter(pk__in=[o.pk for o in own]) if own else \
        Organization.objects.restrict(request.user, "change").filter(region__path__under=incubator.region.path)
    form = IncubationApplyForm(request.POST or None, organizations=candidates)
    if request.method == "POST" and form.is_valid():
        inc = call_service(request, services.incubation_apply, success=_("入驻申请已提交。"), form=form, actor=request.user,
                      incubator=incubator, organization=form.cleaned_data["organization"], plan=form.cleaned_data["plan"])
        if inc:
            return redirect(inc.get_absolute_url())
    incubations = Incubation.objects.restrict(request.user).filter(incubator=incubator).select_related("organization")
    return render(request, "organizations/incubator_detail.html", {
        "incubator": incubator, "title": incubator.name, "incubations": incubations, "form": form,
        "children": incubator.children.all(), "is_staff": bool(roles & STAFF)})


def _incubation(request, pk):
    return get_scoped_or_404(Incubation.objects.select_related("incubator__region", "organization"), request.user,
                             pk=pk)


@login_required
def incubation_detail(request, pk):
    inc = _incubation(request, pk)
    return render(request, "organizations/incubation_detail.html", {
        "inc": inc, "title": str(inc), "services": inc.services.all(), "milestones": inc.milestones.all(),
        "actions": workflows.INCUBATION_FLOW.available_actions(inc, request.user),
        "action_form": IncubationActionForm(), "service_form": IncubationServiceForm(),
        "milestone_form": MilestoneForm(), "is_staff": bool(roles_on(request.user, inc.incubator) & STAFF),
        "history": history(inc)})


@login_required
@post_only
def incubation_action(request, pk):
    inc = _incubation(request, pk)
    form = IncubationActionForm(request.POST)
    form.is_valid()
    call_service(request, services.incubation_transition, success=_("已办理。"), actor=request.user, incubation=inc,
            action=request.POST.get("action", ""), comment=form.cleaned_data.get("comment") or "",
            months=form.cleaned_data.get("months"))
    return redirect(inc.get_absolute_url())


@login_required
@post_only
def incubation_service_add(request, pk):
    inc = _incubation(request, pk)
    form = IncubationServiceForm(request.POST)
    if form.is_valid():
        call_service(request, services.incubation_add_service, success=_("已记录服务。"), actor=request.user,
                incubation=inc, data=form.cleaned_data)
    else:
        form_errors_to_messages(request, form)
    return redirect(inc.get_absolute_url())


@login_required
@post_only
def incubation_milestone_add(request, pk):
    inc = _incubation(request, pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        call_service(request, services.incubation_add_milestone, success=_("已添加里程碑。"), actor=request.user,
                incubation=inc, data=form.cleaned_data)
    else:
        form_errors_to_messages(request, form)
    return redirect(inc.get_absolute_url())


@login_required
@post_only
def milestone_done(request, pk):
    milestone = get_scoped_or_404(IncubationMilestone.objects.select_related("incubation"), request.user, pk=pk)
    call_service(request, services.milestone_done, success=_("里程碑已完成。"), actor=request.user, milestone=milestone)
    return redirect(milestone.incubation.get_absolute_url())
