"""Scoped reads of agreements, the funds rollups (computed in the database) and the evaluation sources."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, DecimalField, F, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from zhengshe.core import rollups
from zhengshe.core.scoping import Scope, get_scoped_or_404, roles_for_action
from zhengshe.utilities.money import natural_key, split_to_fen

from . import rollups as agreement_rollups
from .choices import SIGNED_STATUSES, AgreementKind, AgreementStatus, AmendmentStatus, LedgerKind, ProgressStatus
from .effective import effective_items  # noqa: F401  (the terms in force; re-exported as a selector)
from .models import Agreement, AgreementItem, Instalment, LedgerEntry, ProgressReport

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=16, decimal_places=2))


def agreement_for(region, year: int) -> Agreement | None:
    """The committee's signed (or in-force / evaluated / closed) town agreement of ``year``, else None."""
    return (Agreement.objects.filter(party_b=region, year=year, kind=AgreementKind.STANDARD,
                                     status__in=SIGNED_STATUSES)
            .select_related("party_a", "party_b").order_by("-id").first())


def agreements_for(user, action: str = "view"):
    """Agreements within the user's scope (by party B's region)."""
    return Agreement.objects.restrict(user, action).select_related("party_a", "party_b", "council")


def latest_agreement_year(user) -> int | None:
    """The latest year of an agreement the user sees (None when there is none): where a summary page opens, so a
    district whose agreements are for next year does not land on an empty table (one indexed MAX query)."""
    return Agreement.objects.restrict(user, "view").aggregate(latest=Max("year"))["latest"]


def get_agreement(user, pk, action: str = "view") -> Agreement:
    return get_scoped_or_404(Agreement.objects.select_related("party_a", "party_b", "council", "template"), user,
                             action, pk=pk)


def agreements_for_zip(user, region, year: int):
    return agreements_for(user).filter(party_b__path__under=region.path, year=year).order_by("party_b__code")


def _sum(kind: str, prefix: str = ""):
    return Coalesce(Sum(f"{prefix}amount", filter=Q(**{f"{prefix}kind": kind})), ZERO)


def _allocated(prefix: str = ""):
    """Allocated money in force: allocation lines less the reductions signed in supplementary agreements."""
    return _sum(LedgerKind.ALLOCATE, prefix) - _sum(LedgerKind.REDUCE, prefix)


def ledger_totals(agreement) -> dict:
    """allocated, paid, withheld, awarded and balance (allocated + awarded − withheld − paid) from the ledger.

    One GROUP BY kind (a single SUM: far cheaper for the ORM to compile than five filtered sums), added up here.
    """
    by_kind = dict(LedgerEntry.objects.filter(agreement=agreement).values_list("kind").annotate(
        total=Sum("amount")).order_by())
    zero = Decimal("0.00")
    agg = {"allocated": by_kind.get(LedgerKind.ALLOCATE, zero) - by_kind.get(LedgerKind.REDUCE, zero),
           "paid": by_kind.get(LedgerKind.PAY, zero), "withheld": by_kind.get(LedgerKind.WITHHOLD, zero),
           "awarded": by_kind.get(LedgerKind.AWARD, zero)}
    agg["balance"] = agg["allocated"] + agg["awarded"] - agg["withheld"] - agg["paid"]
    return agg


GROUPINGS = {
    "town": ("party_b__parent__code", "party_b__parent__name"),
    "county": ("party_b__parent__parent__code", "party_b__parent__parent__name"),
    "committee": ("party_b__code", "party_b__name"),
    "item": ("item__identity__key", "item__title"),
}
FUNDS = ("allocated", "paid", "withheld", "awarded")


# Grouping by the foreign key (not the code and name of the joined region) keeps the GROUP BY narrow and saves a
# join; the ≤ a few hundred group labels are read afterwards in one query on the primary key.
GROUP_IDS = {"town": "party_b__parent_id", "county": "party_b__parent__parent_id", "committee": "party_b_id"}
FUNDED = Q(funds_allocated__gt=0) | Q(funds_paid__gt=0) | Q(funds_withheld__gt=0) | Q(funds_awarded__gt=0)


