"""Agreements and their money as rollup rows (``core.rollups``), per node of the region tree and year: how many
agreements, how many signed, and the money allocated, paid, withheld and awarded (the agreement's ledger sums,
which every ledger service rewrites with ``_refresh_funds``). Moved by the Agreement model's saves (signals) and
bulk writes (its queryset), in the writing transaction; keyed under party B's region and the agreement's year."""

from django.db.models.signals import post_delete, post_save, pre_save

from zhengshe.core import rollups

from .choices import SIGNED_STATUSES

FUNDS_KEYS = ("agreements.allocated", "agreements.paid", "agreements.withheld", "agreements.awarded")
STANDARD_KEYS = ("agreements.standard", "agreements.standard_signed", "agreements.standard_drafting",
                 "agreements.standard_funding")
KEYS = ("agreements.count", "agreements.signed", "agreements.funded", *FUNDS_KEYS, *STANDARD_KEYS)
FIELDS = ("party_b__path", "year", "status", "kind", "total_funding", "funds_allocated", "funds_paid",
          "funds_withheld", "funds_awarded")


def contribution(path, year, status, kind, total_funding, allocated, paid, withheld, awarded) -> dict:
    """One agreement's part of the totals of its party B's node and year: counts, ledger sums, and for standard
    (town ↔ committee) agreements the signing state and the funding written in the agreement."""
    from .choices import AgreementKind, AgreementStatus

    if not path:
        return {}
    funded = any(v and v > 0 for v in (allocated, paid, withheld, awarded))
    standard = kind == AgreementKind.STANDARD
    values = {"agreements.count": 1, "agreements.signed": 1 if status in SIGNED_STATUSES else 0,
              "agreements.funded": 1 if funded else 0, "agreements.allocated": allocated, "agreements.paid": paid,
              "agreements.withheld": withheld, "agreements.awarded": awarded}
    if standard:
        values.update({
            "agreements.standard": 1, "agreements.standard_signed": 1 if status in SIGNED_STATUSES else 0,
            "agreements.standard_drafting": 1 if status in (AgreementStatus.DRAFT, AgreementStatus.NEGOTIATING) else 0,
            "agreements.standard_funding": total_funding or 0})
    return {(path, year, key): value for key, value in values.items()}


def of(agreement) -> dict:
    from zhengshe.regions.models import Region

    path = Region.objects.filter(pk=agreement.party_b_id).values_list("path", flat=True).first() \
        if "party_b" not in agreement._state.fields_cache else agreement.party_b.path
    return contribution(path, agreement.year, agreement.status, agreement.kind, agreement.total_funding,
                        agreement.funds_allocated, agreement.funds_paid, agreement.funds_withheld,
                        agreement.funds_awarded)


def rows_contribution(queryset) -> dict:
    found: dict = {}
    for row in queryset.values_list(*FIELDS).iterator(chunk_size=5000):
        for key, value in contribution(*row).items():
            found[key] = found.get(key, 0) + value
    return found


def leaves() -> dict:
    from .models import Agreement

    return rows_contribution(Agreement._base_manager.all())


def _before(sender, instance, raw=False, **kwargs):
    instance._rollup_before = {}
    if raw or instance.pk is None or instance._state.adding:
        return
    instance._rollup_before = rows_contribution(sender._base_manager.filter(pk=instance.pk))


def _after(sender, instance, raw=False, **kwargs):
    if not raw:
        rollups.apply(rollups.diff(getattr(instance, "_rollup_before", {}), of(instance)))


def _deleted(sender, instance, **kwargs):
    rollups.apply(rollups.diff(of(instance), {}))


def connect():
    from .models import Agreement

    rollups.register("agreements", keys=KEYS, leaves=leaves)
    pre_save.connect(_before, sender=Agreement, dispatch_uid="agreement_rollup_before")
    post_save.connect(_after, sender=Agreement, dispatch_uid="agreement_rollup_after")
    post_delete.connect(_deleted, sender=Agreement, dispatch_uid="agreement_rollup_deleted")
