"""What other feature apps may use of agreements (协助管理协议): a committee's signed agreement of a year, and one
write — a money adjustment from another app's decision (an evaluation's award or withholding) entered into the
agreement's ledger. Everything else in agreements is internal (import contracts in pyproject.toml)."""

from __future__ import annotations

from .models import Agreement
from .selectors import agreement_for
from .services.funds import funds_adjust


def agreement_by_pk(pk) -> Agreement | None:
    """One agreement by id, unscoped: for a service that already checked its actor's standing on the caller's side."""
    return Agreement.objects.select_related("party_a", "party_b").filter(pk=pk).first() if pk else None


def community_agreement(region, year: int) -> dict:
    """The committee's agreement block on catalog's community page: the signed agreement of ``year`` and its items."""
    agreement = agreement_for(region, year)
    if agreement is None:
        return {"agreement": None, "items": [], "url": "/agreements/"}
    return {"agreement": agreement, "items": list(agreement.items.all()[:200]), "url": agreement.get_absolute_url()}


__all__ = ["Agreement", "agreement_by_pk", "agreement_for", "community_agreement", "funds_adjust"]
