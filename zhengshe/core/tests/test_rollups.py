"""Rollup rows stay equal to a fresh aggregation through every kind of write — services, imports, bulk loads,
queryset updates, deletes, rolled-back transactions — on SQLite and PostgreSQL; `zhengshe rollups verify` says
so, names every difference when a row is wrong, and `rollups rebuild` repairs it."""

import datetime as dt
import random
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction

from zhengshe.core import rollups
from zhengshe.core.models import Rollup
from zhengshe.regions import selectors
from zhengshe.regions.models import Region
from zhengshe.utilities.excel import build_workbook


def verify() -> str:
    out = StringIO()
    call_command("rollups", "verify", stdout=out)
    return out.getvalue()


def test_the_world_as_built_verifies_and_the_totals_read_one_row(world, django_assert_num_queries):
    assert rollups.differences() == []
    assert "0 处差异" in verify()
    with django_assert_num_queries(1):
        totals = selectors.totals(world.county_a.path)
    assert totals == selectors.fresh_totals_for_paths([world.county_a.path])[world.county_a.path]


def _region_writes(world, rng):
    from zhengshe.regions import services

    villages = list(Region.objects.filter(level="village", path__under=world.county_a.path))
    for _ in range(6):
        village = rng.choice(villages)
        village.refresh_from_db()
        services.region_update(actor=world.district_admin, region=village, population=rng.randint(0, 9000),
                               households=rng.randint(0, 3000), service_centre_area=Decimal(rng.choice([0, 399, 400, 850])))
    town = world.town_a2
    services.region_create(actor=world.district_admin, code=f"{town.code}230", name="随机新村", parent=town,
                           level="village", population=321, households=99)
    header = services.IMPORT_HEADERS
    row = {h: "" for h in header} | {"统计用区划代码": f"{town.code}231", "名称": "导入新村", "层级": "village",
                                       "上级代码": town.code, "人口": "777", "户数": "222"}
    report = services.import_regions(SimpleUploadedFile("导入.xlsx", build_workbook(header, [[row[h] for h in header]])),
                                     actor=world.district_admin)
    assert report.ok and Region.objects.filter(code=f"{town.code}231", population=777).exists(), report.errors
    Region.objects.bulk_create([Region(code=f"{town.code}232", name="批量新村", level="village", parent=town,
                                       population=50, households=10, path=f"{town.path}{town.code}232/", depth=5)])
    Region.objects.filter(code=f"{town.code}232").update(population=60)
    Region.objects.filter(code=f"{town.code}230").delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        Region.objects.filter(path__under=world.county_b.path, level="village").update(population=1)
        raise RuntimeError("roll back")


def _agreement_writes(world):
    from zhengshe.agreements import services
    from zhengshe.agreements.models import Agreement
    from zhengshe.agreements.tests.conftest import YEAR, make_assisted_list, sign_both

    make_assisted_list(world.county_a)
    template = services.template_create(actor=world.town_staff, region=world.town_a1, year=YEAR, instalment_plan=[
        {"label": "第一期", "percent": "60", "due": f"{YEAR}-06-30"}, {"label": "第二期", "percent": "40",
                                                                       "due": f"{YEAR}-12-31"}])
    services.drafting_start(actor=world.town_staff, template=template)
    agreement = sign_both(world, Agreement.objects.get(template=template, party_b=world.village_a1x))
    agreement = services.agreement_transition(actor=world.town_staff, agreement=agreement, action="activate")
    first = agreement.instalments.order_by("number").first()
    services.instalment_pay(actor=world.town_staff, instalment=first, paid_on=dt.date(YEAR, 6, 1), voucher_number="V1")
    services.funds_adjust(actor=world.district_admin, agreement=agreement, kind="withhold", amount=Decimal("123.45"),
                          reason="随机扣减")
    return agreement


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_write_sequences_leave_zero_differences(world, seed):
    rng = random.Random(seed)
    _region_writes(world, rng)
    agreement = _agreement_writes(world)
    assert rollups.differences() == []
    assert "0 处差异" in verify()
    # and the agreement's money reads from its village's rows, up the tree
    sums = rollups.read([world.village_a1x.path, world.county_a.path], ["agreements.allocated", "agreements.paid",
                                                                        "agreements.withheld"], year=agreement.year)
    agreement.refresh_from_db()
    for path in (world.village_a1x.path, world.county_a.path):
        assert sums[path]["agreements.allocated"] == agreement.funds_allocated > 0
        assert sums[path]["agreements.paid"] == agreement.funds_paid > 0
        assert sums[path]["agreements.withheld"] == Decimal("123.45")


def test_a_wrong_row_is_named_and_rebuild_repairs_it(world):
    Rollup.objects.filter(region_path=world.county_a.path, year=0, key="population").update(value=1)
    with pytest.raises(CommandError, match="1 处差异"):
        call_command("rollups", "verify", stdout=StringIO())
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("rollups", "verify", stdout=out)
    assert f"{world.county_a.path} — population：表中 1.00" in out.getvalue()
    call_command("rollups", "rebuild", stdout=StringIO())
    assert "0 处差异" in verify()


def test_a_bulk_load_larger_than_one_statement_moves_every_row(world):
    # A province's bulk load moves ~100 000 rows at once; SQLite caps the variables of one statement, so the
    # deltas go in batches — every one of them lands.
    town = Region.objects.get(pk=world.town_a1.pk)
    n = rollups.APPLY_BATCH * 2 + 7
    before = selectors.totals(town.path)
    Region.objects.bulk_create([Region(code=f"{town.code}{i + 300:03d}", name=f"批量村{i}", level="village", parent=town,
                                       path=f"{town.path}{town.code}{i + 300:03d}/", depth=5, population=1)
                                for i in range(n)])
    after = selectors.totals(town.path)
    assert after["villages"] == before["villages"] + n and after["population"] == before["population"] + n
    assert rollups.differences() == []
