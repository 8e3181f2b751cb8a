"""Root fixtures: the small world with users at every level, and logged-in clients."""

import pytest
from django.test import Client

from zhengshe.core.testing import build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def client_for(db):
    """``client_for(user)`` → a Client logged in as ``user`` (second factor already passed)."""

    def make(user):
        client = Client()
        client.force_login(user, backend="zhengshe.accounts.backends.LockoutModelBackend")
        return client

    return make


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "media"}}}