def funds_rollup(user, *, year: int | None = None, group: str = "town", within: str = "") -> list[dict]:
    """Funds summed by town, county, committee (over the agreements' ledger sums) or item (over ledger lines).

    One GROUP BY query over what the user sees; balance = allocated + awarded − withheld − paid.
    """
    if group == "item":
        return _item_rollup(user, year=year, within=within)
    return funds_and_status(user, year=year, group=group, within=within)[0]


GROUP_LEVELS = {"town": "town", "county": "county", "committee": "village", "item": "town"}


def funds_and_status(user, *, year: int | None, group: str = "town", within: str = "") -> tuple[list[dict], list[dict]]:
    """The funds rollup and the signing-state counts of standard agreements, grouped alike.

    Returns (funds rows: groups with a funded agreement, status rows: groups with a standard agreement), each
    ordered by the group's code. ``group="item"`` counts states by town (items have no signing state).
    Read from the agreements' rollup rows (``agreements.rollups``, kept in every writing transaction) when the
    user's scope is whole nodes at or above the grouping's level — the province's table by county is a few
    indexed rows, not a pass over 20 000 agreements; a narrower scope (a village, a council) aggregates its few
    agreements directly. Both ways give the same rows (tested)."""
    nodes = _rollup_nodes(user, group, within)
    if nodes is None:
        return _funds_and_status(user, year=year, group=group, within=within)
    return _rows_from_rollups(nodes, year)


def _rollup_nodes(user, group: str, within: str):
    """The regions at the grouping's level whose every agreement the user sees (a queryset), or None when the
    scope does not cover whole such nodes (grants on a council or an organization, a scope or ``within`` below
    the level): then the rows are aggregated from the agreements."""
    from zhengshe.regions.choices import LEVEL_DEPTH
    from zhengshe.regions.models import Region

    scope = Scope.for_user(user)
    roles = roles_for_action(Agreement, "view")
    if scope.target_ids("organization", roles) or scope.target_ids("council", roles):
        return None
    level = GROUP_LEVELS.get(group, "town")
    paths = [] if scope.is_superuser else list(scope.region_paths(roles))
    bounds = paths + ([within] if within else [])
    if bounds and any(depth > LEVEL_DEPTH[level] for depth in Region.objects.filter(
            path__in=bounds).values_list("depth", flat=True)):
        return None
    nodes = Region.objects.filter(level=level)
    if not scope.is_superuser:
        if not paths:
            return Region.objects.none()
        q = Q(pk__in=[])
        for path in paths:
            q |= Q(path__under=path)
        nodes = nodes.filter(q)
    if within:
        nodes = nodes.filter(path__under=within)
    return nodes


def _rows_from_rollups(nodes, year) -> tuple[list[dict], list[dict]]:
    sums = rollups.read(nodes.values("path"), agreement_rollups.KEYS, year=year)
    if not sums:
        return [], []
    labels = {path: (code, name) for path, code, name in nodes.values_list("path", "code", "name").order_by()}
    funds, status = [], []
    for path in sorted(sums, key=lambda p: labels.get(p, ("", ""))[0]):
        r = sums[path]
        key, label = labels.get(path, ("", ""))
        money = {k: r[f"agreements.{k}"] for k in FUNDS}
        if r["agreements.funded"]:
            funds.append({"key": key, "label": label, **money, "agreements": int(r["agreements.funded"]),
                          "balance": money["allocated"] + money["awarded"] - money["withheld"] - money["paid"]})
        if r["agreements.standard"]:
            status.append({"key": key, "label": label, "total": int(r["agreements.standard"]),
                           "signed": int(r["agreements.standard_signed"]),
                           "drafting": int(r["agreements.standard_drafting"]),
                           "funding": r["agreements.standard_funding"]})
    return funds, status


