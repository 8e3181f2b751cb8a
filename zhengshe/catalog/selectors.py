"""Scoped reads of the catalog, each in a bounded number of queries.

Contracts other apps rely on: ``list_in_force(region, kind, on_date=None)`` and
``refusal_count(region=, year=, department="")`` (also registered as the evaluation sources
"catalog.refusals" and "catalog.admission_violations").

Burden score (社区负担指数), defined here and shown on the burden page: every ledger, signboard or rating a
community keeps weighs by how much work it costs — paper ledger 3, creation ledger 2, electronic ledger 1,
rating/inspection 4, outside signboard 1, inside signboard 0.5. A community's score is the sum over what it
keeps; a region's score is the average over its communities; the reduction is 1 − current ÷ baseline, where the
baseline is the score of what was kept before the reform. All sums are computed in the database.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import BooleanField, Case, CharField, Count, Q, Value, When
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.core.scoping import Scope, ancestor_paths, roles_for_action

from .choices import (
    AdmissionStatus,
    AskOutcome,
    BurdenKind,
    BurdenState,
    BurdenSubtype,
    ListKind,
    ListStatus,
    TargetMode,
)
from .models import AdmissionRequest, BurdenItem, DutyList, ItemIdentity, ListItem, UnlistedAsk

WEIGHTS = {
    BurdenSubtype.PAPER: Decimal("3"), BurdenSubtype.CREATION: Decimal("2"), BurdenSubtype.ELECTRONIC: Decimal("1"),
    BurdenSubtype.RATING: Decimal("4"), BurdenSubtype.OUTSIDE: Decimal("1"), BurdenSubtype.INSIDE: Decimal("0.5"),
}
TENTH, THOUSANDTH = Decimal("0.1"), Decimal("0.001")
DIFF_FIELDS = ["number", "category", "title", "description", "legal_basis", "department", "funding_follows",
               "funding_basis", "funding_amount"]


# ---- lists ---------------------------------------------------------------------------------------

def list_in_force(region, kind, *, on_date: date | None = None) -> DutyList | None:
    """The published list of ``kind`` from the nearest issuing ancestor of ``region`` (itself included).

    With ``on_date``: the version that was in force that day (published by then, not yet superseded).
    One query.
    """
    qs = DutyList.objects.filter(region__path__in=ancestor_paths(region.path), kind=kind)
    if on_date is None:
        qs = qs.filter(status=ListStatus.PUBLISHED)
    else:
        qs = qs.filter(status__in=[ListStatus.PUBLISHED, ListStatus.SUPERSEDED], published_at__date__lte=on_date
                       ).filter(Q(superseded_at__isnull=True) | Q(superseded_at__date__gt=on_date))
    return qs.select_related("region").order_by("-region__depth", "-version").first()


def lists_in_force(region, *, on_date: date | None = None) -> list[DutyList]:
    """The duties list, the assisted list and the third list in force for ``region`` (those that exist)."""
    found = [list_in_force(region, kind, on_date=on_date) for kind in ListKind.values]
    return [d for d in found if d is not None]


def items_by_category(duty_list: DutyList) -> list[tuple[str, list[ListItem]]]:
    """A list's items grouped under their categories, in list order (one query)."""
    groups: dict[str, list] = {}
    for item in duty_list.items.select_related("identity").order_by("position", "number"):
        groups.setdefault(item.category, []).append(item)
    return list(groups.items())


def versions_of(duty_list: DutyList):
    return DutyList.objects.filter(region_id=duty_list.region_id, kind=duty_list.kind).order_by("-version")


def item_versions(identity: ItemIdentity):
    """Every version of one item across list versions (v1's items keep resolving after v2)."""
    return identity.versions.select_related("duty_list").order_by("duty_list__version")


def current_item(identity: ItemIdentity, *, on_date: date | None = None) -> ListItem | None:
    """The item's text in the list version in force (on ``on_date``), or None when it was dropped."""
    in_force = list_in_force(identity.region, identity.kind, on_date=on_date)
    if in_force is None:
        return None
    return in_force.items.filter(identity=identity).first()


