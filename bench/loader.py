"""Runs inside Django (a subprocess of the harness): province data, each app's ``load``, sessions, pages.

``python -m bench.loader PLAN.json [--seed N] [--skip-load] [--apps a,b]`` writes a JSON plan:
``{"pages": [...], "sessions": {user: key}, "cookie": name, "apps": [...], "counts": {...}}``.
An app whose ``load`` or ``pages`` raises is reported in ``apps`` with its traceback and the run goes on.
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import sys
import time
import traceback

import django

# Apps that build on one another load in this order; any other app with a bench module loads after them.
APP_ORDER = ["organizations", "catalog", "agreements", "evaluation"]


def discover() -> list[tuple[str, object]]:
    """(app label, module) for every ``zhengshe.<app>.bench`` module, foundation pages first."""
    from django.apps import apps

    from . import core_pages

    labels = [cfg.name.split(".", 1)[1] for cfg in apps.get_app_configs() if cfg.name.startswith("zhengshe.")]
    ordered = [a for a in APP_ORDER if a in labels] + sorted(a for a in labels if a not in APP_ORDER)
    found: list[tuple[str, object]] = [("regions", core_pages)]
    for label in ordered:
        name = f"zhengshe.{label}.bench"
        try:
            found.append((label, importlib.import_module(name)))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                found.append((label, exc))  # the module exists but imports something missing
        except Exception as exc:  # noqa: BLE001 — a broken bench module must not stop the others
            found.append((label, exc))
    return found


def make_sessions() -> dict[str, str]:
    """A logged-in session row for each bench user (as after password + second factor), no login form."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from zhengshe.accounts.models import User

    engine = importlib.import_module(settings.SESSION_ENGINE)
    keys = {}
    from .report import USERS

    for user in User.objects.filter(username__in=USERS):
        store = engine.SessionStore()
        store[SESSION_KEY] = user._meta.pk.value_to_string(user)
        store[BACKEND_SESSION_KEY] = "zhengshe.accounts.backends.LockoutModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store["last_activity"] = int(time.time())
        store.create()
        keys[user.username] = store.session_key
    return keys


def run(seed: int, skip_load: bool, only_apps: set[str] | None) -> dict:
    from django.core.management import call_command
    from django.db import transaction

    from zhengshe.core.context import acting_as
    from zhengshe.regions.models import Region

    from .report import validate_page

    plan: dict = {"apps": [], "pages": [], "invalid_pages": []}
    started = time.monotonic()
    if not skip_load or not Region.objects.filter(code="320000").exists():
        call_command("demo", scale="province", seed=seed)
    plan["province_seconds"] = round(time.monotonic() - started, 1)
    province = Region.objects.get(code="320000")

    for label, module in discover():
        if only_apps and label not in only_apps and label != "regions":
            continue
        entry = {"app": label, "load": "skipped" if skip_load else "ok", "seconds": 0.0, "pages": 0}
        plan["apps"].append(entry)
        if isinstance(module, Exception):
            entry.update(load="error", error="import failed:\n" + "".join(
                traceback.format_exception(module)))
            continue
        if not skip_load and hasattr(module, "load"):
            t0 = time.monotonic()
            try:
                with acting_as(None, source="command"), transaction.atomic():
                    module.load(province, random.Random(f"{seed}:{label}"))
            except Exception:  # noqa: BLE001
                entry.update(load="error", error="load() failed:\n" + traceback.format_exc())
            entry["seconds"] = round(time.monotonic() - t0, 2)
        if entry["load"] == "error":
            continue
        try:
            specs = list(module.pages()) if hasattr(module, "pages") else []
        except Exception:  # noqa: BLE001
            entry.update(load="error", error="pages() failed:\n" + traceback.format_exc())
            continue
        for spec in specs:
            page, problem = validate_page(spec, label)
            if problem:
                plan["invalid_pages"].append(problem)
            else:
                plan["pages"].append(page)
                entry["pages"] += 1

    from django.conf import settings
    from django.db import connection

    started_analyze = time.monotonic()
    analyze(connection)
    plan["analyze_seconds"] = round(time.monotonic() - started_analyze, 1)
    plan["sessions"] = make_sessions()
    plan["cookie"] = settings.SESSION_COOKIE_NAME
    plan["counts"] = {level: Region.objects.filter(level=level).count()
                      for level in ("province", "city", "county", "town", "village")}
    plan["database"] = {"vendor": connection.vendor, "version": _db_version(connection)}
    plan["seconds"] = round(time.monotonic() - started, 1)
    return plan


def analyze(connection) -> None:
    """Refresh the planner's statistics after the bulk loads, as autovacuum / ``PRAGMA optimize`` would.

    Without it PostgreSQL plans the first minutes after a 20 000-row load from empty-table estimates
    (e.g. a nested loop over every region for one page of the list) and the figures measure nothing real.
    On PostgreSQL it is ``VACUUM ANALYZE``: autovacuum also vacuums a table after many inserts, which sets
    the visibility map that lets counts over an index (a subtree's rows) skip the table.
    """
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _db_version(connection) -> str:
    with connection.cursor() as cursor:
        cursor.execute("select sqlite_version()" if connection.vendor == "sqlite" else "show server_version")
        return str(cursor.fetchone()[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loader")
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--apps", default="")
    args = parser.parse_args(argv)
    django.setup()
    only = {a.strip() for a in args.apps.split(",") if a.strip()} or None
    plan = run(args.seed, args.skip_load, only)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(plan, fh, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
