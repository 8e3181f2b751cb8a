"""The migration that turns grants bound to an organization or a council into generic (target_kind, target_id)
rows keeps every existing grant: same user, same role, same object, and the object's region for the managers."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0004_grants_token"), ("organizations", "0002_registry_reports_incubators_grading_credit"),
          ("agreements", "0004_funds_version"), ("regions", "0003_covering_search_index")]
AFTER = [("accounts", "0007_grant_targets_cleanup")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_bound_grants_survive_the_move_to_generic_targets():
    # Given a database before the change, with an organization user, a council representative and a town worker
    old = _migrate(BEFORE)
    Region = old.get_model("regions", "Region")
    county = Region.objects.create(code="329901", name="迁移县", level="county", path="32/329901/", depth=1)
    village = Region.objects.create(code="329901100001", name="迁移村", level="village", parent=county,
                                    path="32/329901/329901100001/", depth=2)
    org = old.get_model("organizations", "Organization").objects.create(name="迁移社工站", region=county)
    council = old.get_model("agreements", "ResidentsCouncil").objects.create(region=village, name="迁移村理事会")
    User = old.get_model("accounts", "User")
    RoleAssignment = old.get_model("accounts", "RoleAssignment")
    users = {name: User.objects.create(username=name) for name in ("m_org", "m_council", "m_town")}
    RoleAssignment.objects.create(user=users["m_org"], role="org_user", organization=org)
    RoleAssignment.objects.create(user=users["m_council"], role="council_rep", council=council)
    RoleAssignment.objects.create(user=users["m_town"], role="town_staff", region=county)
    try:
        # When the migration runs
        new = _migrate(AFTER)
        # Then every grant points at the same object, with the object's region for the managers
        rows = {a.user.username: (a.role, a.target_kind, a.target_id, a.region_id)
                for a in new.get_model("accounts", "RoleAssignment").objects.select_related("user")}
        assert rows == {"m_org": ("org_user", "organization", org.pk, county.pk),
                        "m_council": ("council_rep", "council", council.pk, village.pk),
                        "m_town": ("town_staff", "", None, county.pk)}
        # And it can be undone without losing them
        back = _migrate(BEFORE)
        again = {a.user.username: (a.organization_id, a.council_id, a.region_id)
                 for a in back.get_model("accounts", "RoleAssignment").objects.select_related("user")}
        assert again == {"m_org": (org.pk, None, None), "m_council": (None, council.pk, None),
                         "m_town": (None, None, county.pk)}
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