def diff_lists(old: DutyList, new: DutyList) -> dict:
    """Items added, removed and changed (field by field) between two versions, matched by identity."""
    before = {i.identity_id: i for i in old.items.select_related("identity")}
    after = {i.identity_id: i for i in new.items.select_related("identity")}
    labels = {f.name: str(f.verbose_name) for f in ListItem._meta.fields}
    changed = []
    for key in sorted(set(before) & set(after), key=lambda k: (after[k].position, after[k].number)):
        a, b = before[key], after[key]
        fields = []
        for name in DIFF_FIELDS:
            va, vb = getattr(a, name), getattr(b, name)
            if va != vb:
                fields.append({"field": name, "label": labels[name], "old": _display(a, name), "new": _display(b, name)})
        if fields:
            changed.append({"item": b, "old_item": a, "fields": fields})
    added = sorted((after[k] for k in set(after) - set(before)), key=lambda i: (i.position, i.number))
    removed = sorted((before[k] for k in set(before) - set(after)), key=lambda i: (i.position, i.number))
    unchanged = len(set(before) & set(after)) - len(changed)
    return {"added": added, "removed": removed, "changed": changed, "unchanged": unchanged}


def _display(item, name):
    value = getattr(item, name)
    if name == "funding_follows":
        return "是" if value else "否"
    getter = getattr(item, f"get_{name}_display", None)
    return getter() if getter else value


def history_rows(obj, flow, statuses) -> list[dict]:
    """The status history of ``obj`` with the move and the statuses in Chinese (for the applicant to read)."""
    from zhengshe.core.workflows import history

    labels = {(status, a): str(t.label) for status, moves in flow.table.items() for a, t in moves.items()}
    names = dict(statuses.choices)
    return [{"at": h.created_at, "actor": h.actor, "action": labels.get((h.from_status, h.action), h.action),
             "from": names.get(h.from_status, h.from_status), "to": names.get(h.to_status, h.to_status),
             "comment": h.comment} for h in history(obj)]


# ---- admission register -----------------------------------------------------------------------------

def admitted_for_region(region, *, on_date: date | None = None):
    """Approved admissions in force for one village/community on ``on_date`` (today): one query."""
    day = on_date or timezone.localdate()
    scope = (Q(approved_mode=TargetMode.SUBTREE, approved_root__path__in=ancestor_paths(region.path))
             | Q(approved_mode=TargetMode.LIST, approved_regions=region))
    ids = AdmissionRequest.objects.filter(scope).values("pk")
    return (AdmissionRequest.objects.filter(pk__in=ids, status=AdmissionStatus.APPROVED, valid_from__lte=day,
                                            valid_until__gte=day)
            .select_related("issuing_region", "approved_root").order_by("valid_until", "pk"))


def admission_gap(region, admission, on_date: date | None = None) -> str:
    """Why ``admission`` does not cover ``region`` on ``on_date`` (the day the ask was received), in words the
    village can act on — '' when it does (or none is cited). Shown on the page the village records the ask on, on
    the ask's page and in the refusal notice: the same words everywhere."""
    if admission is None:
        return ""
    day = on_date or timezone.localdate()
    if admission_in_force_for(region, admission, day):
        return ""
    n = admission.register_number or admission.title
    if admission.status != AdmissionStatus.APPROVED:
        return _("所称准入（%(n)s）的状态为“%(s)s”，不是有效的准入。") % {"n": n, "s": admission.get_status_display()}
    if admission.valid_from and day < admission.valid_from:
        return _("所称准入（%(n)s）自 %(f)s 起生效，收到要求的 %(d)s 尚未生效。") % {
            "n": n, "f": admission.valid_from.isoformat(), "d": day.isoformat()}
    if admission.valid_until and day > admission.valid_until:
        return _("所称准入（%(n)s）已于 %(u)s 到期，收到要求的 %(d)s 已不在有效期内。") % {
            "n": n, "u": admission.valid_until.isoformat(), "d": day.isoformat()}
    return _("所称准入（%(n)s）的准入范围不包括%(place)s。") % {"n": n, "place": region.name}


