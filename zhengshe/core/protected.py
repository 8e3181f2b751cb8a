"""Protected personal data (STANDARDS §4.7 and §4.10): one field type for every app.

A model declares a protected value and, when it is looked up by value, its blind index beside it::

    contact_phone = ProtectedField(_("联系电话"), kind="phone", max_length=20, blank=True)
    contact_phone_index = BlindIndexField(source="contact_phone")

- In Python the attribute holds the plain value; in the database the column holds ``zs1:<key id>:<base64url>``
  (SM4-GCM, a fresh nonce per write, ``zhengshe.utilities.crypto``). Querying it by value is refused
  (``FieldError``): look it up with :func:`protected_q`, which compares the blind index under every key of the ring.
- ``kind`` says how the value is checked, normalised for its index and masked: ``phone`` (mobile or fixed line,
  138****5678), ``mobile``, ``id_number`` (GB 11643, 320***********1234) or ``text`` (******).
- The audit trail never sees the plain value: the change log writes :meth:`ProtectedField.mask` of it (and a change
  that keeps the same mask is still written), domain events mask the field's name in their before/after, and the
  blind index is left out.
- Who may see a value in full is the model's ``reveal`` action (``scope_roles["reveal"]``, default
  ``ACTION_ROLES["reveal"]``): :func:`may_reveal`; every reveal is an audit event (:func:`record_reveal`).
- ``zhengshe datakey status|rotate|reencrypt|retire`` walks every protected field of every model (:func:`fields`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.apps import apps
from django.core import checks, validators
from django.core.exceptions import FieldError
from django.db import models
from django.db.models import Q

from zhengshe.utilities import crypto, identifiers, masking


@dataclass(frozen=True)
class Kind:
    mask: Callable[[str], str]
    normalize: Callable[[str], str]
    validators: tuple = field(default=())


def _strip(value: str) -> str:
    return (value or "").strip()


KINDS: dict[str, Kind] = {
    "phone": Kind(masking.mask_phone, identifiers.normalize_phone, (identifiers.validate_phone,)),
    "mobile": Kind(masking.mask_phone, identifiers.normalize_phone, (identifiers.validate_mobile,)),
    "id_number": Kind(masking.mask_id_number, lambda v: _strip(v).upper(), (identifiers.validate_resident_id,)),
    "text": Kind(masking.mask_secret, _strip),
}


class ProtectedField(models.TextField):
    """A personal value encrypted at rest with SM4-GCM, masked by default (see the module's docstring)."""

    protected = True
    description = "Protected personal data (SM4-GCM)"

    def __init__(self, *args, kind: str = "text", purpose: str = "", **kwargs):
        if kind not in KINDS:
            raise ValueError(f"unknown protected kind {kind!r}; one of {sorted(KINDS)}")
        self.kind = kind
        self._purpose = purpose
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        if self._purpose:
            kwargs["purpose"] = self._purpose
        return name, path, args, kwargs

    @property
    def purpose(self) -> str:
        """Bound into each ciphertext and blind index: ``app_label.model.field`` unless given (keep it on a rename)."""
        return self._purpose or f"{self.model._meta.label_lower}.{self.name}"

    @property
    def spec(self) -> Kind:
        return KINDS[self.kind]

    @property
    def validators(self):
        extra = list(self.spec.validators)
        if self.max_length:
            extra.append(validators.MaxLengthValidator(self.max_length))
        return [*super().validators, *extra]

    def mask(self, value) -> str:
        return self.spec.mask(value) if value else ""

    def normalize(self, value) -> str:
        return self.spec.normalize(value) if value else ""

    # ---- database round trip
    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return crypto.decrypt(value, self.purpose)

    def to_python(self, value):
        if crypto.is_ciphertext(value):  # loaddata of a dumpdata file
            return crypto.decrypt(value, self.purpose)
        return super().to_python(value)

    def get_db_prep_save(self, value, connection):
        if value is None or hasattr(value, "resolve_expression"):
            return value
        value = self.to_python(value)
        return crypto.encrypt(value, self.purpose) if value else ""

    def get_prep_value(self, value):
        """Only look-ups come here (saving goes through get_db_prep_save): the empty value may be compared."""
        if value in (None, "") or hasattr(value, "resolve_expression"):
            return value
        raise FieldError(f"{self.purpose} 是受保护字段，不能按明文查询：请用 zhengshe.core.protected.protected_q。")

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return crypto.encrypt(value, self.purpose) if value else ""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": forms.CharField, "widget": forms.TextInput, **kwargs})

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.db_index or self.unique:
            errors.append(checks.Error("a ProtectedField cannot be indexed or unique (its ciphertext changes on each "
                                       "write): add a BlindIndexField", obj=self, id="zhengshe.E101"))
        return errors


class BlindIndexField(models.CharField):
    """HMAC-SM3 of the normalised value of ``source`` (a ProtectedField), kept by every save and bulk_create."""

    blind_index = True

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 44)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, value in (("max_length", 44), ("db_index", True), ("blank", True), ("editable", False),
                           ("default", "")):
            if kwargs.get(key) == value:
                kwargs.pop(key)
        return name, path, args, kwargs

    @property
    def source_field(self) -> ProtectedField:
        return self.model._meta.get_field(self.source)

    def compute(self, plain) -> str:
        source = self.source_field
        normalized = source.normalize(plain)
        return crypto.blind_index(normalized, source.purpose) if normalized else ""

    def pre_save(self, model_instance, add):
        value = self.compute(getattr(model_instance, self.source_field.attname))
        setattr(model_instance, self.attname, value)
        return value

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        try:
            source = self.model._meta.get_field(self.source)
        except Exception:  # noqa: BLE001 - reported as a check error
            source = None
        if not isinstance(source, ProtectedField):
            errors.append(checks.Error(f"BlindIndexField.source {self.source!r} is not a ProtectedField of the model",
                                       obj=self, id="zhengshe.E102"))
        return errors


