"""Demo data for projects in the demo county (太仓市): 新湖村 runs its needs survey (four needs, ranked), the
county office keeps a purchasable-services catalogue, 双凤镇 publishes a venture-philanthropy call that answers
新湖村's needs, and 益众 (4A) submits an application, which waits for the town's formal review. Real services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

NEEDS = [("四点半课堂", "青少年服务", 124), ("老年助餐", "为老服务", 86), ("独居老人探访", "为老服务", 71),
         ("垃圾分类宣传", "环境保护", 33)]
CATALOGUE = [("FW-01", "居家养老上门服务", "为老服务", "人次", "35.00", ["town", "community"]),
             ("FW-02", "青少年课后托管", "青少年服务", "人·月", "300.00", ["town", "community"]),
             ("FW-03", "社区矫正社会工作服务", "社区治理", "人·年", "6000.00", ["district"]),
             ("JB-01", "社区综合服务设施运营", "社区基本公共服务", "个·年", "80000.00", ["town"])]


def build(ctx) -> None:
    from zhengshe.core.context import acting_as
    from zhengshe.organizations.interface import Organization
    from zhengshe.regions.models import Region

    from . import services
    from .models import Call

    if Call.objects.filter(buyer_region__path__under=ctx.county.path).exists():
        ctx.say("项目演示数据已存在，跳过。")
        return
    mzj, town_user, xinhu_user, shezu = (ctx.users[u] for u in ("mzj", "shuangfeng", "xinhu", "shezu"))
    shuangfeng = Region.objects.get(code="320585105")
    xinhu = Region.objects.get(parent=shuangfeng, name="新湖村")
    today = timezone.localdate()
    with acting_as(xinhu_user, source="command"):
        needs = [services.need_record(actor=xinhu_user, region=xinhu, year=today.year, title=title, category=cat,
                                      residents=n, respondents=236, source="survey",
                                      description="2026 年居民需求调查问卷（扫码 188 份、纸质 48 份）")
                 for title, cat, n in NEEDS]
    with acting_as(mzj, source="command"):
        items = [services.service_item_save(actor=mzj, region=ctx.county, kind="basic" if code.startswith("JB")
                                            else "purchasable", code=code, name=name, category=cat, unit=unit,
                                            typical_price=price, buyers=buyers)
                 for code, name, cat, unit, price, buyers in CATALOGUE]
    with acting_as(town_user, source="command"):
        call = services.call_create(
            actor=town_user, buyer_region=shuangfeng, year=today.year, kind="venture",
            title=f"双凤镇{today.year}年度社区公益创投", budget=Decimal("600000.00"),
            max_per_project=Decimal("50000.00"), opens_on=today - timedelta(days=7),
            closes_on=today + timedelta(days=30), min_grade="3A", local_only=True,
            description="福利彩票公益金资助，面向新湖村等村（社区）居民需求调查排名靠前的服务需求征集公益创投项目。",
            rubric=[{"name": "需求契合度", "weight": 30}, {"name": "方案可行性", "weight": 30},
                    {"name": "团队能力", "weight": 20}, {"name": "预算合理性", "weight": 20}],
            needs=needs[:3], items=items[:2])
        call = services.call_move(actor=town_user, call=call, action="publish")
    yizhong = Organization.objects.get(name="太仓市益众社会工作服务中心")
    with acting_as(shezu, source="command"):
        application = services.application_save(actor=shezu, call=call, organization=yizhong, data={
            "title": "“四点半课堂”青少年课后服务", "target_group": "新湖村 6–12 岁留守和双职工家庭儿童",
            "beneficiaries": 80, "proposal": "依托村综合服务中心，工作日 16:30–18:30 开展作业辅导、阅读和安全教育。",
            "team": "社会工作师 1 名、助理社会工作师 2 名、志愿者 15 名",
            "indicators": [{"name": "服务人次", "target": "3200"}, {"name": "家长满意度", "target": "≥90%"}],
            "budget_lines": [{"name": "社工人力", "amount": "28000.00"}, {"name": "学习用品", "amount": "6500.00"},
                             {"name": "志愿者补贴", "amount": "7500.00"}]})
        problems = services.application_problems(application)
        if not problems:
            services.application_submit(actor=shezu, application=application)
    ctx.say(f"项目：新湖村需求调查 {len(needs)} 项；双凤镇公益创投 {call.number} 已发布；益众申报"
            + ("已提交，待镇形式审查。" if not problems else f"为草稿（{'；'.join(problems)}）。"))