def admission_in_force_for(region, admission, day: date) -> bool:
    return admitted_for_region(region, on_date=day).filter(pk=admission.pk).exists()


def register_for_user(user):
    """The admitted register as a user sees it: approved (or revoked) entries touching their part of the tree.

    A village worker sees what applies to their community only; a town worker what touches the town.
    """
    scope = Scope.for_user(user)
    paths = scope.region_paths(scope.roles - {"org_user"})
    if scope.is_superuser:
        paths = [""]
    if not paths:
        return AdmissionRequest.objects.none()
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(approved_mode=TargetMode.SUBTREE, approved_root__path__in=ancestor_paths(path) if path else [])
        q |= Q(approved_mode=TargetMode.SUBTREE, approved_root__path__under=path)
        q |= Q(approved_mode=TargetMode.LIST, approved_regions__path__under=path)
    ids = AdmissionRequest.objects.filter(q).values("pk")
    return (AdmissionRequest.objects.filter(pk__in=ids, status__in=[AdmissionStatus.APPROVED, AdmissionStatus.REVOKED])
            .select_related("issuing_region", "approved_root", "applicant_region", "target_root"))


def admissions_citable(user):
    """Approved admissions of the leading groups above the user's communities (what an asking department may
    claim), newest first — for the "recorded ask" form; nothing from other counties."""
    scope = Scope.for_user(user)
    above = {a for p in scope.region_paths({"village_staff", "district_admin"}) for a in ancestor_paths(p)}
    below = scope.region_paths({"district_admin"})
    q = Q(issuing_region__path__in=sorted(above))
    for p in below:
        q |= Q(issuing_region__path__under=p)
    ids = AdmissionRequest.objects.filter(q, status=AdmissionStatus.APPROVED).order_by("-decided_at").values_list("pk", flat=True)[:200]
    return AdmissionRequest.objects.filter(pk__in=list(ids)).order_by("-decided_at")


def requests_for(user):
    """Admission requests a user may see (applicants' units and the reviewing county): scoped."""
    return AdmissionRequest.objects.restrict(user, "view").select_related("applicant_region", "issuing_region",
                                                                          "applicant")


def pending_reviews(user):
    """Requests waiting for this user's leading group."""
    scope = Scope.for_user(user)
    paths = scope.region_paths({"district_admin"})
    if not paths:
        return AdmissionRequest.objects.none()
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(issuing_region__path__under=p)
    return AdmissionRequest.objects.filter(q, status=AdmissionStatus.SUBMITTED).exclude(applicant=user)


def admission_rule_text(region) -> str:
    """The rule a refusal notice cites, naming the committee's organic law and the county's admission rule."""
    county = next((r for r in _ancestors(region) if r.level == "county"), None)
    place = county.name if county else ""
    law = (_("《中华人民共和国城市居民委员会组织法》第二条") if region.is_community
           else _("《中华人民共和国村民委员会组织法》第五条"))
    return _("根据%(law)s，政府及其部门对基层群众自治组织的工作给予指导、支持和帮助，但不得干预依法属于自治范围的事项；"
             "依照%(place)s社区工作准入制度（“凡进必审”），未列入《依法履职事项清单》《协助政府工作事项清单》、"
             "也未经%(place)s政社互动工作领导小组准入审核的工作事项、台账、挂牌、评比考核和证明事项，"
             "村（居）民委员会有权拒绝执行。") % {"law": law, "place": place}


def _ancestors(region):
    from zhengshe.regions.models import Region

    return list(Region.objects.filter(path__in=ancestor_paths(region.path)).order_by("-depth"))


# ---- refusals: contracts for evaluation ------------------------------------------------------------

