"""Root fixtures: the small world with users at every level, logged-in clients, a headless browser."""

import datetime as dt
import os
import shutil
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from zhengshe.testing import build_world


@pytest.fixture
def world(db, request):
    """The small world; after the test, whatever it wrote, the rollup rows still equal a fresh aggregation
    (``zhengshe rollups verify`` over every write sequence of the suite, on both databases)."""
    w = build_world()
    yield w
    if request.node.get_closest_marker("rollups_untrue") is None:
        from zhengshe.core import rollups

        assert rollups.differences(limit=5) == [], "rollup rows differ from a fresh aggregation after this test"


@pytest.fixture
def client_for(db):
    """``client_for(user)`` → a Client logged in as ``user`` (second factor already passed)."""

    def make(user):
        client = Client()
        client.force_login(user, backend="zhengshe.accounts.backends.LockoutModelBackend")
        return client

    return make


# The suite's calendar: every test runs on this day (Asia/Shanghai) whatever the machine's date, so fixtures written
# for the 2026 working year (instalments due in June, rounds of 2026, reports of 2025) mean the same thing in 2027.
# The clock ticks from there (sessions, lock-outs and one-time codes still see time pass). A test that needs the
# machine's real clock says so with ``@pytest.mark.real_clock``.
SUITE_NOW = dt.datetime(2026, 9, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _suite_clock(request):
    if request.node.get_closest_marker("real_clock"):
        yield None
        return
    with time_machine.travel(SUITE_NOW, tick=True) as traveller:
        yield traveller


# 01:00 in Beijing is 17:00 UTC the day before: a day or a time taken from a stored moment without converting it to
# Asia/Shanghai shows yesterday. Tests of dates move the suite's clock here.
SMALL_HOURS = dt.datetime(2026, 12, 7, 1, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def small_hours(_suite_clock):
    """The clock at 01:00 Beijing time on 2026-12-07 (still 2026-12-06 in UTC), ticking from there."""
    _suite_clock.move_to(SMALL_HOURS)
    return SMALL_HOURS


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit_checkpoints"  # each test's chain has its own checkpoints
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "media"}}}


@pytest.fixture
def browser():
    """Debian's chromium driven by Playwright (never a downloaded browser); ``CHROMIUM`` overrides the path."""
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    assert shutil.which(chromium), f"{chromium} missing"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A Chinese-locale tab in that browser (sign in through the real login form, or use ``signed_in_tab``)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()
