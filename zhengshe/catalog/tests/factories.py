"""Builders for catalog tests over the small world (county A = 320581, its towns and villages)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from zhengshe.catalog import services
from zhengshe.catalog.models import BurdenItem, Department, DutyList, ListItem

DEPARTMENTS = ["甲县民政局", "甲县公安局", "甲县卫生健康委员会", "甲县人力资源和社会保障局", "甲县1镇社会事业局"]


def departments(world):
    for name in DEPARTMENTS[:4]:
        Department.objects.get_or_create(region=world.county_a, name=name)
    Department.objects.get_or_create(region=world.town_a1, name=DEPARTMENTS[4])


def published_list(world, *, kind="assisted", title="甲县协助政府工作事项清单", items=3) -> DutyList:
    """A published list of county A with ``items`` items (numbers 1..n)."""
    departments(world)
    duty_list = services.list_create(actor=world.district_admin, region=world.county_a, kind=kind, year=2026,
                                     title=title)
    for n in range(1, items + 1):
        services.item_save(actor=world.district_admin, duty_list=duty_list, number=str(n), category="社会事务",
                           title=f"{title}事项{n}", legal_basis="《中华人民共和国村民委员会组织法》第五条",
                           department="甲县民政局", funding_follows=n == 1, funding_basis="per_household" if n == 1
                           else "none", funding_amount=10 if n == 1 else 0)
    return services.list_publish(actor=world.district_admin, duty_list=duty_list)


def admission(world, *, title="新增安全生产检查台账", kind="ledger", subtype="paper", regions=None, submit=True,
              approve=False, approved_regions=None):
    """A request by town A1's worker for villages of town A1; optionally submitted and approved."""
    today = timezone.localdate()
    regions = regions if regions is not None else [world.village_a1x, world.village_a1y]
    request = services.admission_create(
        actor=world.town_staff, kind=kind, subtype=subtype, title=title, department="甲县1镇社会事业局",
        content="每月填报一次", legal_basis="《中华人民共和国安全生产法》第七十七条", workload_hours=12,
        target_mode="list", requested_from=today, requested_until=today + timedelta(days=365), regions=regions)
    if submit:
        request = services.admission_move(actor=world.town_staff, admission=request, action="submit")
    if approve:
        request = services.admission_approve(
            actor=world.district_admin, admission=request, mode="list",
            regions=approved_regions if approved_regions is not None else [world.village_a1x],
            valid_from=today - timedelta(days=1), valid_until=today + timedelta(days=300), comment="同意")
    return request


def ask(world, *, region=None, title="要求填报创文入户调查表", refuse=False, department="甲县1镇社会事业局"):
    record = services.ask_record(actor=world.village_staff if region is None else world.district_admin,
                                 region=region or world.village_a1x, received_on=timezone.localdate(),
                                 department=department, kind="task", title=title, content="三天内完成",
                                 asker="王某", channel="工作群")
    if refuse:
        record = services.ask_refuse(actor=world.district_admin, ask=record)
    return record


def burden(world, *, region=None, name="综治台账", subtype="paper", kind="ledger", in_baseline=True, state="kept",
           changed=None, started=None) -> BurdenItem:
    return BurdenItem.objects.create(region=region or world.village_a1x, kind=kind, subtype=subtype, name=name,
                                     in_baseline=in_baseline, started_on=started, state=state,
                                     state_changed_on=changed if changed else (date(2025, 6, 1)
                                                                               if state != "kept" else None))


def list_item(duty_list) -> ListItem:
    return duty_list.items.order_by("position").first()