def refusal_count(*, region, year: int, department: str = "") -> int:
    """Refusals recorded in ``region``'s subtree in ``year`` (against ``department`` when given)."""
    qs = UnlistedAsk.objects.filter(region__path__under=region.path, outcome=AskOutcome.REFUSED,
                                    refused_on__year=year)
    if department:
        qs = qs.filter(department=department)
    return qs.count()


def admission_violations(*, region, year: int, department: str = "") -> int:
    """Asks pushed into communities without approval in ``year``: every recorded unlisted ask (refused or
    not) except those later found to be on the lists or the register."""
    qs = UnlistedAsk.objects.filter(region__path__under=region.path, received_on__year=year).exclude(
        outcome=AskOutcome.LEGITIMATE)
    if department:
        qs = qs.filter(department=department)
    return qs.count()


def refusals_by_department(*, region, year: int):
    """Refusals and recorded asks per asking department in the subtree, worst first (one query)."""
    return (UnlistedAsk.objects.filter(region__path__under=region.path, received_on__year=year)
            .exclude(outcome=AskOutcome.LEGITIMATE).values("department")
            .annotate(asks=Count("id"), refusals=Count("id", filter=Q(outcome=AskOutcome.REFUSED)))
            .order_by("-refusals", "-asks", "department"))


# ---- community's side ------------------------------------------------------------------------------

def _community_sections(region, year):
    from .interface import community_sections

    return community_sections(region, year)


def community_today(region, *, on_date: date | None = None) -> dict:
    """What may legitimately be asked of one village/community today: lists, agreement, admitted register."""
    day = on_date or timezone.localdate()
    lists = lists_in_force(region)
    return {
        "day": day,
        "lists": [{"list": d, "groups": groups, "count": sum(len(g[1]) for g in groups)}
                  for d, groups in ((d, items_by_category(d)) for d in lists)],
        "register": list(admitted_for_region(region, on_date=day)),
        **_community_sections(region, day.year),
        "recent_asks": list(UnlistedAsk.objects.filter(region=region).order_by("-received_on", "-id")[:10]),
    }


def departments_for(user) -> list[str]:
    """Names in the department registries above and within the user's part of the tree (for pickers)."""
    from .models import Department

    names = Department.objects.restrict(user, "view").filter(active=True).order_by("region__path", "name")
    return list(dict.fromkeys(names.values_list("name", flat=True)[:500]))


def villages_for(user):
    """Villages/communities the user works in (for the community page's region choice)."""
    from zhengshe.regions.models import Region

    return Region.objects.restrict(user, "view").filter(level="village").order_by("path")


# ---- burden registry -----------------------------------------------------------------------------------
# The database counts rows grouped by (subtype, baseline?, state, start year, change year[, child]); the few
# dozen groups are then folded into counts by type, scores and year-end series here, so every rollup is one
# GROUP BY whatever the number of communities.

KIND_OF = {BurdenSubtype.PAPER: BurdenKind.LEDGER, BurdenSubtype.CREATION: BurdenKind.LEDGER,
           BurdenSubtype.ELECTRONIC: BurdenKind.LEDGER, BurdenSubtype.OUTSIDE: BurdenKind.SIGNBOARD,
           BurdenSubtype.INSIDE: BurdenKind.SIGNBOARD, BurdenSubtype.RATING: BurdenKind.RATING}
KIND_SUBTYPES = {BurdenKind.LEDGER: ("paper", "creation", "electronic"), BurdenKind.SIGNBOARD: ("outside", "inside"),
                 BurdenKind.RATING: ("rating",)}


