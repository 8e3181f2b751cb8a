"""``zhengshe demo``: the county is believable and complete; the province builder is correct and idempotent."""

import io
import random

import pytest
from django.core.management import call_command

from zhengshe.accounts.roles import Role
from zhengshe.regions import codes
from zhengshe.regions.models import Region


@pytest.fixture
def demo_output(db):
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def _check_codes(villages):
    for v in villages:
        assert len(v.code) == 12 and v.code.isdigit(), v.code
        assert codes.format_error(v.code, "village") is None, v.code
        assert v.code.startswith(v.parent.code), (v.code, v.parent.code)
        assert v.path == f"{v.parent.path}{v.code}/"


def test_county_demo_is_complete(demo_output):
    from zhengshe.accounts.models import RoleAssignment, User

    county = Region.objects.get(code="320585")
    towns = Region.objects.filter(parent=county, level="town")
    villages = list(Region.objects.filter(path__startswith=county.path, level="village").select_related("parent"))
    assert towns.count() >= 10
    assert len(villages) >= 150
    _check_codes(villages)
    from zhengshe.core import rollups

    assert rollups.differences() == []  # the demo's totals are true rollup rows, row for row
    assert all(v.population and v.households and v.service_centre_area for v in villages)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in v.name) for v in villages)
    assert any(v.is_community for v in villages) and any(not v.is_community for v in villages)
    held = set(RoleAssignment.objects.filter(active=True).values_list("role", flat=True))
    assert held >= set(Role.values), set(Role.values) - held
    # every account one can sign in with is printed (apps may add accounts without a usable password,
    # e.g. other committees' signers, which a security admin activates by resetting the password)
    for user in User.objects.filter(role_assignments__isnull=False).distinct():
        if user.has_usable_password():
            assert user.username in demo_output, user.username
    assert "Zhengshe@2026" in demo_output and "totp_code" in demo_output

    # The demo is built once for all these checks (it takes seconds): logins, TOTP command, idempotency.
    _every_printed_login_reaches_the_home_page(demo_output)
    _totp_code_command_prints_the_current_code()
    before = Region.objects.count()
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert Region.objects.count() == before
    assert "mzj" in out.getvalue()




@pytest.mark.django_db
def test_province_builder_small_target_is_valid_and_idempotent():
    from zhengshe.dashboards.management.commands.demo import Command
    from zhengshe.regions.demo import build_province

    province = build_province(random.Random(1), villages_target=1)  # one village per town: 1 001 villages
    assert Region.objects.filter(level="city").count() == 13
    assert Region.objects.filter(level="county").count() == 91
    assert Region.objects.filter(level="town").count() == 1001
    villages = list(Region.objects.filter(level="village").select_related("parent"))
    assert len(villages) == 1001
    _check_codes(villages)
    for region in Region.objects.exclude(level__in=["province", "village"]).select_related("parent"):
        assert codes.format_error(region.code, region.level) is None, region.code
        assert codes.nesting_error(region.code, region.parent.code, region.level) is None, region.code
        assert region.path == f"{region.parent.path}{region.code}/" and region.depth == region.parent.depth + 1

    total = Region.objects.count()
    build_province(random.Random(1), villages_target=1)
    assert Region.objects.count() == total

    Command()._province_users(province)
    Command()._province_users(province)
    from zhengshe.accounts.models import RoleAssignment

    grants = {g.user.username: g for g in RoleAssignment.objects.select_related("user", "region")}
    assert set(grants) == {"bench_leader", "bench_district", "bench_town"}
    assert grants["bench_leader"].region == province
    assert grants["bench_town"].region.parent == grants["bench_district"].region
    assert grants["bench_district"].user.totp_enabled  # admins never meet the TOTP set-up page in the bench


@pytest.mark.django_db
def test_province_builder_on_top_of_the_demo_county():
    from zhengshe.regions.demo import build_county, build_province

    taicang = build_county(random.Random(3))
    build_province(random.Random(2), villages_target=1)
    assert Region.objects.get(code="320585") == taicang  # kept, not duplicated or re-parented
    assert Region.objects.filter(code="320500").count() == 1
    assert Region.objects.filter(parent__code="320500", level="county").count() == 8  # 7 generated + 太仓市


def _every_printed_login_reaches_the_home_page(demo_output):
    """Each user in the printed table signs in through the real forms (password, then TOTP where marked *)."""
    import re

    import pyotp
    from django.test import Client

    from zhengshe.accounts.demo import DEMO_PASSWORD
    from zhengshe.accounts.models import User

    table = demo_output.split("TOTP secret", 1)[1]
    printed = re.findall(r"^([a-z0-9_]+)( \*)?\s", table, flags=re.M)
    assert len(printed) >= 9
    for username, star in printed:
        user = User.objects.get(username=username)
        client = Client()
        response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD, "next": "/"})
        assert response.status_code == 302, (username, response.status_code)
        if star:
            assert response["Location"] == "/accounts/login/totp/", username
            code = pyotp.TOTP(user.totp_secret).now()  # what `zhengshe totp_code <user>` prints
            response = client.post("/accounts/login/totp/", {"code": code})
            assert response.status_code == 302, (username, response.status_code)
        assert response["Location"] == "/", (username, response["Location"])
        home = client.get("/")
        assert home.status_code == 200 and "以下是您的工作范围" in home.content.decode(), username


def _totp_code_command_prints_the_current_code():
    import pyotp

    from zhengshe.accounts.models import User

    out = io.StringIO()
    call_command("totp_code", "mzj", stdout=out)
    assert pyotp.TOTP(User.objects.get(username="mzj").totp_secret).verify(out.getvalue().strip())


def test_county_demo_has_open_work_and_a_rebuild_keeps_it(demo_output):
    # given the demo, then its work inbox is filled and says so
    from zhengshe.core import inbox
    from zhengshe.core.models import WorkItem

    assert "待办事项：" in demo_output
    open_rows = set(WorkItem.objects.filter(closed_at__isnull=True).values_list("object_id", "workflow", "role"))
    assert open_rows
    # when rebuilt again from the current states, then the same open work remains
    inbox.rebuild()
    assert set(WorkItem.objects.filter(closed_at__isnull=True).values_list("object_id", "workflow", "role")) == open_rows
