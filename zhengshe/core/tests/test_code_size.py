"""Files that show the rooms: no product module over 800 lines, no product function over 60 (STYLE: Size).

A module that outgrows this becomes a package by sub-domain (as ``agreements/services/`` and
``organizations/services/`` are); a function that does becomes named steps. Tests and migrations are exempt.
"""

import ast
from pathlib import Path

import zhengshe

ROOT = Path(zhengshe.__file__).parent
MAX_MODULE_LINES = 800
MAX_FUNCTION_LINES = 60


def product_modules():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path


def test_no_module_over_800_lines():
    long = [f"{p.relative_to(ROOT)} ({n} lines)" for p in product_modules()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES]
    assert not long, f"split these modules by sub-domain: {long}"


def test_no_function_over_60_lines():
    long = []
    for path in product_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)")
    assert not long, f"split these functions into named steps: {long}"