def _groups(path_prefix: str, *, child_length: int | None = None) -> list[dict]:
    # The year as the first four characters of the ISO date: native on SQLite and PostgreSQL alike (SQLite's
    # ExtractYear is a Python function called per row). ``waiting``: today falls outside the item's admission —
    # it starts later (an admission valid from next January) or its admission has lapsed — so it is not kept today.
    today = timezone.localdate()
    waiting = Case(When(Q(started_on__gt=today) | Q(admission__valid_until__lt=today), then=Value(True)),
                   default=Value(False), output_field=BooleanField())
    qs = BurdenItem.objects.filter(region__path__under=path_prefix).annotate(
        start_year=Substr(Cast("started_on", CharField()), 1, 4),
        change_year=Substr(Cast("state_changed_on", CharField()), 1, 4), waiting=waiting)
    fields = ["subtype", "in_baseline", "state", "start_year", "change_year", "waiting"]
    if child_length:
        qs = qs.annotate(child=Substr("region__path", 1, child_length))
        fields.append("child")
    rows = list(qs.values(*fields).annotate(n=Count("id")).order_by())
    for row in rows:
        row["start_year"] = int(row["start_year"]) if row["start_year"] else None
        row["change_year"] = int(row["change_year"]) if row["change_year"] else None
    return rows


def _communities(path_prefix: str, *, child_length: int | None = None):
    qs = BurdenItem.objects.filter(region__path__under=path_prefix)
    if not child_length:
        return qs.aggregate(n=Count("region", distinct=True))["n"] or 0
    rows = qs.annotate(child=Substr("region__path", 1, child_length)).values("child").annotate(
        n=Count("region", distinct=True)).order_by()
    return {r["child"]: r["n"] for r in rows}


def _kept_at(g: dict, year: int | None) -> bool:
    """Kept now (``year`` None: only what is in force today), or at the end of ``year``."""
    if year is None:
        return g["state"] == BurdenState.KEPT and not g.get("waiting")
    started = g["in_baseline"] or (g["start_year"] is not None and g["start_year"] <= year)
    still = g["state"] == BurdenState.KEPT or (g["change_year"] is not None and g["change_year"] > year)
    return started and still


def _fold(groups: list[dict], communities: int, *, year: int | None = None) -> dict:
    counts = {sub: {"baseline": 0, "kept": 0, "merged": 0, "removed": 0, "added": 0, "waiting": 0}
              for sub in BurdenSubtype.values}
    score = base = Decimal(0)
    for g in groups:
        c, n, w = counts[g["subtype"]], g["n"], WEIGHTS[g["subtype"]]
        if g["in_baseline"]:
            c["baseline"] += n
            base += w * n
        else:
            c["added"] += n
        if _kept_at(g, year):
            c["kept"] += n
            score += w * n
        elif g["state"] == BurdenState.MERGED:
            c["merged"] += n
        elif g["state"] == BurdenState.REMOVED:
            c["removed"] += n
        elif year is None and g["state"] == BurdenState.KEPT:
            c["waiting"] += n
    rows = [{"subtype": sub, "label": str(label), **counts[sub],
             "cleared": counts[sub]["merged"] + counts[sub]["removed"]} for sub, label in BurdenSubtype.choices]
    by_kind = {kind: {k: sum(r[k] for r in rows if r["subtype"] in subs)
                      for k in ("baseline", "kept", "merged", "removed", "cleared", "added", "waiting")}
               for kind, subs in KIND_SUBTYPES.items()}
    return {
        "rows": rows, "by_kind": by_kind, "communities": communities, "on_date": timezone.localdate(),
        "waiting": sum(r["waiting"] for r in rows), "score": score, "baseline_score": base,
        "score_per_community": (score / communities).quantize(TENTH, rounding=ROUND_HALF_UP) if communities
        else Decimal(0),
        "baseline_per_community": (base / communities).quantize(TENTH, rounding=ROUND_HALF_UP) if communities
        else Decimal(0),
        "reduction": ((base - score) / base).quantize(THOUSANDTH, rounding=ROUND_HALF_UP) if base else None,
    }


def burden_summary(path_prefix: str, *, on_date: date | None = None) -> dict:
    """Counts by subtype — baseline, added, kept, merged, removed — and the scores over a subtree (two queries).

    ``on_date`` gives what was kept at the end of that date's year."""
    return _fold(_groups(path_prefix), _communities(path_prefix), year=on_date.year if on_date else None)


