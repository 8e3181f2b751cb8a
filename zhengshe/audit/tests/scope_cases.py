from zhengshe.audit.services import record_event
from zhengshe.testing import ScopeCase


def _entry(w):
    entry = record_event("test.marker", w.village_a1x, after={"note": "x"}, object_repr="AUDIT-MARKER-A1X")
    return entry


CASES = {
    "audit:list": ScopeCase(lambda w: {"marker": _entry(w) and "AUDIT-MARKER-A1X"}, owner="audit_admin"),
    "audit:detail": ScopeCase(lambda w: {"kwargs": {"pk": _entry(w).pk}, "marker": "AUDIT-MARKER-A1X"}),
    "audit-entry-list": ScopeCase(lambda w: {"marker": _entry(w) and "AUDIT-MARKER-A1X"}, owner="audit_admin"),
    "audit-entry-detail": ScopeCase(lambda w: {"kwargs": {"pk": _entry(w).pk}, "marker": "AUDIT-MARKER-A1X"}),
}
