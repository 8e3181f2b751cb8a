"""One way to change status: no service writes a status by hand; every move goes through ``core.workflows``.

The engine writes the history row, the audit event and runs the transition hooks (the inbox); a hand-written
``obj.status = …`` (or ``setattr(obj, "status", …)``, or ``qs.update(status=…)``) in a service skips all three.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the zhengshe package
# The fields the workflow tables move (status; the catalog's burden ``state`` and ask ``outcome``).
STATE_FIELDS = {"status", "state", "outcome"}


def service_files() -> list[Path]:
    return sorted([*ROOT.glob("*/services.py"), *ROOT.glob("*/services/*.py")])


def _targets(node):
    if isinstance(node, (ast.Tuple, ast.List)):
        for elt in node.elts:
            yield from _targets(elt)
    else:
        yield node


def hand_written_moves(source: str) -> list[tuple[int, str]]:
    """(line, what) for every assignment of a state field outside the engine."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                for t in _targets(target):
                    if isinstance(t, ast.Attribute) and t.attr in STATE_FIELDS:
                        found.append((node.lineno, f".{t.attr} ="))
        elif isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)):
            name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
            if name == "setattr" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) \
                    and node.args[1].value in STATE_FIELDS:
                found.append((node.lineno, f'setattr(…, "{node.args[1].value}", …)'))
            if name in ("update", "bulk_update"):
                keys = {k.arg for k in node.keywords}
                fields = node.args[1] if name == "bulk_update" and len(node.args) > 1 else None
                if isinstance(fields, (ast.List, ast.Tuple)):
                    keys |= {e.value for e in fields.elts if isinstance(e, ast.Constant)}
                if keys & STATE_FIELDS:
                    found.append((node.lineno, f".{name}({', '.join(sorted(keys & STATE_FIELDS))}=…)"))
    return found


def test_the_detector_sees_every_shape_of_a_hand_written_move():
    snippet = (
        "obj.status = 'done'\n"
        "job.status, job.total = 'running', 3\n"
        "setattr(item, 'state', 'removed')\n"
        "Thing.objects.filter(pk=1).update(outcome='refused')\n"
        "Thing.objects.bulk_update(rows, ['status'])\n"
        "x = obj.status == 'draft'\n"  # a read, not a write
        "Thing.objects.create(status='draft')\n"  # a new object starts in its state: not a move
    )
    assert [line for line, _what in hand_written_moves(snippet)] == [1, 2, 3, 4, 5]


def test_there_are_service_files_to_check():
    names = {p.relative_to(ROOT).as_posix() for p in service_files()}
    assert {"evaluation/services.py", "organizations/services/grading.py", "catalog/services/asks.py",
            "agreements/services/signing.py"} <= names


@pytest.mark.parametrize("path", service_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_service_changes_a_status_by_hand(path):
    moves = hand_written_moves(path.read_text(encoding="utf-8"))
    assert not moves, f"{path.relative_to(ROOT)}: move these through the workflow engine (core.workflows): {moves}"