def _children_groups(region):
    from zhengshe.regions.models import Region

    children = list(Region.objects.filter(parent=region).order_by("code"))
    if not children:
        return [], {}, {}
    length = len(children[0].path)
    groups: dict[str, list] = {}
    for g in _groups(region.path, child_length=length):
        groups.setdefault(g["child"], []).append(g)
    return children, groups, _communities(region.path, child_length=length)


def _child_rows(children, groups, communities) -> list[dict]:
    result = []
    for child in children:
        folded = _fold(groups.get(child.path, []), communities.get(child.path, 0))
        k = folded["by_kind"]
        result.append({
            "region": child, "communities": folded["communities"],
            "ledgers_kept": k["ledger"]["kept"], "ledgers_cleared": k["ledger"]["cleared"],
            "signs_kept": k["signboard"]["kept"], "signs_cleared": k["signboard"]["cleared"],
            "ratings_kept": k["rating"]["kept"], "ratings_cleared": k["rating"]["cleared"],
            "score": folded["score"], "score_per_community": folded["score_per_community"],
            "reduction": folded["reduction"],
        })
    return result


def burden_by_child(region) -> list[dict]:
    """Per direct child (town, or village): kept/cleared by type and the score per community (three queries)."""
    return _child_rows(*_children_groups(region))


def burden_timeline(path_prefix: str, years: list[int], *, groups: list[dict] | None = None,
                    communities: int | None = None) -> list[dict]:
    """Kept ledgers, signboards and ratings at each year's end, and the score per community."""
    groups = _groups(path_prefix) if groups is None else groups
    n = _communities(path_prefix) if communities is None else communities
    series = []
    for year in years:
        folded = _fold(groups, n, year=year)
        series.append({"year": year, **{kind: folded["by_kind"][kind]["kept"] for kind in BurdenKind.values},
                       "score_per_community": float(folded["score"] / n) if n else 0.0})
    return series


def burden_years(path_prefix: str, *, groups: list[dict] | None = None) -> list[int]:
    """Years from the year before the first change in the subtree to this year (at most fifteen)."""
    this_year = timezone.localdate().year
    groups = _groups(path_prefix) if groups is None else groups
    firsts = [y for g in groups for y in (g["start_year"], g["change_year"]) if y]
    start = max(min(firsts) - 1, this_year - 14) if firsts else this_year
    return list(range(start, this_year + 1))


def burden_overview(region) -> dict:
    """Everything the burden page shows for one region: the children's groups, summed for the region itself
    (communities sit in exactly one child), so three queries in all."""
    children, child_groups, child_communities = _children_groups(region)
    if children:
        merged: dict[tuple, dict] = {}
        for rows in child_groups.values():
            for g in rows:
                key = (g["subtype"], g["in_baseline"], g["state"], g["start_year"], g["change_year"], g["waiting"])
                merged.setdefault(key, {**g, "n": 0})["n"] += g["n"]
        groups, communities = list(merged.values()), sum(child_communities.values())
    else:
        groups, communities = _groups(region.path), _communities(region.path)
    years = burden_years(region.path, groups=groups)
    return {"summary": _fold(groups, communities), "children": _child_rows(children, child_groups, child_communities),
            "timeline": burden_timeline(region.path, years, groups=groups, communities=communities)}


def burden_root_for(user, code: str | None = None):
    """The region the burden page rolls up: the one asked for (within scope) or the user's own root."""
    from zhengshe.core.scoping import get_scoped_or_404
    from zhengshe.regions.models import Region

    if code:
        return get_scoped_or_404(Region, user, "view", code=code)
    scope = Scope.for_user(user)
    paths = scope.region_paths(roles_for_action(Region, "view"))
    return Region.objects.filter(path__in=paths).order_by("depth", "path").first()