def _funds_and_status(user, *, year, group, within) -> tuple[list[dict], list[dict]]:
    id_field = GROUP_IDS.get(group if group != "item" else "town", GROUP_IDS["town"])
    qs = Agreement.objects.restrict(user, "view")
    if year:
        qs = qs.filter(year=year)
    if within:
        qs = qs.filter(party_b__path__under=within)
    standard = Q(kind=AgreementKind.STANDARD)
    rows = list(qs.values(id_field).annotate(
        agreements=Count("id", filter=FUNDED), **{k: Coalesce(Sum(f"funds_{k}", filter=FUNDED), ZERO) for k in FUNDS},
        total=Count("id", filter=standard), signed=Count("id", filter=standard & Q(status__in=SIGNED_STATUSES)),
        drafting=Count("id", filter=standard & Q(status__in=[AgreementStatus.DRAFT, AgreementStatus.NEGOTIATING])),
        funding=Coalesce(Sum("total_funding", filter=standard), ZERO)).order_by())
    labels = _region_labels(r[id_field] for r in rows)
    rows.sort(key=lambda r: labels.get(r[id_field], ("", ""))[0])
    funds, status = [], []
    for r in rows:
        key, label = labels.get(r[id_field], ("", ""))
        if r["agreements"]:
            funds.append({"key": key, "label": label, **{k: r[k] for k in (*FUNDS, "agreements")},
                          "balance": r["allocated"] + r["awarded"] - r["withheld"] - r["paid"]})
        if r["total"]:
            status.append({"key": key, "label": label, **{k: r[k] for k in ("total", "signed", "drafting", "funding")}})
    return funds, status


def _region_labels(ids) -> dict:
    from zhengshe.regions.models import Region

    ids = {i for i in ids if i is not None}
    return {pk: (code, name) for pk, code, name in Region.objects.filter(pk__in=ids).values_list("pk", "code", "name")}


def _item_rollup(user, *, year, within) -> list[dict]:
    return funds_by_item(user, year=year, within=within)[0]


ITEM_KINDS = {LedgerKind.PAY: "paid", LedgerKind.WITHHOLD: "withheld", LedgerKind.AWARD: "awarded"}


def funds_by_item(user, *, year, within: str = "") -> tuple[list[dict], dict]:
    """Funds by item, adding up to each agreement's ledger to the fen, and the total row.

    Allocation lines name their item; payments, withholdings and awards are booked on the agreement, so each
    agreement's are split over its items in proportion to their allocation (largest remainder in fen,
    ``split_to_fen``). Money no item can carry (an allocation booked without an item, money of an agreement with
    nothing allocated to an item) is the 未分摊到事项 row. Items sort by number read naturally (2 before 10); the
    total row counts distinct agreements. One GROUP BY query over the ledger lines the user sees."""
    qs = LedgerEntry.objects.restrict(user, "view")
    if year:
        qs = qs.filter(agreement__year=year)
    if within:
        qs = qs.filter(agreement__party_b__path__under=within)
    per_agreement: dict[int, dict] = {}
    for agreement_id, item_id, key, title, kind, total in qs.values_list(
            "agreement_id", "item_id", "item__identity__key", "item__title", "kind").annotate(
            total=Sum("amount")).order_by():
        group = (key, title) if item_id else None
        money = per_agreement.setdefault(agreement_id, {}).setdefault(group, dict.fromkeys(FUNDS, Decimal("0")))
        if kind in (LedgerKind.ALLOCATE, LedgerKind.REDUCE):
            money["allocated"] += total if kind == LedgerKind.ALLOCATE else -total
        else:
            money[ITEM_KINDS[kind]] += total
    rows: dict = {}
    for agreement_id, groups in per_agreement.items():
        _spread_agreement_money(groups)
        for group, money in groups.items():
            if group is None and not any(money.values()):
                continue
            row = rows.setdefault(group, {"money": dict.fromkeys(FUNDS, Decimal("0")), "agreements": set()})
            row["agreements"].add(agreement_id)
            for k in FUNDS:
                row["money"][k] += money[k]
    result = [_item_row(group, row) for group, row in sorted(
        rows.items(), key=lambda kv: (kv[0] is None, natural_key(kv[0][0]) if kv[0] else (), kv[0] or ()))]
    totals = funds_totals(result)
    totals["agreements"] = len(per_agreement)
    return result, totals


