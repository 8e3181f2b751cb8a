"""Demo step for the catalog: Taicang-shaped lists (two versions of the assisted list), departments, admission
requests in every state, refusals with notices, and a believable burden baseline and reduction per community.

Idempotent: does nothing when the county already has lists.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from zhengshe.core.context import acting_as
from zhengshe.regions.models import Region

from . import demo_data as data
from . import services
from .models import BurdenItem, Department, DutyList, ListItem


def build(ctx) -> None:
    county = ctx.county
    if DutyList.objects.filter(region=county).exists():
        return
    mzj = ctx.users["mzj"]
    with acting_as(mzj, source="command"):
        _departments(county)
        duties, assisted_v2, council = _lists(county, mzj)
    requests = _admissions(ctx, county)
    _asks(ctx, county, requests)
    n = _burden(ctx, county)
    ctx.say(f"清单：依法履职 {duties.items.count()} 项，协助政府 {assisted_v2.items.count()} 项（第 2 版），"
            f"“2+1”第三份清单 {council.items.count()} 项；准入申请 {len(requests)} 份；减负台账 {n} 条。")


def _departments(county) -> None:
    Department.objects.bulk_create([Department(region=county, name=n) for n in data.COUNTY_DEPARTMENTS])
    towns = Region.objects.filter(parent=county, level="town")
    Department.objects.bulk_create([Department(region=t, name=f"{t.name}{d}") for t in towns
                                    for d in data.TOWN_DEPARTMENTS])


def _fill(duty_list, rows) -> None:
    items = []
    for position, row in enumerate(rows, start=1):
        category, title, basis, dept = row[:4]
        funding_basis, amount = (row[4], Decimal(row[5])) if len(row) > 4 else ("none", Decimal(0))
        identity = services.lists._new_identity(duty_list, str(position))
        items.append(ListItem(duty_list=duty_list, identity=identity, number=str(position), category=category,
                              title=title, legal_basis=basis, department=dept, position=position,
                              funding_follows=funding_basis != "none", funding_basis=funding_basis,
                              funding_amount=amount))
    ListItem.objects.bulk_create(items)


def _lists(county, mzj):
    duties = services.list_create(actor=mzj, region=county, kind="duties", year=2010,
                                  title="太仓市基层群众自治组织依法履行职责事项清单", document_number="太政发〔2010〕89号")
    _fill(duties, data.DUTIES)
    services.list_publish(actor=mzj, duty_list=duties)
    v1 = services.list_create(actor=mzj, region=county, kind="assisted", year=2010,
                              title="太仓市基层群众自治组织协助政府工作事项清单", document_number="太政发〔2010〕89号")
    _fill(v1, data.ASSISTED)
    services.list_publish(actor=mzj, duty_list=v1)
    # v2 (2024): one item dropped, one reworded, one funding standard raised, one added — the diff shows each.
    v2 = services.list_new_version(actor=mzj, source=v1, year=2024)
    v2.document_number = "太政办〔2024〕31号"
    v2.save()
    items = {i.title: i for i in v2.items.all()}
    items["协助做好计划生育（人口监测）和优生优育服务"].delete()
    garbage = items["协助开展生活垃圾分类宣传和督导"]
    services.item_save(actor=mzj, duty_list=v2, item=garbage, **{
        **{f: getattr(garbage, f) for f in services.lists.ITEM_FIELDS}, "funding_amount": Decimal("15")})
    census = items["协助开展人口普查、经济普查等国家统计调查"]
    services.item_save(actor=mzj, duty_list=v2, item=census, **{
        **{f: getattr(census, f) for f in services.lists.ITEM_FIELDS},
        "title": "协助开展人口普查、经济普查、农业普查等国家统计调查"})
    services.item_save(actor=mzj, duty_list=v2, number="28", category="四、社会治安综合治理",
                       title="协助做好基层网格化服务管理信息采集", legal_basis="《江苏省社会治理促进条例》第二十六条",
                       department="太仓市民政局", funding_follows=True, funding_basis="fixed",
                       funding_amount=Decimal("6000"))
    services.list_publish(actor=mzj, duty_list=v2)
    council = services.list_create(actor=mzj, region=county, kind="council", year=2015,
                                   title="居民自治理事会协助事项清单（“2+1”）")
    _fill(council, [(c, t, b, "太仓市民政局") for c, t, b in data.COUNCIL])
    services.list_publish(actor=mzj, duty_list=council)
    # The real dates, so "the list in force on a date" answers as history had it (2010 pilot, 2024 revision).
    for obj, published, superseded in ((duties, (2010, 8, 1), None), (v1, (2010, 8, 1), (2024, 3, 1)),
                                       (v2, (2024, 3, 1), None), (council, (2015, 6, 1), None)):
        obj.refresh_from_db()
        obj.published_at = _moment(*published)
        obj.superseded_at = _moment(*superseded) if superseded else None
        obj.save()
    return duties, v2, council


def _moment(year, month, day):
    from datetime import datetime

    return timezone.make_aware(datetime(year, month, day, 9, 0))


def _admissions(ctx, county) -> list:
    users = ctx.users
    shuangfeng = Region.objects.get(code="320585105")
    chengxiang = Region.objects.get(code="320585100")
    sf_villages = list(Region.objects.filter(parent=shuangfeng, level="village").order_by("code"))
    cx_villages = list(Region.objects.filter(parent=chengxiang, level="village").order_by("code"))
    xinhu = next(v for v in sf_villages if v.name == "新湖村")
    cunwei2_region = users["cunwei2"].role_assignments.first().region
    third = next(v for v in sf_villages if v.pk not in (xinhu.pk, cunwei2_region.pk))
    today = timezone.localdate()
    year_end = date(today.year, 12, 31)
    sf, cx, mzj = users["shuangfeng"], users["chengxiang"], users["mzj"]
    basis = "《中华人民共和国安全生产法》第七十七条"
    made = []

    def request(actor, title, kind, subtype="", mode="list", regions=(), root=None, **extra):
        with acting_as(actor, source="command"):
            r = services.admission_create(
                actor=actor, kind=kind, subtype=subtype, title=title, content=extra.pop("content", title),
                legal_basis=extra.pop("legal_basis", basis), workload_hours=extra.pop("hours", Decimal("12")),
                target_mode=mode, target_root=root, regions=regions, requested_from=today,
                requested_until=year_end, **extra)
        made.append(r)
        return r

    def move(actor, r, action, comment=""):
        with acting_as(actor, source="command"):
            return services.admission_move(actor=actor, admission=r, action=action, comment=comment)

    def approve(r, mode, regions=(), root=None):
        with acting_as(mzj, source="command"):
            return services.admission_approve(actor=mzj, admission=r, mode=mode, regions=regions, root=root,
                                              valid_from=today, valid_until=year_end, comment="经领导小组审核，同意准入。")

    # The issue's scenario: a new ledger approved for two villages; the third (cunwei2's) will refuse it.
    r = request(sf, "垃圾分类督导电子台账", "ledger", "electronic", regions=sf_villages[:4],
                content="各村每周录入垃圾分类督导情况，按月汇总上报镇社会事业局。",
                legal_basis="《江苏省生活垃圾管理条例》第八条", funding_follows=True, funding_amount=Decimal("2400"),
                workload="每周约 1 小时")
    move(sf, r, "submit")
    approve(r, "list", regions=[xinhu, third])
    r = request(sf, "农村人居环境长效管护巡查", "task", mode="subtree", root=shuangfeng,
                content="每月组织一次村庄环境巡查，发现问题拍照上报。", legal_basis="《江苏省农村人居环境整治条例》第十条")
    move(sf, r, "submit")
    approve(r, "subtree", root=shuangfeng)
    r = request(cx, "社区消防安全网格巡查记录", "ledger", "paper", mode="subtree", root=chengxiang,
                content="每季度开展一次消防安全网格巡查并记录。")
    move(cx, r, "submit")
    r = request(cx, "出具居住情况证明", "certificate", regions=cx_villages[:3],
                content="为辖区居民出具居住情况证明。", legal_basis="（待补充）")
    move(cx, r, "submit")
    move(mzj, r, "return", "证明事项须提供法律、法规依据；请补充依据并说明为何不能由公安派出所出具。")
    r = request(sf, "“文明家庭”星级评比", "rating", mode="subtree", root=shuangfeng,
                content="每年组织一次文明家庭星级评比，建立评比台账。", legal_basis="双凤镇文明创建工作要点")
    move(sf, r, "submit")
    move(mzj, r, "reject", "评比事项无法律依据，且属于村民自治范围，不予准入；可由村民会议自主决定是否开展。")
    r = request(sf, "村级防汛物资储备点挂牌", "signboard", "inside", regions=sf_villages[:2],
                content="在村综合服务中心内悬挂防汛物资储备点标牌。", legal_basis="《中华人民共和国防洪法》第四十五条")
    return made


def _asks(ctx, county, requests) -> None:
    """Refusals and other unlisted asks across the county, attributed to departments."""
    rng = ctx.rng
    users = ctx.users
    today = timezone.localdate()
    cunwei2 = users["cunwei2"]
    region = cunwei2.role_assignments.first().region
    ledger_request = requests[0]
    with acting_as(cunwei2, source="command"):
        ask = services.ask_record(actor=cunwei2, region=region, received_on=today, department="双凤镇社会事业局",
                                  kind="ledger", title="垃圾分类督导电子台账", admission=ledger_request,
                                  content="要求每周录入垃圾分类督导情况。", asker="镇社会事业局 周某", channel="工作群")
        services.ask_refuse(actor=cunwei2, ask=ask)
    mzj = users["mzj"]
    villages = list(Region.objects.filter(path__under=county.path, level="village").order_by("code"))
    towns = {t.pk: t.name for t in Region.objects.filter(parent=county)}
    asks = [("task", "填报创建文明城市入户调查表"), ("ledger", "建立“僵尸车”排查台账"), ("rating", "参加“最美庭院”评比"),
            ("signboard", "悬挂“食品安全示范村”标牌"), ("certificate", "出具无犯罪记录证明"),
            ("task", "在工作群每日上报巡河照片"), ("ledger", "建立电动自行车充电隐患台账"),
            ("certificate", "出具亲属关系证明"), ("task", "组织村民下载反诈 App 并截图上报")]
    with acting_as(mzj, source="command"):
        for _n in range(36):
            village = rng.choice(villages)
            kind, title = rng.choice(asks)
            dept = rng.choice([f"{towns[village.parent_id]}{d}" for d in ("社会事业局", "社会治理办公室",
                                                                          "安全生产监督管理办公室")]
                              + ["太仓市市场监督管理局", "太仓市公安局"])
            ask = services.ask_record(actor=mzj, region=village, received_on=today - timedelta(days=rng.randint(0, 60)),
                                      department=dept, kind=kind, title=title, channel=rng.choice(["电话", "工作群", "发文"]))
            roll = rng.random()
            if roll < 0.6:
                services.ask_refuse(actor=mzj, ask=ask)
            elif roll < 0.75:
                services.ask_set_outcome(actor=mzj, ask=ask, outcome="withdrawn", note="部门已撤回要求")
            elif roll < 0.85:
                services.ask_set_outcome(actor=mzj, ask=ask, outcome="accepted", note="村两委研究后自愿协助")


def _burden(ctx, county) -> int:
    """Haimen-like registry per community: ≈71 ledgers → 3 paper, 6 creation, 8 electronic kept; ≈59 signboards →
    2 outside and 16 inside kept; ratings cut to a handful. Cleared between 2015 and 2019."""
    rng = ctx.rng
    villages = list(Region.objects.filter(path__under=county.path, level="village"))
    rows = []
    plan = [  # subtype, kind, topics, baseline range, kept range, suffix
        ("paper", "ledger", data.LEDGER_TOPICS, (26, 32), (2, 4), "台账"),
        ("creation", "ledger", data.LEDGER_TOPICS, (20, 26), (5, 7), "创建台账"),
        ("electronic", "ledger", data.LEDGER_TOPICS, (14, 18), (7, 9), "电子台账"),
        ("outside", "signboard", data.SIGN_TOPICS, (10, 14), (2, 2), ""),
        ("inside", "signboard", data.SIGN_TOPICS, (44, 48), (15, 17), ""),
        ("rating", "rating", data.RATING_TOPICS, (18, 24), (3, 6), "评比"),
    ]
    for village in villages:
        for subtype, kind, topics, base_range, kept_range, suffix in plan:
            n = rng.randint(*base_range)
            kept = rng.randint(*kept_range)
            names = rng.sample(topics, min(n, len(topics)))
            while len(names) < n:
                names.append(rng.choice(topics) + "（二）")
            for i, topic in enumerate(names):
                if i < kept:
                    state, changed = "kept", None
                else:
                    merged = subtype in ("paper", "creation") and rng.random() < 0.35
                    state = "merged" if merged else "removed"
                    changed = date(rng.randint(2015, 2019), rng.randint(1, 12), rng.randint(1, 28))
                rows.append(BurdenItem(region=village, kind=kind, subtype=subtype, name=f"{topic}{suffix}",
                                       in_baseline=True, state=state, state_changed_on=changed))
    BurdenItem.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
