"""Every write of the catalog: lists, the admission gate, the community's refusals, the burden registry."""

from .admission import (  # noqa: F401
    admission_approve,
    admission_create,
    admission_move,
    admission_update,
    approved_villages,
    issuing_region_for,
)
from .asks import ask_record, ask_refuse, ask_set_outcome, default_rule  # noqa: F401
from .burden import burden_add, burden_change_state  # noqa: F401
from .lists import (  # noqa: F401
    IMPORT_HEADERS,
    department_create,
    export_rows,
    item_remove,
    item_save,
    known_departments,
    list_create,
    list_import,
    list_new_version,
    list_publish,
)
