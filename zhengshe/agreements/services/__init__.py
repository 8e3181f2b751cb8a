"""Every write to agreements: atomic, scope- and side-checked, audited (``<entity>_<verb>(*, actor, ...)``).

Money is Decimal yuan rounded half-up to the fen (``zhengshe.utilities.money.to_yuan``), never floats.
Drafts are protected by optimistic locking: a write names the ``version`` the user edited; a stale one
raises ``ConflictError`` and nothing is written (the view re-shows the user's input with the message).

The services live in submodules by sub-domain; this package re-exports them."""

from ._common import (  # noqa: F401
    DEFAULT_CLAUSES,
    FUNDS_ROLES,
    HUNDRED,
    SEAL_MAX_BYTES,
    _bump,
    _locked,
    _recompute_total,
    _refresh_funds,
    _require_editable,
    _require_roles,
    _require_side,
    even_weights,
    funding_for,
    scope_has,
    snapshot,
    validate_version,
    weight_problem,
)
from .amendments import (  # noqa: F401
    _amendment_take_effect,
    _clean_terms,
    _in_force_entry,
    _locked_amendment,
    _refuse_manual_delta,
    _require_amendment_editor,
    _touch_amendment,
    amendment_cancel,
    amendment_create,
    amendment_item_add,
    amendment_item_change,
    amendment_item_remove,
    amendment_item_withdraw,
    amendment_sign,
    amendment_sign_problem,
)
from .councils import (  # noqa: F401
    council_create,
)
from .drafting import (  # noqa: F401
    _draft_one,
    _drafting_loop,
    drafting_parties,
    drafting_run,
    drafting_start,
)
from .exports import (  # noqa: F401
    export_cleanup,
    export_run,
    export_start,
)
from .funds import (  # noqa: F401
    _require_funds_actor,
    _require_money_status,
    funds_adjust,
    instalment_pay,
)
from .imports import (  # noqa: F401
    IMPORT_HEADERS,
    agreements_import,
)
from .negotiation import (  # noqa: F401
    _validate_proposed,
    agreement_confirm,
    agreement_item_update,
    agreement_update,
    note_add,
    proposal_decide,
)
from .offline import (  # noqa: F401
    agreement_record_offline,
    check_scan,
    offline_date_problem,
)
from .plans import (  # noqa: F401
    amendment_plan_problem,
    amendment_plan_proposal,
    amendment_plan_set,
    apply_plan,
    plan_after,
)
from .progress import (  # noqa: F401
    progress_report,
)
from .signing import (  # noqa: F401
    _allocate,
    _check_seal_image,
    agreement_sign,
    agreement_transition,
)
from .templates import (  # noqa: F401
    _money_condition,
    assisted_list_for,
    default_instalment_plan,
    instalment_plan_problem,
    template_create,
    template_item_add,
    template_item_remove,
    template_item_update,
    template_rebalance,
    template_totals,
    template_update,
    template_weight_problem,
)
