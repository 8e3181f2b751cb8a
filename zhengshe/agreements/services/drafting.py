"""Drafting: one agreement per committee (and council) of a town from its template, as a background job."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.accounts.roles import Role
from zhengshe.audit.services import record_event
from zhengshe.core.errors import ServiceError
from zhengshe.utilities.money import to_yuan

from ..choices import (
    AgreementKind,
)
from ..models import (
    Agreement,
    AgreementItem,
    AgreementRevision,
    DraftingJob,
    ResidentsCouncil,
)
from ..workflows import JOB_FLOW
from ._common import _require_roles, funding_for, snapshot
from .templates import instalment_plan_problem, template_weight_problem


def drafting_parties(template) -> list[tuple]:
    """(party B region, council or None) for every committee (or council) the template drafts for, in code order."""
    from zhengshe.regions.models import Region

    if template.kind == AgreementKind.COUNCIL:
        return [(c.region, c) for c in ResidentsCouncil.objects.filter(region=template.region, is_active=True)
                .select_related("region").order_by("name")]
    villages = Region.objects.filter(parent=template.region, level="village", is_active=True).order_by("code")
    return [(v, None) for v in villages]


def drafting_start(*, actor, template) -> DraftingJob:
    """Queue the bulk drafting of ``template`` as a background job; the page polls the returned job row."""
    _require_roles(actor, template, {Role.TOWN_STAFF, Role.DISTRICT_ADMIN, Role.VILLAGE_STAFF})
    problem = template_weight_problem(template) or instalment_plan_problem(template.instalment_plan, template)
    if problem:
        raise ServiceError(problem)
    from ..tasks import run_drafting_job

    with transaction.atomic():
        job = DraftingJob.objects.create(template=template, region=template.region, year=template.year,
                                         requested_by=actor, total=len(drafting_parties(template)))
        record_event("agreement.bulk_draft_requested", job, after={"template": template.pk, "total": job.total})
    run_drafting_job.enqueue(job.pk)
    job.refresh_from_db()
    return job


def drafting_run(job_id: int) -> DraftingJob:
    """Draft one agreement per committee; skip those that exist (idempotent); progress saved per chunk."""
    from zhengshe.core.context import acting_as

    job = DraftingJob.objects.select_related("template__region", "requested_by").get(pk=job_id)
    if job.finished:
        return job
    with acting_as(job.requested_by, source="job"):
        try:
            _drafting_loop(job)
        except Exception as exc:  # the job row must say what went wrong; the page shows it
            problem = f"{_('起草失败：')}{exc}"

            def failed(obj):
                obj.message = f"{obj.message}\n{problem}".strip()
                obj.finished_at = timezone.now()

            JOB_FLOW.transition(job, "fail", actor=job.requested_by, internal=True, before_save=failed)
            raise
    return job


def _drafting_loop(job) -> None:
    template = job.template
    parties = drafting_parties(template)
    existing = set(Agreement.objects.filter(party_a=template.region, year=template.year, kind=template.kind)
                   .values_list("party_b_id", "council_id"))
    titems = list(template.items.select_related("list_item__identity").order_by("position", "id"))

    def started(obj):
        obj.total, obj.started_at, obj.done = len(parties), timezone.now(), 0

    job = JOB_FLOW.transition(job, "start", actor=job.requested_by, internal=True, before_save=started)
    warnings = []
    for start in range(0, len(parties), 25):
        with transaction.atomic():
            for seq, (region, council) in enumerate(parties[start:start + 25], start=start + 1):
                if (region.pk, council.pk if council else None) in existing:
                    job.skipped_count += 1
                    continue
                if not region.households or not region.population:
                    warnings.append(_("%(name)s 缺少户数或人口，按人头/户数计算的经费为 0，请补录后在协商中调整。")
                                    % {"name": region.name})
                try:
                    with transaction.atomic():
                        _draft_one(template, region, council, titems, seq, job.requested_by)
                    job.created_count += 1
                except IntegrityError:  # drafted meanwhile by a concurrent run
                    job.skipped_count += 1
            job.done = min(job.total, start + 25)
            job.save(update_fields=["done", "created_count", "skipped_count", "updated_at"])

    def finished(obj):
        obj.finished_at, obj.message = timezone.now(), "\n".join(warnings)
        obj.done, obj.created_count, obj.skipped_count = job.done, job.created_count, job.skipped_count

    job = JOB_FLOW.transition(job, "finish", actor=job.requested_by, internal=True, before_save=finished)
    record_event("agreement.bulk_drafted", job, after={"created": job.created_count, "skipped": job.skipped_count})


def _draft_one(template, region, council, titems, seq: int, actor) -> Agreement:
    party_b_name = council.name if council else f"{region.name}{'居民委员会' if region.is_community else '村民委员会'}"
    agreement = Agreement(
        kind=template.kind, template=template, year=template.year, title=template.title,
        number=f"{template.number_prefix}〔{template.year}〕{seq}号" if template.number_prefix else "",
        term_start=template.term_start, term_end=template.term_end, party_a=template.region,
        party_a_name=template.party_a_name, party_a_department=template.party_a_department, party_b=region,
        council=council, party_b_name=party_b_name, b_signs_first=template.b_signs_first,
        households_basis=region.households, population_basis=region.population, created_by=actor,
        **{name: getattr(template, name) for name in Agreement.CLAUSES})
    items = []
    for ti in titems:
        li = ti.list_item
        basis, standard, quantity, amount = funding_for(li, region)
        items.append(AgreementItem(
            list_item=li, identity=li.identity, position=ti.position, number=li.number, category=li.category,
            title=li.title, funding_basis=basis, funding_standard=standard, funding_quantity=quantity,
            funding_amount=amount, **{name: getattr(ti, name) for name in AgreementItem.TERMS}))
    agreement.total_funding = to_yuan(sum((i.funding_amount for i in items), Decimal("0")))
    agreement.save()
    for item in items:
        item.agreement = agreement
    # One typed event per agreement lists its items (bulk insert skips the per-row change log).
    AgreementItem.objects.bulk_create(items)
    AgreementRevision.objects.create(agreement=agreement, number=1, snapshot=snapshot(agreement),
                                     note=_("批量起草"), author=actor)
    record_event("agreement.drafted", agreement, after={
        "items": [{"number": i.number, "funding_amount": str(i.funding_amount), "weight": str(i.weight)}
                  for i in items], "total_funding": str(agreement.total_funding)})
    return agreement
