"""The terms in force: an agreement's items as its signed supplementary agreements (补充协议) left them.

The original agreement's items are never edited after signing. ``effective_items`` starts from them and applies
every in-force amendment in signing order (add an item, end an item, change an item's terms); the detail page,
the weights rule, the money in force, the evaluation sources and the amendment PDF all read through it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from zhengshe.utilities.dates import local_date

from .choices import AmendmentItemKind, AmendmentStatus
from .models import AgreementItem, AmendmentItem, ItemTerms

HUNDRED = Decimal("100")
# What an item line compares and prints (old → new): the terms plus the money.
TERM_FIELDS = [*ItemTerms.TERMS, "funding_amount"]


@dataclass
class EffectiveItem:
    """One item in force: its row (progress reports and ledger lines cite it), terms and which amendments shaped it."""

    item: AgreementItem | None  # None only for an item a draft amendment would add (a preview)
    number: str
    title: str
    category: str
    terms: dict
    added_by: object | None = None  # the Amendment that added it
    changed_by: list = field(default_factory=list)  # Amendments that changed it, in order
    ends_on: dt.date | None = None  # set when an amendment ends it later than ``as_of``
    position: int = 0
    CONDITIONS = ItemTerms.CONDITIONS  # noqa: RUF012  (for conditions_text)

    def __getattr__(self, name):  # item.weight, item.requirements … as on an AgreementItem
        terms = self.__dict__.get("terms", {})
        if name in terms:
            return terms[name]
        raise AttributeError(name)

    @property
    def pk(self):
        return self.item.pk if self.item is not None else None

    @property
    def is_amended(self) -> bool:
        return bool(self.added_by or self.changed_by or self.ends_on)

    def conditions_text(self) -> str:
        return ItemTerms.conditions_text(self)


def terms_of(obj) -> dict:
    """The terms and money of an item (row or effective item) as plain values."""
    return {name: getattr(obj, name) for name in TERM_FIELDS}


def terms_json(terms: dict) -> dict:
    """Terms as JSON-safe strings (for ``AmendmentItem.base`` and comparisons)."""
    return {k: (str(v) if isinstance(v, (Decimal, dt.date)) else v) for k, v in terms.items()}


def _from_row(row: AgreementItem) -> EffectiveItem:
    return EffectiveItem(item=row, number=row.number, title=row.title, category=row.category, terms=terms_of(row),
                         position=row.position)


def applied_amendments(agreement, *, as_of: dt.date | None = None, before=None):
    """In-force amendments of ``agreement`` in signing order (signed on or before ``as_of``; earlier than ``before``)."""
    qs = agreement.amendments.filter(status=AmendmentStatus.IN_FORCE).order_by("a_signed_at", "number")
    amendments = list(qs)
    if as_of is not None:
        amendments = [a for a in amendments if a.a_signed_at and local_date(a.a_signed_at) <= as_of]
    if before is not None:
        amendments = [a for a in amendments if a.pk != before.pk and (
            before.status != AmendmentStatus.IN_FORCE or (a.a_signed_at, a.number) < (before.a_signed_at, before.number))]
    return amendments


def effective_items(agreement, as_of: dt.date | None = None, *, before=None, including=None) -> list[EffectiveItem]:
    """The items in force on ``as_of`` (None: once every signed amendment took effect), original order first.

    ``before``: stop before this amendment (its "old" side). ``including``: also apply this (draft) amendment,
    to check what signing it would leave (weights, money).
    """
    amendments = applied_amendments(agreement, as_of=as_of, before=before)
    if including is not None and all(a.pk != including.pk for a in amendments):
        amendments.append(including)
    rows = list(agreement.items.filter(removed=False).select_related("added_by").order_by("position", "id"))
    current = {r.pk: _from_row(r) for r in rows if r.added_by_id is None}
    added_rows = {r.added_by_id: r for r in rows if r.added_by_id is not None}
    lines = AmendmentItem.objects.filter(amendment__in=[a.pk for a in amendments]).order_by("position", "id")
    by_amendment: dict[int, list] = {}
    for line in lines:
        by_amendment.setdefault(line.amendment_id, []).append(line)
    preview_key = 0
    for amendment in amendments:
        for line in by_amendment.get(amendment.pk, []):
            if line.kind == AmendmentItemKind.ADD:
                row = added_rows.get(line.pk)
                entry = _from_row(row) if row is not None else EffectiveItem(
                    item=None, number=line.number, title=line.title, category=line.category, terms=terms_of(line),
                    position=10**6 + line.position)
                entry.added_by = amendment
                preview_key -= 1
                current[row.pk if row is not None else preview_key] = entry
            elif line.item_id in current:
                entry = current[line.item_id]
                if line.kind == AmendmentItemKind.CHANGE:
                    entry.terms = terms_of(line)
                    entry.changed_by.append(amendment)
                elif as_of is None or (line.ends_on and line.ends_on <= as_of):
                    del current[line.item_id]
                else:
                    entry.ends_on = line.ends_on
                    entry.changed_by.append(amendment)
    return sorted(current.values(), key=lambda e: (e.added_by is not None, e.position, e.number))


def weight_total(items) -> Decimal:
    return sum((i.weight for i in items), Decimal("0"))


def funding_total(items) -> Decimal:
    return sum((i.funding_amount for i in items), Decimal("0"))


def _label(name: str) -> str:
    return str(AgreementItem._meta.get_field(name).verbose_name)


def _show(name: str, value) -> str:
    if value in (None, ""):
        return "—"
    if name == "funding_amount":
        return f"{Decimal(str(value)):,.2f}"
    if name == "weight":
        return f"{Decimal(str(value)).normalize():f}"
    return str(value)


def describe_line(line) -> dict:
    """One amendment line for pages and the PDF: kind, item, and the (label, old, new) of what it changes."""
    base = line.base or {}
    new = terms_json(terms_of(line))
    if line.kind == AmendmentItemKind.ADD:
        changes = [(_label(k), "—", _show(k, new[k])) for k in TERM_FIELDS if new.get(k) not in (None, "")]
    elif line.kind == AmendmentItemKind.CHANGE:
        changes = [(_label(k), _show(k, base.get(k)), _show(k, new[k])) for k in TERM_FIELDS if base.get(k) != new[k]]
    else:
        changes = [(_label("funding_amount"), _show("funding_amount", base.get("funding_amount")),
                    _show("funding_amount", new["funding_amount"])),
                   (_label("weight"), _show("weight", base.get("weight")), "—")]
    return {"line": line, "kind": line.get_kind_display(), "number": line.number, "title": line.title,
            "ends_on": line.ends_on, "reason": line.reason, "changes": changes, "funding_change": line.funding_change}


def addable_list_items(agreement, amendment):
    """List items (the published versions) a supplementary agreement may add: not yet in the agreement or amendment."""
    from zhengshe.catalog.interface import ListItem

    from .services import assisted_list_for

    kind = "assisted" if agreement.kind == "standard" else "council"
    lists = {getattr(agreement.template, "duty_list_id", None), getattr(assisted_list_for(agreement.party_a, kind),
                                                                       "pk", None)} - {None}
    taken = set(agreement.items.values_list("identity_id", flat=True)) | set(
        amendment.items.exclude(identity__isnull=True).values_list("identity_id", flat=True))
    return (ListItem.objects.filter(duty_list_id__in=lists).exclude(identity_id__in=taken)
            .select_related("duty_list").order_by("duty_list_id", "position", "number"))
