"""Demo data for social organizations in the demo county (太仓市): the district imports its existing
register (several hundred organizations), 益众 files its annual report, an incubated group graduates,
a finished 2025 grading round takes 益众 to 4A with a certificate, one organization is on the abnormal
list. Runs through the real services and the real import, so the demo exercises them; ~10 seconds."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from .choices import ApplicationStatus, OrgStatus, RegistrationKind
from .credit_code import make_credit_code

YIZHONG = "太仓市益众社会工作服务中心"

# (type label, category label, name suffixes) — the registered part of the register.
REGISTERED = [
    ("社会团体", "行业协会商会类", ["商会", "物流协会", "建筑业协会", "餐饮行业协会", "纺织服装商会", "港口协会",
                                   "个体劳动者协会", "旅游协会", "农产品流通协会", "电子商务协会", "家具行业协会",
                                   "汽车维修行业协会", "物业管理协会", "化工行业协会", "印刷行业协会"]),
    ("社会团体", "科技类", ["科学技术协会", "农学会", "机械工程学会", "计算机学会", "水利学会"]),
    ("社会团体", "公益慈善类", ["慈善总会", "志愿者协会", "红十字会", "助学促进会", "关爱老人协会", "义工联合会",
                                "扶残助残协会", "见义勇为协会"]),
    ("社会团体", "文体类", ["书法家协会", "摄影家协会", "音乐家协会", "围棋协会", "篮球协会", "江南丝竹研究会",
                            "戏曲研究会", "老年体育协会", "钓鱼协会", "登山协会"]),
    ("民办非企业单位（社会服务机构）", "城乡社区服务类", ["社区服务中心", "居家养老服务中心", "邻里互助中心",
                                                    "社区矫正服务站", "心理咨询服务中心", "家庭服务中心",
                                                    "青少年事务服务中心", "禁毒社会工作服务站"]),
    ("民办非企业单位（社会服务机构）", "养老服务类", ["颐养院", "日间照料中心", "护理院", "长者照护中心"]),
    ("民办非企业单位（社会服务机构）", "教育类", ["培训学校", "幼儿园", "职业技能培训中心", "艺术培训学校"]),
    ("民办非企业单位（社会服务机构）", "公益慈善类", ["公益发展中心", "社会工作服务社", "公益服务中心",
                                                  "助残服务中心"]),
    ("民办非企业单位（社会服务机构）", "调解类", ["人民调解服务中心", "医患纠纷调处中心"]),
    ("基金会", "公益慈善类", ["教育基金会", "慈善基金会", "见义勇为基金会"]),
]
# Community organizations filed with the town (seed 000: mostly 文体 and 计生, few 维权/科普).
COMMUNITY = [
    ("文体类", ["广场舞队", "腰鼓队", "合唱团", "书画社", "太极拳队", "沪剧团", "舞龙队", "健身队", "读书会"], 36),
    ("计生类", ["计生协会", "母婴关爱小组"], 14),
    ("城乡社区服务类", ["邻里互助会", "居民自治理事会", "睦邻点", "环境整治志愿队", "平安巡逻队"], 20),
    ("养老服务类", ["老年协会", "助老服务队", "银龄互助社"], 12),
    ("调解类", ["老娘舅调解室", "矛盾调解小组"], 7),
    ("维权类", ["妇女维权站", "消费者维权联络站"], 4),
    ("科普类", ["科普小组", "农技服务队"], 4),
    ("公益慈善类", ["爱心帮扶队", "志愿服务站", "助学小组"], 8),
]


def _place(region) -> str:
    for suffix in ("街道", "镇", "社区", "村", "市"):
        if region.name.endswith(suffix) and len(region.name) > len(suffix):
            return region.name[: -len(suffix)]
    return region.name


def _register_rows(ctx, towns, villages_by_town) -> list[dict]:
    """A believable register: ~80 registered organizations and ~300 filed community organizations."""
    rng = ctx.rng
    county = ctx.county
    rows, used = [], set()
    serial = 5000

    def year_between(start, end):
        # Growth over time: later years are more likely (Changning: 8% a year).
        weights = [1.08 ** (y - start) for y in range(start, end + 1)]
        return rng.choices(range(start, end + 1), weights=weights)[0]

    for type_label, category, suffixes in REGISTERED:
        for suffix in suffixes:
            where = county if rng.random() < 0.6 else rng.choice(towns)
            city_level = type_label == "基金会" or (category == "行业协会商会类" and rng.random() < 0.3)
            name = f"太仓市{suffix}" if where is county else f"太仓市{_place(where)}{suffix}"
            if name in used:
                continue
            used.add(name)
            serial += 1
            type_digit = {"社会团体": "1", "基金会": "3"}.get(type_label, "2")
            founded = date(year_between(2003, 2025), rng.randint(1, 12), rng.randint(1, 28))
            rows.append({
                "名称": name, "统一社会信用代码": make_credit_code(type_digit, "320500" if city_level else "320585", serial),
                "组织类型": type_label, "类别": category, "登记/备案": "登记",
                "登记层级": "市级" if city_level else "县（区）级",
                "登记管理机关": "苏州市民政局" if city_level else "太仓市民政局", "所在区划代码": where.code,
                "成立日期": founded.isoformat(), "登记日期": (founded + timedelta(days=rng.randint(20, 90))).isoformat(),
                "法定代表人": rng.choice("王李张刘陈杨黄赵周吴徐孙朱马胡郭") + rng.choice(["建华", "秀英", "志强", "丽娟", "国平", "海燕", "明", "静"]),
                "联系人": rng.choice("钱沈顾陆范蒋") + rng.choice(["敏", "军", "芳", "伟"]),
                "联系电话": f"139{rng.randint(10000000, 99999999)}", "住所": f"太仓市{_place(where)}{rng.randint(1, 200)}号",
                "业务范围": f"{category.rstrip('类')}服务", "会员数": rng.randint(20, 400) if type_label == "社会团体" else 0,
                "专职工作人员": rng.randint(1, 25), "持证社工": rng.randint(0, 8), "志愿者": rng.randint(0, 300),
                "党组织": "是" if rng.random() < 0.45 else "否", "状态": "正常",
            })
    for town in towns:
        for village in villages_by_town[town.pk]:
            for category, suffixes, weight in COMMUNITY:
                if rng.random() > weight / 35:
                    continue
                name = f"{_place(village)}{village.name[-2:] if village.name.endswith('社区') else '村'}{rng.choice(suffixes)}"
                if name in used:
                    continue
                used.add(name)
                founded = date(year_between(2008, 2026), rng.randint(1, 12), rng.randint(1, 28))
                if founded > date(2026, 10, 31):
                    founded = date(2026, 10, rng.randint(1, 28))
                rows.append({
                    "名称": name, "统一社会信用代码": "", "组织类型": "社区社会组织", "类别": category,
                    "登记/备案": "备案", "登记层级": "街镇备案", "登记管理机关": f"{town.name}人民政府",
                    "所在区划代码": village.code, "成立日期": founded.isoformat(), "登记日期": founded.isoformat(),
                    "法定代表人": "", "联系人": rng.choice("王李张刘陈") + rng.choice(["阿姨", "师傅", "老师"]),
                    "联系电话": f"138{rng.randint(10000000, 99999999)}", "住所": village.name, "业务范围": category,
                    "会员数": rng.randint(8, 80), "专职工作人员": 0, "持证社工": 0, "志愿者": rng.randint(5, 60),
                    "党组织": "否", "状态": "正常",
                })
    return rows


def _workbook(rows) -> io.BytesIO:
    from openpyxl import Workbook

    from .imports import IMPORT_HEADERS

    wb = Workbook()
    ws = wb.active
    ws.append(IMPORT_HEADERS)
    for row in rows:
        ws.append([row.get(h, "") for h in IMPORT_HEADERS])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "太仓市社会组织名册.xlsx"
    return out


def build(ctx) -> None:
    from zhengshe.core.context import acting_as
    from zhengshe.regions.models import Region

    from . import imports, services
    from .models import Organization

    if Organization.objects.filter(region__path__under=ctx.county.path).count() > 50:
        ctx.say("社会组织演示数据已存在，跳过。")
        return
    mzj, shezu, expert = ctx.users["mzj"], ctx.users["shezu"], ctx.users["zhuanjia"]
    towns = list(Region.objects.filter(parent=ctx.county).order_by("code"))
    villages_by_town = {t.pk: [] for t in towns}
    for v in Region.objects.filter(parent__in=towns).order_by("code"):
        villages_by_town[v.parent_id].append(v)

    # 1. 益众 (created by the foundation with the shezu account): completed as a registered 民非.
    yizhong = Organization.objects.get(name=YIZHONG)
    with acting_as(mzj, source="command"):
        services.organization_update(actor=mzj, org=yizhong, data={
            "credit_code": make_credit_code("2", "320585", 4242), "org_type": "service_institution",
            "category": "community_service", "registration_kind": RegistrationKind.REGISTERED,
            "registration_level": "county", "registration_authority": "太仓市民政局",
            "founded_on": date(2015, 9, 1), "registered_on": date(2015, 10, 12), "legal_representative": "赵敏",
            "contact_person": "赵敏", "contact_phone": "13962612345", "address": "太仓市城厢镇县府东街88号",
            "business_scope": "社会工作服务、社区服务、为老服务、青少年服务、政府购买服务项目承接",
            "members": 0, "full_time_staff": 18, "social_workers": 9, "volunteers": 260, "has_party_org": True,
            "party_org_name": "太仓市益众社会工作服务中心党支部",
            "introduction": "承接政府购买服务项目，在双凤镇、城厢镇开展“三社联动”社区服务。"})
        yizhong.refresh_from_db()
        yizhong.service_regions.set(towns[:2] + [t for t in towns if t.name in ("双凤镇", "城厢镇")])

        # 2. The district imports its existing register through the real import (all-or-nothing).
        report = imports.import_register(_workbook(_register_rows(ctx, towns, villages_by_town)), actor=mzj)
        if not report.ok:
            raise RuntimeError("; ".join(str(e) for e in report.errors[:5]))
        ctx.say(f"社会组织：导入名册 {report.created} 家（含社区社会组织备案）。")

        registered = list(Organization.objects.filter(region__path__under=ctx.county.path,
                                                      registration_kind=RegistrationKind.REGISTERED)
                          .exclude(pk=yizhong.pk).order_by("id"))
        _annual_reports(ctx, yizhong, registered, mzj, shezu)
        _incubators(ctx, towns, villages_by_town, mzj)
        _grading(ctx, yizhong, registered, mzj, shezu, expert)
        _credit(ctx, registered, mzj)
        # A pending change of registered facts, for the office to review.
        services.change_request_submit(actor=shezu, org=yizhong, changes={"address": "太仓市城厢镇上海东路18号"},
                                       reason="办公场所搬迁")


def _annual_reports(ctx, yizhong, registered, mzj, shezu):
    from . import services
    from .models import AnnualReport

    rng = ctx.rng
    year = 2025
    report = services.annual_report_for(actor=shezu, org=yizhong, year=year)
    services.annual_report_save(actor=shezu, report=report, submit=True, data={
        "activities": "全年开展社区服务 312 场，服务 1.2 万人次；承接双凤镇、城厢镇政府购买服务项目 5 个。",
        "projects": "“三社联动”社区营造、居家养老上门服务、青少年暑期课堂、困境儿童关爱、社区矫正协助",
        "revenue": Decimal("2860000.00"), "expenditure": Decimal("2712345.60"), "net_assets": Decimal("486000.00"),
        "government_funding": Decimal("2150000.00"), "staff": 18, "social_workers": 9, "volunteers": 260})
    report = AnnualReport.objects.get(pk=report.pk)
    report.submitted_at, report.late = datetime(2026, 4, 20, 10, 30, tzinfo=timezone.get_current_timezone()), False
    report.save()  # the demo's report was filed in April, before the 31 May deadline
    services.annual_report_review(actor=mzj, report=AnnualReport.objects.get(pk=report.pk), action="accept",
                                  result="qualified", comment="材料齐全，合格。")
    for org in registered:
        if org.registered_on and org.registered_on.year > year or rng.random() < 0.08:
            continue  # a few missing: flagged by the sweep below
        AnnualReport.objects.create(
            organization=org, year=year, deadline=services.report_deadline(year), status="accepted",
            activities="按章程开展业务活动。", revenue=Decimal(rng.randint(50, 3000) * 1000),
            expenditure=Decimal(rng.randint(40, 2800) * 1000), submitted_at=None, result=rng.choice(
                ["qualified"] * 8 + ["basic"]), staff=org.full_time_staff)
    stats = services.annual_reports_sweep()
    ctx.say(f"社会组织：益众报送 {year} 年度报告并审核合格；{stats['flagged']} 家逾期未报已标记并提醒。")


def _incubators(ctx, towns, villages_by_town, mzj):
    from zhengshe.accounts.models import User

    from . import services
    from .models import Organization

    shuangfeng = next(t for t in towns if t.name == "双凤镇")
    town_user = User.objects.get(username="shuangfeng")
    park = services.incubator_save(actor=mzj, data={
        "name": "太仓市社会组织孵化园", "level": "district", "region": ctx.county, "operator": "太仓市社会组织服务中心",
        "address": "太仓市县府街 28 号", "area": Decimal("1200"), "capacity": 12, "funding": Decimal("2000000"),
        "opened_on": date(2014, 6, 1), "default_months": 12})
    centre = services.incubator_save(actor=town_user, data={
        "name": "双凤镇社会组织孵化中心", "level": "street", "region": shuangfeng, "parent": park,
        "operator": "太仓市益众社会工作服务中心", "capacity": 6, "opened_on": date(2019, 3, 1), "default_months": 12})
    village = villages_by_town[shuangfeng.pk][0]
    groups = []
    for i, (name, category) in enumerate([("双凤镇乡村振兴青年志愿队", "charity"), ("双凤镇银发互助社", "elderly"),
                                          ("双凤镇亲子阅读会", "culture_sports"), ("双凤镇残疾人互助会", "charity"),
                                          ("双凤镇非遗传承社", "culture_sports"), ("双凤镇邻里调解队", "mediation")]):
        groups.append(Organization.objects.create(
            name=name, region=village, org_type="community", category=category,
            registration_kind=RegistrationKind.FILED, registration_level="town", status=OrgStatus.PREPARING,
            founded_on=date(2026, 1, 10 + i), contact_person="联系人"))
    for i, group in enumerate(groups):
        where = centre if i % 2 == 0 else park
        actor = town_user if where is centre else mzj
        inc = services.incubation_apply(actor=actor, incubator=where, organization=group,
                                        plan="入驻孵化，完善章程和财务制度，开展首个社区服务项目，一年内完成备案。")
        if i == 5:
            continue  # still applying
        inc = services.incubation_transition(actor=actor, incubation=inc, action="admit", start_on=date(2026, 3, 1),
                                             months=12)
        services.incubation_add_service(actor=actor, incubation=inc, data={
            "kind": "training", "provided_on": date(2026, 3, 15), "hours": Decimal("3"), "description": "社会组织财务与章程培训"})
        services.incubation_add_service(actor=actor, incubation=inc, data={
            "kind": "space", "provided_on": date(2026, 3, 1), "hours": Decimal("0"), "description": "提供办公工位和活动室"})
        services.incubation_add_service(actor=actor, incubation=inc, data={
            "kind": "mentoring", "provided_on": date(2026, 5, 20), "hours": Decimal("6"), "description": "督导陪伴：项目设计"})
        m1 = services.incubation_add_milestone(actor=actor, incubation=inc, data={"title": "制定章程", "due_on": date(2026, 4, 30)})
        services.incubation_add_milestone(actor=actor, incubation=inc, data={"title": "完成备案", "due_on": date(2026, 12, 31)})
        services.milestone_done(actor=actor, milestone=m1, done_on=date(2026, 4, 20))
        if i == 0:  # graduates: filed with the town, then leaves the incubator
            group.filing_number = services.next_filing_number(village, 2026)
            group.registered_on = date(2026, 9, 1)
            group.save()
            services.organization_set_status(actor=town_user, org=group, action="activate", comment="完成备案")
            services.incubation_transition(actor=actor, incubation=inc, action="graduate", comment="已完成备案，出壳。")
        if i == 4:
            services.incubation_transition(actor=actor, incubation=inc, action="exit", comment="骨干成员流失，主动退出。")
    ctx.say("社会组织：孵化园与双凤镇孵化中心，6 家组织入驻，1 家出壳，1 家退出。")


def _grading(ctx, yizhong, registered, mzj, shezu, expert):
    from . import services
    from .models import Evidence, GradeApplication

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    rnd = services.round_create(actor=mzj, data={
        "year": 2025, "region": ctx.county, "name": "太仓市2025年度社会组织等级评估", "issuer": "太仓市民政局",
        "threshold_5a": 900, "threshold_4a": 800, "threshold_3a": 700, "threshold_2a": 600, "threshold_1a": 500})
    # The demo office has one civil-affairs account: this past round is entered by it alone, with the reason on record.
    rnd = services.round_set_separation(actor=mzj, rnd=rnd, required=False,
                                        reason="2025 年度评估已按纸质流程由评估委员会办理，本系统仅补录结果。")
    rnd = services.round_transition(actor=mzj, rnd=rnd, action="open")
    app = services.application_start(actor=shezu, rnd=rnd, organization=yizhong)
    services.application_save(actor=shezu, app=app, data={
        "requested_grade": "4A", "self_score": Decimal("852"),
        "self_assessment": "法人治理结构健全，党支部发挥作用；年度承接政府购买服务项目 5 个，服务对象满意度 96%。"})
    services.evidence_add(actor=shezu, app=app, title="章程及登记证书",
                          upload=SimpleUploadedFile("章程及登记证书.pdf", pdf, content_type="application/pdf"))
    services.application_transition(actor=shezu, app=app, action="declare")
    others = [o for o in registered if o.registered_on and o.registered_on.year <= 2022][:9]
    apps = [app]
    for org in others:  # paper declarations entered by the office
        other = GradeApplication.objects.create(round=rnd, organization=org, status=ApplicationStatus.DECLARED,
                                                requested_grade="3A", self_assessment="书面申报材料已报送。")
        apps.append(other)
    rnd = services.round_transition(actor=mzj, rnd=rnd, action="close_declaration")
    targets = [Decimal("0.84"), Decimal("0.91"), Decimal("0.78"), Decimal("0.72"), Decimal("0.66"), Decimal("0.75"),
               Decimal("0.81"), Decimal("0.58"), Decimal("0.70"), Decimal("0.62")]
    for a, ratio in zip(apps, targets):
        services.application_transition(actor=mzj, app=a, action="accept")
        iset = services.indicator_set_ensure(region=rnd.region, org_type=a.organization.org_type)
        scores = {i.pk: ((i.max_score * ratio).quantize(Decimal("0.5")), "") for i in iset.indicators.all()}
        services.expert_scores_submit(actor=expert, app=GradeApplication.objects.get(pk=a.pk), scores=scores)
        a = services.application_transition(actor=mzj, app=GradeApplication.objects.get(pk=a.pk), action="close_scoring")
        if a.proposed_grade:
            services.application_decide(actor=mzj, app=a, grade=a.proposed_grade, comment="同意专家组意见。")
        else:
            services.application_transition(actor=mzj, app=a, action="not_graded", comment="未达 1A 分数线。")
    services.round_publish(actor=mzj, rnd=rnd, notice_days=7, today=date(2025, 12, 1))
    services.round_confirm(actor=mzj, rnd=rnd, today=date(2025, 12, 9))
    yizhong.refresh_from_db()
    # The 2026 round is open for declarations now.
    current = services.round_create(actor=mzj, data={
        "year": 2026, "region": ctx.county, "name": "太仓市2026年度社会组织等级评估", "issuer": "太仓市民政局",
        "declaration_deadline": date(2026, 12, 31)})
    services.round_transition(actor=mzj, rnd=current, action="open")
    ctx.say(f"社会组织：2025 年度等级评估完成，益众评为 {yizhong.grade}（证书 PDF 可下载），"
            f"共 {Evidence.objects.count()} 份材料；2026 年度评估正在申报。")


def _credit(ctx, registered, mzj):
    from . import services

    rng = ctx.rng
    candidates = [o for o in registered if not o.grade]
    rng.shuffle(candidates)
    abnormal, unreachable, removed, finding = candidates[:4]
    services.credit_include(actor=mzj, org=abnormal, list_kind="abnormal", reason="report_missing",
                            detail="未按规定报送 2025 年度工作报告。", included_on=date(2026, 6, 8),
                            decision_number="太民社异〔2026〕3号")
    services.credit_include(actor=mzj, org=unreachable, list_kind="abnormal", reason="unreachable",
                            detail="通过登记的住所无法取得联系。", included_on=date(2026, 7, 15),
                            decision_number="太民社异〔2026〕5号")
    entry = services.credit_include(actor=mzj, org=removed, list_kind="abnormal", reason="rectification",
                                    detail="未按要求整改财务问题。", included_on=date(2026, 3, 2))
    services.credit_remove(actor=mzj, entry=entry, reason="已完成整改，经核实移出。", removed_on=date(2026, 4, 20))
    services.finding_add(actor=mzj, org=finding, data={
        "year": 2025, "auditor": "苏州某会计师事务所（受托审计）", "found_on": date(2026, 4, 10), "severity": "major",
        "finding": "部分支出票据不规范，专项资金未单独核算。", "rectification_due": date(2026, 6, 30)})
    ctx.say(f"社会组织：{abnormal.name} 等 2 家列入活动异常名录，1 家整改后移出；1 项审计发现待整改。")
