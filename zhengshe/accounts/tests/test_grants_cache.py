"""A user's grants are read once and cached under their grants token; any change to them shows at once.

These tests commit (``transaction=True``): the cache is only filled after a transaction commits.
"""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from zhengshe.accounts import services
from zhengshe.accounts.models import RoleAssignment, User
from zhengshe.core.scoping import Scope
from zhengshe.testing import build_world

pytestmark = pytest.mark.django_db(transaction=True)


def fresh_scope(user) -> tuple[Scope, int]:
    """The scope as a new request would see it (the user row read again), and the queries it took."""
    loaded = User.objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as ctx:
        scope = Scope.for_user(loaded)
    return scope, len(ctx.captured_queries)


def test_grants_are_read_once_then_served_from_the_cache():
    cache.clear()
    world = build_world()
    scope, queries = fresh_scope(world.town_staff)
    assert scope.roles == {"town_staff"} and queries == 1
    scope, queries = fresh_scope(world.town_staff)
    assert scope.roles == {"town_staff"} and queries == 0


def test_a_revoked_or_new_grant_shows_on_the_next_request():
    cache.clear()
    world = build_world()
    fresh_scope(world.town_staff)
    assignment = RoleAssignment.objects.get(user=world.town_staff, active=True)
    services.role_revoke(actor=world.security_admin, assignment=assignment)
    scope, queries = fresh_scope(world.town_staff)
    assert scope.roles == set() and queries == 1
    # A bulk change (not through save()) renews the token as well.
    RoleAssignment.objects.filter(pk=assignment.pk).update(active=True)
    assert fresh_scope(world.town_staff)[0].roles == {"town_staff"}
    # And the page answers accordingly: signed in, the town worker sees the town; revoked, no longer.
    from django.test import Client

    client = Client()
    client.force_login(world.town_staff)
    assert client.get(f"/regions/{world.town_a1.code}/").status_code == 200
    RoleAssignment.objects.filter(pk=assignment.pk).update(active=False)
    assert client.get(f"/regions/{world.town_a1.code}/").status_code == 404


def test_grants_read_inside_a_rolled_back_transaction_never_reach_the_cache():
    cache.clear()
    world = build_world()
    stale = User.objects.get(pk=world.village_staff.pk)  # loaded before the change: the old token
    with pytest.raises(RuntimeError), transaction.atomic():
        RoleAssignment.objects.create(user=world.village_staff, role="town_staff", region=world.town_a1)
        stale.__dict__.pop("_zhengshe_scope", None)
        assert "town_staff" in Scope.for_user(stale).roles  # inside: the transaction's own view
        raise RuntimeError("roll back")
    assert fresh_scope(world.village_staff)[0].roles == {"village_staff"}
    stale.__dict__.pop("_zhengshe_scope", None)
    assert Scope.for_user(stale).roles == {"village_staff"}
