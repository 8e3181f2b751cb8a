"""Scoped reads of the projects app (every view and the API read through these)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q

from zhengshe.core import rollups
from zhengshe.core.scoping import Scope, ancestor_paths, get_scoped_or_404
from zhengshe.organizations.interface import own_organizations
from zhengshe.regions.models import Region

from .choices import CallStatus
from .models import Application, Call, Need, ServiceItem
from .rollups import CALL_KEYS, NEED_KEYS
from .workflows import BUYER_ROLES


def villages_for(user, roles=("village_staff", "town_staff", "district_admin")):
    """The villages and communities in which ``user`` may record needs (grouped by town in the form)."""
    paths = Scope.for_user(user).region_paths(set(roles))
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(path__under=path)
    return Region.objects.filter(q, level="village").select_related("parent").order_by("path")


def buyer_regions_for(user):
    """Where ``user`` may act as a buyer: the county office at its county, a town worker at her town, a village
    worker at her community (with a budget)."""
    scope = Scope.for_user(user)
    q = Q(pk__in=[])
    for level, role in BUYER_ROLES.items():
        for path in scope.region_paths({role}):
            q |= Q(path=path, level=level)
    return Region.objects.filter(q).order_by("path")


def catalogue_regions_for(user):
    return Region.objects.filter(path__in=Scope.for_user(user).region_paths({"district_admin"}),
                                 level__in=("county", "city", "province")).order_by("path")


def needs_for(user):
    return Need.objects.restrict(user).select_related("region")


def need_for(user, pk) -> Need:
    return get_scoped_or_404(Need.objects.select_related("region", "region__parent", "recorded_by"), user, pk=pk)


def service_items_for(user):
    return ServiceItem.objects.restrict(user).select_related("region")


def _reach(orgs) -> Q:
    """The buyers an organization works for: its own region and those above it, and every buyer inside the county
    it is registered in (a county-registered organization serves the county's towns and communities)."""
    q = Q(pk__in=[])
    for org in orgs:
        above = ancestor_paths(org.region.path)
        q |= Q(buyer_region__path__in=above)
        if len(above) >= 3:
            q |= Q(buyer_region__path__under=above[2])
    return q & Q(status__in=[CallStatus.PUBLISHED, CallStatus.CLOSED])


def call_for(user, pk) -> Call:
    """A call the user's scope covers, or a published one open to the user's organization; else 404."""
    qs = Call.objects.select_related("buyer_region", "created_by")
    orgs = own_organizations(user)
    if orgs:
        open_to_org = qs.filter(_reach(orgs), pk=pk).first()
        if open_to_org is not None:
            return open_to_org
    return get_scoped_or_404(qs, user, pk=pk)


def calls_for(user):
    """Calls in the user's scope (staff), or the published ones open to the user's organizations."""
    orgs = own_organizations(user)
    return Call.objects.filter(_reach(orgs)) if orgs else Call.objects.restrict(user)


def application_for(user, pk, action: str = "view") -> Application:
    return get_scoped_or_404(Application.objects.select_related("call", "call__buyer_region", "organization",
                                                                "organization__region"), user, action, pk=pk)


def applications_for(user):
    return Application.objects.restrict(user)


def public_call(number: str) -> Call:
    from django.http import Http404

    call = Call.objects.select_related("buyer_region").filter(
        number=number, status__in=[CallStatus.PUBLISHED, CallStatus.CLOSED]).first()
    if call is None:
        raise Http404
    return call


def needs_by_child(region, year: int) -> list[dict]:
    """The needs recorded under each child of ``region`` in ``year``, from the rollup rows (one query)."""
    children = list(Region.objects.filter(parent=region).order_by("code").values("name", "code", "path"))
    totals = rollups.read([c["path"] for c in children] + [region.path], NEED_KEYS + CALL_KEYS, year=year)
    rows = [{**c, **{k.split(".")[1]: totals[c["path"]][k] for k in NEED_KEYS + CALL_KEYS}} for c in children]
    return rows + [{"name": region.name, "code": region.code, "total": True,
                    **{k.split(".")[1]: totals[region.path][k] for k in NEED_KEYS + CALL_KEYS}}]


def ranked_needs(region, year: int):
    """A community's needs of a year, most named first (the rank the call page shows)."""
    return Need.objects.filter(region=region, year=year).order_by("-residents", "title")


OUTLIER_POINTS = Decimal("15")


def ranking(call) -> list[dict]:
    """The applications that passed formal review, best mean first: reviews counted, mean, spread (highest −
    lowest) and the reviewers whose total lies more than ``OUTLIER_POINTS`` from the mean. Two queries whatever
    the number of applications and reviewers."""
    from .models import Review

    apps = {a["pk"]: {**a, "totals": [], "outliers": []} for a in Application.objects.filter(
        call=call, status__in=["accepted", "awarded", "not_awarded"]).values(
        "pk", "title", "organization__name", "requested", "status", "award_amount")}
    for application_id, reviewer, total in Review.objects.filter(
            application_id__in=list(apps), status="submitted").values_list(
            "application_id", "reviewer__display_name", "total").order_by("application_id", "id"):
        apps[application_id]["totals"].append((reviewer, total))
    rows = []
    for row in apps.values():
        totals = [t for _r, t in row["totals"]]
        mean = (sum(totals) / len(totals)).quantize(Decimal("0.01")) if totals else None
        row.update(reviews=len(totals), mean=mean, spread=(max(totals) - min(totals)) if totals else None,
                   outliers=[r for r, t in row["totals"] if mean is not None and abs(t - mean) > OUTLIER_POINTS])
        rows.append(row)
    rows.sort(key=lambda r: (r["mean"] is None, -(r["mean"] or 0), r["pk"]))
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank if row["mean"] is not None else None
    return rows


def reviews_for(user):
    """The reviews assigned to ``user`` (a reviewer sees only their own)."""
    from .models import Review

    return Review.objects.filter(reviewer=user).select_related("application", "application__call")


def experts_for(call):
    """The experts who may review a call: an expert role over the buyer's region or over a region above it."""
    from zhengshe.accounts.models import RoleAssignment, User

    paths = ancestor_paths(call.buyer_region.path)
    ids = RoleAssignment.objects.filter(role="expert", active=True, region__path__in=paths).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("display_name", "username")


def contract_for(user, pk):
    from .models import Contract

    return get_scoped_or_404(Contract.objects.select_related(
        "application", "application__call", "application__call__buyer_region", "application__organization"),
        user, pk=pk)


def contracts_for(user):
    from .models import Contract

    return Contract.objects.restrict(user)


SPENDING_AHEAD_POINTS = Decimal("20")


def contract_progress(contract, *, today=None) -> dict:
    """Paid and spent so far, and the warnings a buyer must see: a milestone past its date and not accepted, or
    spending running ahead of the accepted work by more than ``SPENDING_AHEAD_POINTS`` of the contract."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    today = today or timezone.localdate()
    milestones = list(contract.milestones.all())
    paid = sum((m.payment for m in milestones if m.status == "accepted"), Decimal("0.00"))
    spent = sum((m.spent or Decimal("0") for m in milestones), Decimal("0.00"))
    warnings = [_("节点“%(t)s”已逾期 %(d)d 天（期限 %(due)s）。") % {"t": m.title, "d": (today - m.due_on).days,
                                                             "due": m.due_on.isoformat()}
                for m in milestones if m.status != "accepted" and m.due_on < today]
    if contract.amount and (spent - paid) * 100 / contract.amount > SPENDING_AHEAD_POINTS:
        warnings.append(_("已报支出 %(s)s 元，超过已验收拨付 %(p)s 元达合同金额的 %(n)s%% 以上：资金使用快于服务进度。") % {
            "s": spent, "p": paid, "n": SPENDING_AHEAD_POINTS})
    return {"milestones": milestones, "paid": paid, "spent": spent, "unpaid": contract.amount - paid,
            "warnings": warnings}


def milestone_for(user, pk):
    from .models import Milestone

    return get_scoped_or_404(Milestone.objects.select_related(
        "contract", "contract__application", "contract__application__call",
        "contract__application__call__buyer_region", "contract__application__organization"), user, pk=pk)
