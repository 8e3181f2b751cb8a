"""Pure functions of the harness: statistics, page-spec validation, pass/fail and the printed table.

No Django, no network: ``bench/tests`` exercises them directly.
"""

from __future__ import annotations

import math
import statistics
import unicodedata

USERS = ("bench_leader", "bench_district", "bench_town")
FLOOR_URL = "/healthz/floor"


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0–100) — no interpolation, so p95 is a latency that really happened."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summarize(samples_ms: list[float]) -> dict:
    return {
        "n": len(samples_ms),
        "median_ms": round(statistics.median(samples_ms), 2),
        "p95_ms": round(percentile(samples_ms, 95), 2),
        "min_ms": round(min(samples_ms), 2),
        "max_ms": round(max(samples_ms), 2),
    }


def validate_page(spec: object, source: str) -> tuple[dict | None, str | None]:
    """Check one ``pages()`` entry of an app's bench module; return (normalised spec, None) or (None, error)."""
    if not isinstance(spec, dict):
        return None, f"{source}: page entry is {type(spec).__name__}, not dict"
    missing = [k for k in ("name", "url", "user", "target_ratio") if k not in spec]
    if missing:
        return None, f"{source}: page {spec.get('name', '?')!r} lacks {', '.join(missing)}"
    if spec["user"] not in USERS:
        return None, f"{source}: page {spec['name']!r} has unknown user {spec['user']!r} (one of {', '.join(USERS)})"
    url = str(spec["url"])
    if not url.startswith("/") or url.startswith("//"):
        return None, f"{source}: page {spec['name']!r} url must be a local path, got {url!r}"
    try:
        target = float(spec["target_ratio"])
    except (TypeError, ValueError):
        return None, f"{source}: page {spec['name']!r} target_ratio {spec['target_ratio']!r} is not a number"
    if target <= 0:
        return None, f"{source}: page {spec['name']!r} target_ratio must be positive"
    method = str(spec.get("method", "GET")).upper()
    if method not in ("GET", "HEAD"):
        return None, f"{source}: page {spec['name']!r} method {method} not supported (read-only GET/HEAD)"
    return {"name": str(spec["name"]), "url": url, "user": spec["user"], "target_ratio": target,
            "method": method, "source": source}, None


def judge(row: dict, floor_p95: float | None) -> dict:
    """Add ``ratio`` and ``result`` (pass / FAIL / ERROR) to a measured row."""
    row = dict(row)
    if row.get("error"):
        row["ratio"] = None
        row["result"] = "ERROR"
        return row
    if not floor_p95:
        row["ratio"] = None
        row["result"] = "ERROR"
        row["error"] = "no floor measurement"
        return row
    row["ratio"] = round(row["p95_ms"] / floor_p95, 2)
    row["result"] = "pass" if row["ratio"] <= row["target_ratio"] else "FAIL"
    return row


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, cols: int, right: bool = False) -> str:
    fill = " " * max(0, cols - width(text))
    return fill + text if right else text + fill


def _fmt(value, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


COLUMNS = [  # header, key, right-aligned
    ("name", "name", False), ("URL", "url", False), ("user", "user", False), ("median ms", "median_ms", True),
    ("p95 ms", "p95_ms", True), ("p95/floor", "ratio", True), ("SQL", "queries", True),
    ("target", "target_ratio", True), ("result", "result", False),
]


def render_table(rows: list[dict], max_url: int = 48) -> str:
    """A plain-text table (CJK-aware column widths); errors are printed under the row they belong to."""
    cells = []
    for row in rows:
        url = row.get("url", "")
        if len(url) > max_url:
            url = url[: max_url - 1] + "…"
        line = []
        for _header, key, _right in COLUMNS:
            value = url if key == "url" else row.get(key)
            if key == "ratio" and value is not None:
                value = f"{value:.2f}×"
            elif key == "target_ratio" and value is not None:
                value = f"≤{value:g}×"
            line.append(_fmt(value))
        cells.append(line)
    widths = [max([width(h)] + [width(c[i]) for c in cells]) for i, (h, _k, _r) in enumerate(COLUMNS)]
    out = ["  ".join(pad(h, widths[i], r) for i, (h, _k, r) in enumerate(COLUMNS)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    for row, line in zip(rows, cells):
        out.append("  ".join(pad(c, widths[i], COLUMNS[i][2]) for i, c in enumerate(line)).rstrip())
        if row.get("error"):
            out.append(f"    ↳ {row['error']}")
    return "\n".join(out)