# ---------------------------------------------------------------- reading and showing


def protected_fields(model) -> list[ProtectedField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, ProtectedField)]


def index_field(model, name: str) -> BlindIndexField | None:
    return next((f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField) and f.source == name), None)


def fields() -> list[tuple[type[models.Model], ProtectedField, BlindIndexField | None]]:
    """Every protected field of every installed model, with its blind index (for the key commands)."""
    found = []
    for model in apps.get_models():
        for f in protected_fields(model):
            found.append((model, f, index_field(model, f.name)))
    return found


def protected_q(model, name: str, value: str) -> Q:
    """Rows whose protected ``name`` equals ``value`` (normalised), by its blind index — nothing decrypted."""
    source = model._meta.get_field(name)
    index = index_field(model, name)
    if index is None:
        raise FieldError(f"{source.purpose} 没有 BlindIndexField，不能按值查找。")
    normalized = source.normalize(value)
    if not normalized:
        return Q(pk__in=[])
    return Q(**{f"{index.attname}__in": crypto.blind_indexes(normalized, source.purpose)})


def looks_like(model, name: str, value: str) -> bool:
    """Whether ``value`` passes the field's own checks (a search box tries a look-up only then)."""
    source = model._meta.get_field(name)
    try:
        for validate in source.spec.validators:
            validate(source.normalize(value))
    except Exception:  # noqa: BLE001 - ValidationError: not such a value
        return False
    return bool(source.normalize(value))


def masked(obj, name: str) -> str:
    return obj._meta.get_field(name).mask(getattr(obj, name))


def mask_values(model, values):
    """A before/after dict with the model's protected fields masked (for domain events' JSON)."""
    if not isinstance(values, dict) or model is None:
        return values
    names = {f.name: f for f in protected_fields(model)}
    hidden = {f.name for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)}
    return {k: (names[k].mask(v) if k in names and isinstance(v, str) else v) for k, v in values.items()
            if k not in hidden}


def may_reveal(user, obj) -> bool:
    """Whether ``user`` may see ``obj``'s protected values in full: a role of the model's ``reveal`` action over it."""
    from .scoping import Scope, roles_for_action, user_roles_on

    if Scope.for_user(user).is_superuser:
        return True
    return bool(user_roles_on(user, obj) & roles_for_action(obj._meta.model, "reveal"))


def shown(user, obj, name: str, *, revealed: bool = False) -> str:
    """The value as a page or export shows it: the mask, unless revealed to a user who may see it in full."""
    value = getattr(obj, name)
    return value if revealed and may_reveal(user, obj) else masked(obj, name)


def record_reveal(obj, name: str, *, reason: str = "", user=None, action: str = "personal_data.reveal"):
    """The audit event of one reveal: who saw which field of which object in full, and why (never the value)."""
    from .events import record_event

    return record_event(action, obj, user=user,
                        after={"field": name, "masked": masked(obj, name), "reason": (reason or "")[:200]})


