"""Version tokens: caches that are never stale.

A version token is a one-row table (``VersionToken``) whose random token every write to the rows it covers
replaces *in the writer's own transaction*. Results computed from those rows are cached under the token
(``cached_under``), so a reader never gets a result older than the rows it could read: a committed write
gives a new token; a rolled-back write restores the old one with the old rows; and a random token (not a
counter) means a rolled-back and a later write never share one.

Rows declare what they renew by inheriting ``RenewsVersion`` and naming ``version_model``: every ``save``
and ``delete``, and every bulk write through their manager (``bulk_create``, ``bulk_update``, ``update``,
``delete``), renews it. Used by the region tree (``regions.TreeVersion``) and the funds of the agreements
(``agreements.FundsVersion``).
"""

from __future__ import annotations

import hashlib
import uuid

from django.core.cache import cache
from django.db import connection, models
from django.utils import timezone

from .scoping import ScopedQuerySet

CACHE_SECONDS = 6 * 3600


class VersionToken(models.Model):
    """The one row (``pk=1``) of a version: its token and when it last changed."""

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.token

    @classmethod
    def renew(cls) -> None:
        """A new random token, inside the caller's transaction."""
        token = uuid.uuid4().hex
        if not cls.objects.filter(pk=1).update(token=token, changed_at=timezone.now()):
            cls.objects.bulk_create([cls(pk=1, token=token)], ignore_conflicts=True)
            cls.objects.filter(pk=1).update(token=token)


def read_tokens(*versions: type[VersionToken]) -> str:
    """The current tokens of these versions, in one single-row read written in SQL (cheaper than the ORM)."""
    columns = ", ".join(f"(SELECT token FROM {v._meta.db_table} WHERE id = 1)" for v in versions)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")
        row = cursor.fetchone()
    return ".".join(token or "-" for token in row)


def version_key(prefix: str, token: str, key_parts) -> str:
    """The cache key of a result under ``token``; ``key_parts`` must determine the result."""
    digest = hashlib.sha256(repr(key_parts).encode()).hexdigest()
    return f"zs:{prefix}:{token}:{digest}"


def cached_under(prefix: str, token: str, key_parts, compute):
    """``compute()``, cached under ``token`` and ``key_parts``."""
    key = version_key(prefix, token, key_parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


class RenewingQuerySet(ScopedQuerySet):
    """Bulk writes renew the model's ``version_model`` too (loads, services' bulk writes)."""

    def _renew(self):
        self.model.version_model.renew()

    def bulk_create(self, *args, **kwargs):
        created = super().bulk_create(*args, **kwargs)
        self._renew()
        return created

    def bulk_update(self, *args, **kwargs):
        rows = super().bulk_update(*args, **kwargs)
        self._renew()
        return rows

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        self._renew()
        return rows

    def delete(self):
        result = super().delete()
        self._renew()
        return result


class RenewsVersion(models.Model):
    """Rows covered by ``version_model``: every save, delete and bulk write renews it."""

    version_model: type[VersionToken]

    objects = RenewingQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.version_model.renew()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.version_model.renew()
        return result
