"""Scoped reads of the organizations app, each in a bounded number of queries."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.core.scoping import Scope, get_scoped_or_404

from .choices import (
    GRADE_RANK,
    ApplicationStatus,
    Category,
    CreditList,
    Grade,
    OrgStatus,
    OrgType,
    RegistrationKind,
    RegistrationLevel,
    ReportStatus,
    RoundStatus,
)
from .models import AnnualReport, CreditEntry, GradeApplication, GradeRound, Organization

LIVE = [OrgStatus.ACTIVE, OrgStatus.SUSPENDED]


def organizations_for(user, action: str = "view"):
    """The organizations a user may see (or change)."""
    return Organization.objects.restrict(user, action)


def organization_for(user, pk, action: str = "view") -> Organization:
    return get_scoped_or_404(Organization.objects.select_related("region"), user, action, pk=pk)


def own_organizations(user) -> list[Organization]:
    """The organizations an organization user acts for."""
    ids = Scope.for_user(user).target_ids("organization", {"org_user"})
    return list(Organization.objects.filter(pk__in=ids).select_related("region"))


# ---------------------------------------------------------------- eligibility (used by the projects issue)


def active_credit_entries(org: Organization, day: date):
    return CreditEntry.objects.filter(organization=org, included_on__lte=day).filter(
        Q(removed_on__isnull=True) | Q(removed_on__gt=day))


def grades_in_force(day: date):
    """Confirmed grades whose validity covers ``day``, newest first (one rule for eligibility and statistics)."""
    return GradeApplication.objects.filter(status=ApplicationStatus.CONFIRMED, valid_from__lte=day,
                                           valid_to__gte=day).order_by("-valid_from", "-id")


def grade_on(org: Organization, day: date) -> GradeApplication | None:
    """The confirmed grade in force on ``day`` (the newest if validity periods overlap)."""
    return grades_in_force(day).filter(organization=org).first()


def missing_report_year(org: Organization, day: date) -> int | None:
    """The last year whose report was due by ``day`` and is missing (registered organizations only)."""
    if org.registration_kind != RegistrationKind.REGISTERED:
        return None
    year = day.year - 1 if day > date(day.year, 5, 31) else day.year - 2
    if org.registered_on and org.registered_on > date(year, 12, 31):
        return None
    ok = AnnualReport.objects.filter(organization=org, year=year,
                                     status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED]).exists()
    return None if ok else year


def eligibility(org: Organization, *, min_grade: str = "3A", on_date: date | None = None) -> tuple[bool, list[str]]:
    """Whether ``org`` may take part (e.g. in purchase projects) on ``on_date``, and every reason why not.

    Conditions: status active; a grade in force of at least ``min_grade`` (None/"" = no grade needed);
    not on the abnormal-activity or serious-dishonesty list; the last due annual report not missing.
    """
    day = on_date or timezone.localdate()
    reasons: list[str] = []
    if org.status != OrgStatus.ACTIVE:
        reasons.append(_("组织状态为“%s”") % org.get_status_display())
    if min_grade:
        held = grade_on(org, day)
        if held is None:
            reasons.append(_("无有效评估等级（要求 %s 及以上）") % min_grade)
        elif GRADE_RANK[held.decided_grade] < GRADE_RANK[min_grade]:
            reasons.append(_("评估等级 %(g)s 低于要求的 %(m)s") % {"g": held.decided_grade, "m": min_grade})
    for entry in active_credit_entries(org, day):
        reasons.append(_("%(l)s（%(d)s 列入：%(r)s）") % {"l": entry.get_list_kind_display(), "d": entry.included_on,
                                                     "r": entry.get_reason_display()})
    year = missing_report_year(org, day)
    if year is not None:
        reasons.append(_("%d 年度报告未报送") % year)
    return (not reasons, reasons)


def credit_status(org: Organization, day: date | None = None) -> str:
    """A one-line public credit status."""
    day = day or timezone.localdate()
    kinds = set(active_credit_entries(org, day).values_list("list_kind", flat=True))
    if CreditList.SERIOUS in kinds:
        return _("列入严重违法失信名单")
    if CreditList.ABNORMAL in kinds:
        return _("列入活动异常名录")
    return _("正常")


def credit_kinds_by_org(org_ids, day: date | None = None) -> dict[int, set]:
    """Active list kinds per organization, one query for a whole page."""
    day = day or timezone.localdate()
    rows = CreditEntry.objects.filter(organization_id__in=list(org_ids), included_on__lte=day).filter(
        Q(removed_on__isnull=True) | Q(removed_on__gt=day)).values_list("organization_id", "list_kind")
    result: dict[int, set] = {}
    for org_id, kind in rows:
        result.setdefault(org_id, set()).add(kind)
    return result


def open_rounds_for(org: Organization):
    """Rounds in declaration covering the organization's region."""
    from zhengshe.core.scoping import ancestor_paths

    return GradeRound.objects.filter(status=RoundStatus.DECLARING,
                                     region__path__in=ancestor_paths(org.region.path)).select_related("region")