def _spread_agreement_money(groups: dict) -> None:
    """Move the agreement-level paid / withheld / awarded (booked without an item) onto the items by allocation."""
    loose = groups.get(None)
    if loose is None:
        return
    bearers = [g for g, m in groups.items() if m["allocated"] > 0]
    if not bearers or bearers == [None]:
        return
    for k in ITEM_KINDS.values():
        amount, loose[k] = loose[k], Decimal("0")
        if amount:  # the bearers (the loose allocation among them) now carry it all
            for g, part in zip(bearers, split_to_fen(amount, [groups[g]["allocated"] for g in bearers]), strict=True):
                groups[g][k] += part


def _item_row(group, row) -> dict:
    money = row["money"]
    key, label = group if group is not None else ("", _("未分摊到事项"))
    return {"key": key, "label": label, **money, "agreements": len(row["agreements"]),
            "balance": money["allocated"] + money["awarded"] - money["withheld"] - money["paid"]}


def funds_totals(rows: list[dict]) -> dict:
    keys = ("allocated", "paid", "withheld", "awarded", "balance", "agreements")
    return {k: sum((r[k] for r in rows), Decimal("0") if k != "agreements" else 0) for k in keys}


def coverage(user, *, year: int, within: str = "") -> dict:
    """How many agreements of the year exist and how many are signed, by status (one query)."""
    qs = Agreement.objects.restrict(user).filter(year=year, kind=AgreementKind.STANDARD)
    if within:
        qs = qs.filter(party_b__path__under=within)
    return dict(qs.values_list("status").annotate(n=Count("id")).order_by())


def latest_progress_subquery():
    return ProgressReport.objects.filter(item=OuterRef("pk")).order_by("-created_at", "-id")


def items_with_progress(agreement, *, original: bool = True):
    """The agreement's items annotated with the latest progress status and note (two subqueries, one query).

    ``original``: only the items signed in the agreement itself (not those a supplementary agreement added).
    """
    latest = latest_progress_subquery()
    items = agreement.items.filter(added_by__isnull=True) if original else agreement.items.all()
    return (items.select_related("identity", "list_item")
            .annotate(progress_status=Subquery(latest.values("status")[:1]),
                      progress_note=Subquery(latest.values("note")[:1]),
                      progress_at=Subquery(latest.values("created_at")[:1]))
            .order_by("position", "id"))


# ---------------------------------------------------------------- evaluation sources


def _signed_in(region, year):
    return Agreement.objects.filter(year=year, kind=AgreementKind.STANDARD, party_b__path__under=region.path,
                                    status__in=SIGNED_STATUSES)


def _in_force(items):
    """Items still in force: not ended by a supplementary agreement in force (added ones are rows of their own)."""
    ended = AgreementItem.objects.filter(amendment_changes__kind="remove",
                                         amendment_changes__amendment__status=AmendmentStatus.IN_FORCE)
    return items.exclude(pk__in=ended.values("pk"))


def items_done_share(*, region, year, department="") -> Decimal | None:
    """Share of the committee's (or the subtree's) items in force (after signed amendments) whose latest report is done."""
    items = _in_force(AgreementItem.objects.filter(agreement__in=_signed_in(region, year), removed=False)).annotate(
        latest=Subquery(latest_progress_subquery().values("status")[:1]))
    agg = items.aggregate(total=Count("id"), done=Count("id", filter=Q(latest=ProgressStatus.DONE)))
    if not agg["total"]:
        return None
    return (Decimal(agg["done"]) / Decimal(agg["total"])).quantize(Decimal("0.0001"))


