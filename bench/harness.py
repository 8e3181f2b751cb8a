"""``python -m bench``: load the province, start gunicorn, time every page against the floor, print a table.

Everything runs on loopback in a database of its own (``data/bench/bench.sqlite3`` or the PostgreSQL
database ``zhengshe_bench``), never the demo's or the tests'. Request loops are bounded both in count
(``--requests``) and in time (``--page-seconds``, ``--max-minutes``).
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import socket
import subprocess
import sys
import time
from pathlib import Path

from .report import FLOOR_URL, USERS, judge, render_table, summarize

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/zhengshe_bench"


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--database-url", help=f"override the database (default: its own SQLite file, or {PG_DEFAULT})")
    p.add_argument("--requests", type=int, default=50, help="timed requests per page (default 50)")
    p.add_argument("--warmup", type=int, default=3, help="untimed requests per page first (default 3)")
    p.add_argument("--page-seconds", type=float, default=60, help="stop timing one page after this (default 60)")
    p.add_argument("--max-minutes", type=float, default=25, help="stop the whole run after this (default 25)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--fresh", action="store_true", help="drop the bench database first")
    p.add_argument("--skip-load", action="store_true", help="reuse the loaded data, only measure")
    p.add_argument("--apps", default="", help="comma-separated apps whose bench modules to use (default: all)")
    p.add_argument("--only", default="", help="measure only pages whose name or URL contains this text")
    p.add_argument("--output", help="result JSON path (default bench/results/<db>-<date>.json)")
    return p.parse_args(argv)


def data_dir() -> Path:
    base = Path(os.environ.get("ZHENGSHE_DATA_DIR", ROOT / "data"))
    path = base / "bench"
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url(args, ddir: Path) -> str:
    if args.database_url:
        return args.database_url
    return PG_DEFAULT if args.db == "postgres" else f"sqlite:///{ddir / 'bench.sqlite3'}"


def prepare_database(url: str, fresh: bool) -> None:
    """Drop (with --fresh) and create the bench database: a file for SQLite, a database for PostgreSQL."""
    if url.startswith("sqlite"):
        path = Path(url.split("sqlite:///", 1)[1])
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(sql.SQL("drop database {} with (force)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def step(title: str) -> None:
    print(f"\n== {title}", flush=True)


def run(cmd: list[str], env: dict) -> None:
    started = time.monotonic()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)
    print(f"   ({time.monotonic() - started:.1f} s)", flush=True)


class Server:
    """gunicorn serving config.wsgi (whitenoise for static files) on a free loopback port."""

    def __init__(self, env: dict, workers: int, log: Path):
        self.port = free_port()
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(workers), "--timeout", "120", "--access-logfile", "-"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {self.log.name}")
            try:
                status, _h, _b = fetch(self.port, FLOOR_URL, None, timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s; see {self.log.name}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def fetch(port: int, url: str, cookie: str | None, *, method: str = "GET", timeout: float = 60):
    """One request on a new connection (gunicorn's sync workers close after each response)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Host": "127.0.0.1", "Accept-Language": "zh-CN,zh;q=0.9"}
        if cookie:
            headers["Cookie"] = cookie
        conn.request(method, url, headers=headers)
        response = conn.getresponse()
        body = response.read()
        return response.status, dict(response.getheaders()), body
    finally:
        conn.close()


def measure(port: int, page: dict, cookie: str, args, deadline: float, floor_samples: list | None = None) -> dict:
    """Time ``page``; with ``floor_samples``, alternate each request with one to the floor (same user, same
    moment), so a page's ratio compares it with the floor under the same machine load."""
    row = {k: page[k] for k in ("name", "url", "user", "target_ratio", "source")}
    for _ in range(args.warmup):
        status, headers, _body = fetch(port, page["url"], cookie, method=page["method"])
        if status != 200:
            where = headers.get("Location", "")
            row["error"] = f"HTTP {status}{' → ' + where if where else ''}"
            row["status"] = status
            return row
    samples, floor, queries, server_ms = [], [], [], []
    page_deadline = min(deadline, time.monotonic() + args.page_seconds)
    while len(samples) < args.requests and time.monotonic() < page_deadline:
        if floor_samples is not None:
            t0 = time.perf_counter()
            status, _h, _b = fetch(port, FLOOR_URL, cookie)
            if status == 200:
                floor.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        status, headers, body = fetch(port, page["url"], cookie, method=page["method"])
        elapsed = (time.perf_counter() - t0) * 1000
        if status != 200:
            row["error"] = f"HTTP {status} during the timed run"
            row["status"] = status
            return row
        samples.append(elapsed)
        if "X-Query-Count" in headers:
            queries.append(int(headers["X-Query-Count"]))
        if "X-Server-Time" in headers:
            server_ms.append(float(headers["X-Server-Time"]))
        row["bytes"] = len(body)
    row.update(summarize(samples))
    row["status"] = 200
    row["queries"] = max(queries) if queries else None
    row["queries_min"] = min(queries) if queries else None
    if server_ms:
        row["server_median_ms"] = summarize(server_ms)["median_ms"]
    if floor:
        row["floor_p95_ms"] = summarize(floor)["p95_ms"]
        row["floor_median_ms"] = summarize(floor)["median_ms"]
        floor_samples.extend(floor)
    if len(samples) < args.requests:
        row["note"] = f"time bound reached after {len(samples)} requests"
    return row


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    ddir = data_dir()
    url = database_url(args, ddir)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.prod", "ZHENGSHE_DATA_DIR": str(ddir),
           "DATABASE_URL": url, "QUERY_COUNT_HEADER": "1", "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost",
           "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_TEST_NAME", None)
    run_started = time.monotonic()
    shown_url = url.split("@")[-1] if "@" in url else url
    print(f"政社 Zhengshe benchmark — {args.db} ({shown_url}), {args.requests} requests per page")

    step("database")
    prepare_database(url, args.fresh)
    try:
        run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env)
    except subprocess.CalledProcessError:
        print("migrate failed on the existing bench database (migrations rewritten since it was loaded?); "
              "run again with --fresh to rebuild it.", file=sys.stderr)
        return 2
    step("static files (collectstatic, served by whitenoise)")
    run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    step("province-scale data and app bench modules" + (" (skipping load)" if args.skip_load else ""))
    plan_path = ddir / "plan.json"
    loader = [sys.executable, "-m", "bench.loader", str(plan_path), "--seed", str(args.seed)]
    if args.skip_load:
        loader.append("--skip-load")
    if args.apps:
        loader += ["--apps", args.apps]
    run(loader, env)
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    counts = plan["counts"]
    print(f"   {counts['city']} cities, {counts['county']} counties, {counts['town']} towns, "
          f"{counts['village']} villages/communities (province data {plan['province_seconds']} s)")
    for app in plan["apps"]:
        print(f"   {app['app']:<14} load {app['load']:<7} {app['seconds']:>6.1f} s  {app['pages']} pages")
        if app.get("error"):
            print("      " + app["error"].rstrip().replace("\n", "\n      "))
    for problem in plan["invalid_pages"]:
        print(f"   invalid page spec: {problem}")

    pages = [p for p in plan["pages"] if not args.only or args.only in p["name"] or args.only in p["url"]]
    step(f"gunicorn (workers={args.workers}) and {len(pages)} pages")
    server = Server(env, args.workers, ddir / "gunicorn.log")
    rows: list[dict] = []
    floor_samples: dict[str, list[float]] = {}
    load_before = os.getloadavg()
    deadline = time.monotonic() + args.max_minutes * 60
    try:
        server.wait_ready()
        print(f"   serving on 127.0.0.1:{server.port}")
        cookies = {user: f"{plan['cookie']}={key}" for user, key in plan["sessions"].items()}
        floor_samples: dict[str, list[float]] = {u: [] for u in USERS}
        for page in pages:
            if time.monotonic() > deadline:
                rows.append({**page, "error": f"not measured: --max-minutes {args.max_minutes:g} reached"})
                continue
            if page["user"] not in cookies:
                rows.append({**page, "error": "bench user missing"})
                continue
            row = measure(server.port, page, cookies[page["user"]], args, deadline, floor_samples[page["user"]])
            rows.append(judge(row, row.get("floor_p95_ms")))
            print(f"   {row['name']}: {rows[-1].get('p95_ms', '-')} ms p95, floor {row.get('floor_p95_ms', '-')} ms "
                  f"({rows[-1]['result']})", flush=True)
    finally:
        server.stop()

    floor_rows = [{"name": "floor (all)", "url": FLOOR_URL, "user": user, **summarize(samples), "ratio": 1.0,
                   "target_ratio": None, "result": "floor", "queries": None}
                  for user, samples in floor_samples.items() if samples]
    for app in plan["apps"]:
        if app.get("error"):
            rows.append({"name": f"{app['app']} (bench.py)", "url": "", "user": "", "target_ratio": None,
                         "source": app["app"], "result": "ERROR", "error": app["error"].strip().splitlines()[-1]})
    step(f"results ({args.db}; p95/floor = the page's p95 ÷ the p95 of floor requests interleaved with it)")
    print(render_table(floor_rows + rows))
    failed = [r for r in rows if r["result"] != "pass"]
    load_after = os.getloadavg()
    print(f"\n{len(rows) - len(failed)} passed, {len(failed)} failed or errored, "
          f"{time.monotonic() - run_started:.0f} s in all; load average {load_before[0]:.1f} → {load_after[0]:.1f} "
          f"on {os.cpu_count()} CPUs (other work on the machine inflates both pages and floor)")

    RESULTS.mkdir(exist_ok=True)
    out = Path(args.output) if args.output else RESULTS / f"{args.db}-{datetime.date.today():%Y-%m-%d}.json"
    out.write_text(json.dumps({
        "db": args.db, "database": plan["database"], "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "commit": git_commit(), "python": platform.python_version(), "cpus": os.cpu_count(),
        "requests": args.requests, "warmup": args.warmup, "workers": args.workers, "counts": counts,
        "load_average": {"before": load_before, "after": load_after},
        "apps": plan["apps"], "invalid_pages": plan["invalid_pages"], "floors": floor_rows, "rows": rows,
    }, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"written to {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 1 if failed or plan["invalid_pages"] else 0