# ---------------------------------------------------------------- migrations and key rotation


def encrypt_existing(historical_model, name: str, *, batch_size: int = 500) -> int:
    """Encrypt the plain values an existing column still holds (a data migration after turning it protected).

    Reads the raw column (nothing to decrypt yet), writes ciphertext and the blind index in batches; values already
    encrypted are left alone. Returns how many rows were encrypted.
    """
    from django.db import connections, router

    model = historical_model
    source = model._meta.get_field(name)
    index = index_field(model, name)
    alias = router.db_for_write(model)
    connection = connections[alias]
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {qn(model._meta.pk.column)}, {qn(source.column)} FROM {qn(model._meta.db_table)} "
                       f"WHERE {qn(source.column)} IS NOT NULL AND {qn(source.column)} <> ''")
        plain = [(pk, value) for pk, value in cursor.fetchall() if not crypto.is_ciphertext(value)]
    done = 0
    for start in range(0, len(plain), batch_size):
        batch = []
        for pk, value in plain[start:start + batch_size]:
            row = model(pk=pk)
            setattr(row, source.attname, value)
            if index is not None:
                setattr(row, index.attname, index.compute(value))
            batch.append(row)
        model._base_manager.using(alias).bulk_update(batch, [source.name] + ([index.name] if index else []))
        done += len(batch)
    return done


def decrypt_existing(historical_model, name: str) -> int:
    """The reverse of :func:`encrypt_existing` (migrating back): the column gets its plain values again."""
    from django.db import connections, router

    model = historical_model
    source = model._meta.get_field(name)
    connection = connections[router.db_for_write(model)]
    qn = connection.ops.quote_name
    rows = list(model._base_manager.exclude(**{source.name: ""}).values_list("pk", source.name))
    with connection.cursor() as cursor:
        for pk, value in rows:
            cursor.execute(f"UPDATE {qn(model._meta.db_table)} SET {qn(source.column)} = %s "
                           f"WHERE {qn(model._meta.pk.column)} = %s", [value, pk])
    return len(rows)


def _raw(name: str):
    """The stored column itself (the ciphertext), not decrypted: for counting and filtering by key."""
    return models.ExpressionWrapper(models.F(name), output_field=models.TextField())


def key_usage() -> dict[str, dict[str, int]]:
    """{purpose: {key id (or "plain" for a value not yet encrypted): rows}} over every protected field."""
    from django.db.models import Count
    from django.db.models.functions import Substr

    usage = {}
    for model, source, _index in fields():
        rows = (model._base_manager.alias(raw=_raw(source.name)).exclude(raw="").exclude(raw__isnull=True)
                .annotate(head=Substr("raw", 1, 4 + 8 + 1), kid=Substr("raw", 5, 8)).values("head", "kid")
                .annotate(n=Count("pk")).order_by())
        counts: dict[str, int] = {}
        for row in rows:
            key = row["kid"] if crypto.is_ciphertext(row["head"] + "x") else "plain"
            counts[key] = counts.get(key, 0) + row["n"]
        usage[source.purpose] = counts
    return usage


def reencrypt(*, batch_size: int = 500, progress=None) -> dict[str, int]:
    """Re-encrypt, batch by batch, every protected value not under the ring's current key (and write its index
    under that key). Each batch is one transaction with its rows locked, so a concurrent edit is never lost."""
    from django.db import transaction

    current = crypto.keyring().current.id
    done: dict[str, int] = {}
    for model, source, index in fields():
        pending = (model._base_manager.alias(raw=_raw(source.name)).filter(raw__startswith=f"{crypto.VERSION}:")
                   .exclude(raw__startswith=f"{crypto.VERSION}:{current}:").order_by("pk"))
        names = [source.name] + ([index.name] if index else [])
        last, count = None, 0
        while True:
            with transaction.atomic():
                page = pending if last is None else pending.filter(pk__gt=last)
                batch = list(page.select_for_update().only("pk", *names)[:batch_size])
                if not batch:
                    break
                for row in batch:
                    if index is not None:
                        setattr(row, index.attname, index.compute(getattr(row, source.attname)))
                model._base_manager.bulk_update(batch, names)
            last, count = batch[-1].pk, count + len(batch)
            if progress:
                progress(source.purpose, count)
        done[source.purpose] = count
    return done
