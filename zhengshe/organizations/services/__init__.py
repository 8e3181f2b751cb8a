"""Every write of the organizations app: atomic, scope-checked, audited (``<entity>_<verb>(*, actor, …)``).

The services live in submodules by sub-domain; this package re-exports them."""

from ._common import (  # noqa: F401
    GRADE_YEARS,
    PROFILE_FACTS,
    REPORT_DEADLINE,
    STAFF,
    __all__,
    _covers,
)
from .applications import (  # noqa: F401
    ALLOWED_EVIDENCE,
    MAX_EVIDENCE_BYTES,
    application_decide,
    application_save,
    application_score,
    application_start,
    application_transition,
    declaration_problems,
    evidence_add,
    expert_scores_submit,
    objection_resolve,
    objection_submit,
    sniff_type,
)
from .credit import (  # noqa: F401
    credit_include,
    credit_remove,
    finding_add,
    finding_rectified,
)
from .grading import (  # noqa: F401
    DEFAULT_INDICATORS,
    certificate_pdf,
    grade_expiry_sweep,
    grade_validity,
    indicator_set_ensure,
    indicator_set_for,
    indicator_weights_update,
    round_confirm,
    round_create,
    round_publish,
    round_set_separation,
    round_transition,
)
from .incubators import (  # noqa: F401
    _incubation_staff,
    incubation_add_milestone,
    incubation_add_service,
    incubation_apply,
    incubation_transition,
    incubator_save,
    milestone_done,
)
from .notifications import (  # noqa: F401
    notification_read,
    notify,
)
from .registry import (  # noqa: F401
    _apply_change,
    _check_credit_code,
    _duplicate_check,
    _jsonable_change,
    branch_save,
    change_request_decide,
    change_request_submit,
    may_edit_registered_facts,
    next_filing_number,
    organization_create,
    organization_set_status,
    organization_update,
)
from .reports import (  # noqa: F401
    _notify_offices,
    _report_obliged,
    annual_report_for,
    annual_report_review,
    annual_report_save,
    annual_reports_sweep,
    report_deadline,
    report_problems,
)