def items_done_share_batch(*, regions, year, department="", chunk: int = 5000) -> dict:
    """``items_done_share`` for many units at once: {region_id: share or None}.

    Committees (villages/communities) are grouped by party B in one GROUP BY per ``chunk`` of them, so
    a province-scale evaluation round asks a handful of queries instead of one per committee; any other
    region (a town, a county) is computed one by one, as there are few of them.
    """
    result = {}
    committees = [r for r in regions if r.level == "village"]
    for start in range(0, len(committees), chunk):
        ids = [r.pk for r in committees[start:start + chunk]]
        rows = (_in_force(AgreementItem.objects.filter(
            agreement__year=year, agreement__kind=AgreementKind.STANDARD, agreement__status__in=SIGNED_STATUSES,
            agreement__party_b_id__in=ids, removed=False))
            .annotate(latest=Subquery(latest_progress_subquery().values("status")[:1]))
            .values("agreement__party_b_id")
            .annotate(total=Count("id"), done=Count("id", filter=Q(latest=ProgressStatus.DONE))))
        for row in rows:
            if row["total"]:
                result[row["agreement__party_b_id"]] = (
                    Decimal(row["done"]) / Decimal(row["total"])).quantize(Decimal("0.0001"))
        for region_id in ids:
            result.setdefault(region_id, None)
    for region in regions:
        if region.level != "village":
            result[region.pk] = items_done_share(region=region, year=year, department=department)
    return result


def late_instalments(*, region, year, department="") -> int | None:
    """Instalments of the region's agreements of ``year`` paid after their due date (None: no agreements)."""
    agreements = _signed_in(region, year)
    if not agreements.exists():
        return None
    return Instalment.objects.filter(agreement__in=agreements, paid_on__isnull=False,
                                     paid_on__gt=F("due_date")).count()


def paid_share(*, region, year, department="") -> Decimal | None:
    """Paid ÷ allocated over the region's signed agreements of ``year`` (None when nothing was allocated)."""
    agg = LedgerEntry.objects.filter(agreement__in=_signed_in(region, year)).aggregate(
        allocated=_allocated(), paid=_sum(LedgerKind.PAY))
    if not agg["allocated"]:
        return None
    return (agg["paid"] / agg["allocated"]).quantize(Decimal("0.0001"))


# ---------------------------------------------------------------- revisions


def revision_diff(old: dict, new: dict) -> dict:
    """Field-level differences between two snapshots: header, clauses, items added/removed/changed."""
    from .choices import PROPOSABLE_FIELDS
    from .models import Agreement as A

    labels = {f.name: str(f.verbose_name) for f in A._meta.fields}
    item_labels = {f.name: str(f.verbose_name) for f in AgreementItem._meta.fields}
    item_labels.update({k: str(v) for k, v in PROPOSABLE_FIELDS.items() if k != "remove"})
    header = [{"field": labels.get(k, k), "old": old.get(k), "new": new.get(k)}
              for k in ("title", "term_start", "term_end", "total_funding") if old.get(k) != new.get(k)]
    clauses = [{"field": labels.get(k, k), "old": old["clauses"].get(k, ""), "new": v}
               for k, v in new.get("clauses", {}).items() if old.get("clauses", {}).get(k, "") != v]
    old_items = {i["key"]: i for i in old.get("items", [])}
    new_items = {i["key"]: i for i in new.get("items", [])}
    added = [new_items[k] for k in new_items if k not in old_items]
    removed = [old_items[k] for k in old_items if k not in new_items]
    changed = []
    for key, item in new_items.items():
        before = old_items.get(key)
        if before is None:
            continue
        fields = [{"field": item_labels.get(f, f), "old": before.get(f), "new": v}
                  for f, v in item.items() if f not in ("key",) and before.get(f) != v]
        if fields:
            changed.append({"number": item["number"], "title": item["title"], "fields": fields})
    return {"header": header, "clauses": clauses, "added": added, "removed": removed, "changed": changed,
            "same": not (header or clauses or added or removed or changed)}


def agreement_status_counts(user, year: int, group: str = "town"):
    """Agreements by signing state, grouped like the funds table (item → by town): one GROUP BY query."""
    return funds_and_status(user, year=year, group=group)[1]
