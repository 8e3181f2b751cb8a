"""``__under``: "this materialized path lies in the subtree of that one" (regions' ``path`` and its joins).

The same result as ``__startswith``, written so each database can use the ``path`` index:

- SQLite: ``path >= 'p' AND path < 'p⁺'`` (``p⁺`` is ``p`` with its last character incremented). SQLite's
  ``LIKE`` is case-insensitive and so never uses an index on a column of the default BINARY collation;
  the range does (a county's 232 rows instead of a scan of the whole tree).
- PostgreSQL and others: ``LIKE 'p%'``, which uses the ``varchar_pattern_ops`` index Django creates for a
  unique or indexed ``CharField`` — whatever the database's collation (a range would follow the collation,
  and a non-C collation does not order ``/`` by its code point).
"""

from django.db.models import CharField
from django.db.models.lookups import StartsWith


@CharField.register_lookup
class Under(StartsWith):
    lookup_name = "under"

    def as_sql(self, compiler, connection):
        # Django's backends key their LIKE operators and casts by lookup name: compile as ``startswith``.
        return StartsWith(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_sqlite(self, compiler, connection):
        value = self.rhs
        if not self.rhs_is_direct_value() or not isinstance(value, str) or not value:
            return self.as_sql(compiler, connection)
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        upper = value[:-1] + chr(ord(value[-1]) + 1)
        return f"({lhs_sql} >= %s AND {lhs_sql} < %s)", (*lhs_params, value, *lhs_params, upper)