# ---------------------------------------------------------------- statistics


def _ratio(count: int, population: int) -> Decimal | None:
    if not population:
        return None
    return (Decimal(count) * 10000 / Decimal(population)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def subtree_organizations(region):
    """Organizations based in ``region``'s subtree: region ids first (an indexed look-up per id after)."""
    from zhengshe.regions.models import Region

    return Organization.objects.filter(region__in=Region.objects.filter(path__under=region.path).values("id"))


def statistics(region, *, on_date: date | None = None) -> dict:
    """Counts over ``region``'s subtree, computed in the database (no cache: every worker, every user, the same).

    Live organizations (active or suspended) are counted. Two GROUP BY queries do the work whatever the
    size: one over (child region, type, category, level, kind, grade in force), one over the year of
    registration. Returns totals by type, category, level and registration kind; the grade distribution;
    growth per year; and one row per child region (plus the region itself for organizations based at its
    level) with the per-10 000 ratio and the share of the total.
    """
    day = on_date or timezone.localdate()
    return {**_compute_statistics(region, day), "region": region}


def _compute_statistics(region, day: date) -> dict:
    from django.db.models import CharField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    from zhengshe.regions.selectors import children_with_totals, population_basis, totals

    base = subtree_organizations(region).filter(status__in=LIVE)
    children = children_with_totals(region)
    length = max((len(c.path) for c in children), default=len(region.path))
    # The grade in force on ``day`` as the eligibility check reads it: a confirmed grade whose validity has begun
    # (one announced in December counts from 1 January) and not ended — never the organization's latest grade.
    in_force = Coalesce(Subquery(grades_in_force(day).filter(organization=OuterRef("pk")).values("decided_grade")[:1]),
                        Value(""), output_field=CharField())
    rows = list(base.annotate(child=Substr("region__path", 1, length), held=in_force).values(
        "child", "org_type", "category", "registration_level", "registration_kind", "held").annotate(n=Count("id")))
    total = sum(r["n"] for r in rows)

    def grouped(field, choices):
        counts: dict = {}
        for r in rows:
            counts[r[field]] = counts.get(r[field], 0) + r["n"]
        return [{"key": k, "label": str(label), "count": counts.get(k, 0), "share": _share(counts.get(k, 0), total)}
                for k, label in choices]

    grades = grouped("held", Grade.choices)
    years = list(base.annotate(y=ExtractYear("registered_on")).values("y").annotate(n=Count("id")).order_by("y"))
    growth, running = [], sum(r["n"] for r in years if r["y"] is None)
    for row in (r for r in years if r["y"] is not None):
        previous = running
        running += row["n"]
        growth.append({"year": row["y"], "new": row["n"], "cumulative": running,
                       "rate": _share(row["n"], previous) if previous else None})
    kinds = grouped("registration_kind", RegistrationKind.choices)
    basis = population_basis(region, totals(region.path)["population"])
    population = basis["value"]
    return {
        "population_basis": basis,
        "on_date": day,
        "computed_at": timezone.localtime(),
        "total": total,
        "population": population,
        "per_10k": _ratio(total, population),
        "registered": next(k["count"] for k in kinds if k["key"] == RegistrationKind.REGISTERED),
        "filed": next(k["count"] for k in kinds if k["key"] == RegistrationKind.FILED),
        "by_type": grouped("org_type", OrgType.choices),
        "by_category": [c for c in grouped("category", Category.choices) if c["count"]],
        "by_level": grouped("registration_level", RegistrationLevel.choices),
        "by_kind": kinds,
        "grades": grades,
        "graded_3a": sum(g["count"] for g in grades if g["key"] in ("3A", "4A", "5A")),
        "county_registered": next(k["count"] for k in grouped("registration_level", RegistrationLevel.choices)
                                  if k["key"] == RegistrationLevel.COUNTY),
        "growth": growth[-15:],
        "children": _children_rows(region, rows, total, children),
    }


def _children_rows(region, rows, total, children) -> list[dict]:
    """Per child region: organizations, registered/filed, both populations, per 10 000 and share (seeds' tables)."""
    from zhengshe.regions.selectors import population_basis

    counts: dict[str, dict] = {}
    for r in rows:
        c = counts.setdefault(r["child"], {"n": 0, "filed": 0, "top": 0, "county": 0})
        c["n"] += r["n"]
        c["county"] += r["n"] if r["registration_level"] == RegistrationLevel.COUNTY else 0
        c["filed"] += r["n"] if r["registration_kind"] == RegistrationKind.FILED else 0
        c["top"] += r["n"] if r["held"] in ("3A", "4A", "5A") else 0
    # Shares among county-level registrations only (舟山: each district's part of what the districts register),
    # beside each row's share of the total.
    county_total = sum(c["county"] for c in counts.values())
    result = []
    own = counts.get(region.path)
    if own and own["n"]:
        result.append({"region": None, "name": _("%s本级") % region.name, "code": region.code, "count": own["n"],
                       "filed": own["filed"], "registered": own["n"] - own["filed"], "top": own["top"],
                       "population": None, "recorded": None, "summed": None, "basis": None, "per_10k": None,
                       "share": _share(own["n"], total), "county": own["county"],
                       "county_share": _share(own["county"], county_total)})
    for child in children:
        c = counts.get(child.path, {"n": 0, "filed": 0, "top": 0, "county": 0})
        basis = population_basis(child, child.summed_population)
        result.append({"region": child, "name": child.name, "code": child.code, "count": c["n"],
                       "filed": c["filed"], "registered": c["n"] - c["filed"], "top": c["top"],
                       "population": basis["value"], "recorded": child.population, "summed": child.summed_population,
                       "basis": basis["source"], "per_10k": _ratio(c["n"], basis["value"]),
                       "share": _share(c["n"], total), "county": c["county"],
                       "county_share": _share(c["county"], county_total)})
    return result


def statistics_export_rows(stats: dict) -> tuple[list[str], list[list]]:
    basis = stats["population_basis"]
    headers = [_("区划"), _("代码"), _("社会组织数"), _("登记"), _("备案"), _("3A 及以上"), _("统计人口"),
               _("下辖村社人口合计"), _("每万人拥有数（按%s）") % basis["label"], _("占比（%）"), _("县级登记"),
               _("占县级登记（%）")]
    rows = [[r["name"], r["code"], r["count"], r["registered"], r["filed"], r["top"], r["recorded"], r["summed"],
             r["per_10k"], r["share"], r["county"], r["county_share"]] for r in stats["children"]]
    rows.append([_("合计"), stats["region"].code, stats["total"], stats["registered"], stats["filed"],
                 stats["graded_3a"], basis["recorded"], basis["summed"], stats["per_10k"],
                 100 if stats["total"] else None, stats["county_registered"],
                 100 if stats["county_registered"] else None])
    return headers, rows
