"""Number formats as Chinese offices write them: 906,084 (grouped by three with a comma), 12.50.

Django's own zh_Hans formats have no grouping, so ``intcomma`` printed 906084. Only grouping is set
here; ``USE_THOUSAND_SEPARATOR`` stays off, so years and codes ({{ 2026 }}) are never grouped.
"""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
