"""The one cache API of the house (STYLE: rollups, not caches). Pages, cells and counts are never cached; what may
be is data whose key is the reader's own visibility decision — e.g. one user's grants under that user's grants
token — so two users who see different data can never share an entry.

A value computed inside a transaction is stored only once the transaction commits (at once outside one): data
read in a transaction that later rolls back never reaches the cache.
"""

from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction


def remember(key: str | None, compute: Callable, *, timeout: int = 3600):
    """``compute()``, or the value stored under ``key`` (``None``: do not cache). ``key`` must include everything
    that decides what the caller may see (the user and their grants token, for a user's own data)."""
    found = cache.get(key) if key else None
    if found is not None:
        return found
    value = compute()
    if key:
        transaction.on_commit(lambda: cache.set(key, value, timeout))
    return value
