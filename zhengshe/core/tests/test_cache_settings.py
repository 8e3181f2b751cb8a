"""CACHES comes from the environment: Django's Redis backend when REDIS_URL or CACHE_URL is set (several workers
and app servers share it), local memory otherwise (the demo, the tests)."""

import os
import socket
import subprocess
import sys

import pytest

PROBE = ("import django; django.setup(); from django.conf import settings; from django.core.cache import cache; "
         "print(settings.CACHES['default']['BACKEND']); cache.set('zhengshe-probe', 42, 5); "
         "print(cache.get('zhengshe-probe'))")


def _run(**env):
    base = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CACHE_URL")}
    base["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    return subprocess.run([sys.executable, "-c", PROBE], env={**base, **env}, capture_output=True, text=True,
                          check=True).stdout.split()


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


def test_without_a_url_the_cache_is_local_memory():
    assert _run() == ["django.core.cache.backends.locmem.LocMemCache", "42"]


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379 on this machine")
@pytest.mark.parametrize("variable", ["REDIS_URL", "CACHE_URL"])
def test_with_a_url_every_process_shares_one_redis(variable):
    backend, value = _run(**{variable: "redis://127.0.0.1:6379/15"})
    assert backend == "django.core.cache.backends.redis.RedisCache" and value == "42"
    # a second process reads what the first wrote: the workers no longer keep copies of their own
    probe = ("import django; django.setup(); from django.core.cache import cache; "
             "print(cache.get('zhengshe-probe'))")
    env = {k: v for k, v in os.environ.items()} | {variable: "redis://127.0.0.1:6379/15",
                                                    "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "42"
