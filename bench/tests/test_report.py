"""The harness's pure parts: percentiles, page-spec validation, judging, the printed table, app discovery."""

import pytest

from bench import report


def test_percentile_is_nearest_rank():
    samples = list(range(1, 101))  # 1..100
    assert report.percentile(samples, 95) == 95
    assert report.percentile(samples, 50) == 50
    assert report.percentile([7.0], 95) == 7.0
    assert report.percentile([5, 1, 3], 100) == 5
    with pytest.raises(ValueError):
        report.percentile([], 95)


def test_summarize():
    s = report.summarize([10.0, 12.0, 11.0, 50.0])
    assert s["n"] == 4 and s["median_ms"] == 11.5 and s["p95_ms"] == 50.0 and s["min_ms"] == 10.0


@pytest.mark.parametrize("spec, problem", [
    ("not a dict", "not dict"),
    ({"name": "x", "url": "/x/", "user": "bench_leader"}, "lacks target_ratio"),
    ({"name": "x", "url": "/x/", "user": "root", "target_ratio": 3}, "unknown user"),
    ({"name": "x", "url": "http://evil/", "user": "bench_town", "target_ratio": 3}, "local path"),
    ({"name": "x", "url": "//evil/", "user": "bench_town", "target_ratio": 3}, "local path"),
    ({"name": "x", "url": "/x/", "user": "bench_town", "target_ratio": "fast"}, "not a number"),
    ({"name": "x", "url": "/x/", "user": "bench_town", "target_ratio": 3, "method": "POST"}, "not supported"),
])
def test_validate_page_rejects(spec, problem):
    page, error = report.validate_page(spec, "catalog")
    assert page is None and problem in error and error.startswith("catalog:")


def test_validate_page_normalises():
    page, error = report.validate_page(
        {"name": "目录", "url": "/catalog/", "user": "bench_district", "target_ratio": 4}, "catalog")
    assert error is None
    assert page == {"name": "目录", "url": "/catalog/", "user": "bench_district", "target_ratio": 4.0,
                    "method": "GET", "source": "catalog"}


def test_judge():
    row = {"name": "a", "url": "/", "user": "bench_town", "target_ratio": 3.0, "p95_ms": 12.0}
    assert report.judge(row, 5.0) | {} == {**row, "ratio": 2.4, "result": "pass"}
    assert report.judge(row, 3.0)["result"] == "FAIL"
    assert report.judge({**row, "error": "HTTP 404"}, 5.0)["result"] == "ERROR"
    assert report.judge(row, None)["result"] == "ERROR"


def test_render_table_aligns_cjk_and_shows_errors():
    rows = [
        {"name": "floor", "url": "/healthz/floor", "user": "bench_town", "median_ms": 3.0, "p95_ms": 4.0,
         "ratio": 1.0, "queries": 3, "target_ratio": None, "result": "floor"},
        {"name": "首页（镇街）", "url": "/", "user": "bench_town", "median_ms": 9.0, "p95_ms": 10.0, "ratio": 2.5,
         "queries": 5, "target_ratio": 3.0, "result": "pass"},
        {"name": "坏页", "url": "/x/" + "a" * 80, "user": "bench_town", "target_ratio": 3.0, "result": "ERROR",
         "error": "HTTP 500"},
    ]
    text = report.render_table(rows)
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["name", "URL", "user"]
    # the user column starts at the same terminal column on every line (CJK characters count double)
    starts = {report.width(line[: line.index("bench_town")]) for line in lines[2:5]}
    assert starts == {report.width(lines[0][: lines[0].index("user")])}
    assert "2.50×" in text and "≤3×" in text and "↳ HTTP 500" in text and "…" in text


def test_discovery_reports_broken_bench_module(monkeypatch):
    """A bench module that fails to import is reported, not fatal; the foundation pages always come first."""
    import importlib

    from bench import loader

    real = importlib.import_module

    def fake(name, *args):
        if name == "zhengshe.catalog.bench":
            raise RuntimeError("boom")
        if name.startswith("zhengshe.") and name.endswith(".bench"):
            raise ModuleNotFoundError(name=name)
        return real(name, *args)

    monkeypatch.setattr(loader.importlib, "import_module", fake)
    found = dict(loader.discover())
    assert list(found)[0] == "regions"
    assert isinstance(found["catalog"], RuntimeError)
    assert "organizations" not in found
