"""Demo: the district (太仓市民政局) evaluates 双凤镇 both ways, last year and this year.

Last year's round is loaded in bulk and closed (so this year compares with it). This year: the district
opens the round, 新湖村 and another committee self-assess, the panel scores every committee (the expert
declares one conflict), residents answer on their phones (generated answers; a few communities stay
below the minimum sample), the two committees grade the town and its departments, results are computed
and published, 新湖村 objects and is answered, and the proposals from the grade bands are decided —
one withholding is confirmed onto a committee's funds ledger when the agreements demo signed agreements.
Idempotent: a second run finds this year's round and adds nothing.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from zhengshe.core.context import acting_as

SHUANGFENG = "320585105"
DEPARTMENTS = ["社会事业局", "社会治理办公室", "经济发展局", "安全生产监督管理办公室"]
BANDS = [{"label": "优秀", "min": "90", "award": "5000"}, {"label": "合格", "min": "75"},
         {"label": "基本合格", "min": "60", "withhold": "2000"}, {"label": "不合格", "min": "0", "withhold": "5000"}]

S, C, D, P, Q = "scale", "checklist", "deduction", "computed", "survey"
# code, group, name, weight, rule, extra — the computed ones fall back to a 0–10 scale if the source is missing.
COMMITTEE = [
    ("A1", "协助事项履约", "协议约定事项完成情况", 20, P, {"source_key": "agreements.items_done_share", "mapping": "ratio"}),
    ("A2", "协助事项履约", "人口普查与流动人口登记", 10, S, {}),
    ("A3", "协助事项履约", "社会救助对象排查", 10, S, {}),
    ("A4", "协助事项履约", "安全生产宣传与隐患排查", 10, C, {"checklist": ["建立隐患排查台账", "每季度开展宣传",
                                                                 "隐患整改闭环"]}),
    ("A5", "依法自治", "村（居）务公开", 10, C, {"checklist": ["按时公开财务", "公开栏规范", "重大事项及时公开"]}),
    ("A6", "依法自治", "民主议事与协商", 10, S, {}),
    ("A7", "依法自治", "居民诉求办理", 10, S, {}),
    ("A8", "工作规范", "台账资料规范", 10, S, {}),
    ("A9", "工作规范", "违规违纪（每起扣 5 分）", 10, D, {"deduction": Decimal("5")}),
]
GOVERNMENT = [
    ("B1", "费随事转", "协议经费按时拨付（每逾期一期扣 5 分）", 20, P,
     {"source_key": "agreements.late_instalments", "mapping": "deduct_per_count", "deduction": Decimal("5")}),
    ("B2", "费随事转", "协议经费拨付率", 15, P, {"source_key": "agreements.paid_share", "mapping": "ratio"}),
    ("B3", "工作条件", "人员、培训、设备与信息保障", 20, C, {"checklist": ["提供业务培训", "配备必要设备",
                                                               "提供信息数据支持"]}),
    ("B4", "准入与减负", "未经准入事项下派（每件扣 5 分）", 15, P,
     {"source_key": "catalog.admission_violations", "mapping": "deduct_per_count", "deduction": Decimal("5")}),
    ("B5", "指导服务", "业务指导与服务", 15, S, {}),
    ("B6", "准入与减负", "社区减负增效落实", 15, S, {}),
]
DEPARTMENT = [
    ("C1", "履约支持", "履行协议约定的支持条件", 40, S, {}),
    ("C2", "准入与减负", "未经准入下派任务被拒绝（每件扣 10 分）", 30, P,
     {"source_key": "catalog.refusals", "mapping": "deduct_per_count", "deduction": Decimal("10")}),
    ("C3", "工作作风", "工作作风与服务态度", 30, S, {}),
]
RESIDENTS_COMMITTEE = [("R1", "满意度", "村（居）委会办事效率", 25, Q, {}), ("R2", "满意度", "村（居）务公开", 25, Q, {}),
                       ("R3", "满意度", "环境卫生整治", 25, Q, {}), ("R4", "满意度", "矛盾纠纷调处", 25, Q, {})]
RESIDENTS_GOVERNMENT = [("G1", "满意度", "镇政府公共服务", 50, Q, {}), ("G2", "满意度", "基层减负的实际感受", 50, Q, {})]


def build(ctx) -> None:
    from zhengshe.regions.models import Region

    from .models import Round

    town = Region.objects.filter(code=SHUANGFENG).first()
    mzj = ctx.users.get("mzj")
    if town is None or mzj is None:
        ctx.say("评估：未找到双凤镇或民政局用户，未生成评估。")
        return
    year = timezone.localdate().year
    if Round.objects.filter(region=town, year=year).exists():
        ctx.say(f"评估：双凤镇 {year} 年度评估已存在，跳过。")
        return
    with acting_as(mzj, source="command"):
        templates = _templates(mzj, ctx.county)
        _last_year(ctx, mzj, town, year - 1, templates)
        round_ = _this_year(ctx, mzj, town, year, templates)
    _say_rules(ctx, round_)
    ctx.say(f"评估：{round_.title}（{round_.units.count()} 个参评单位）已公示，"
            f"居民答卷 {sum(s.responses.count() for s in round_.surveys.all())} 份；见 /evaluation/rounds/{round_.pk}/。")


def _say_rules(ctx, round_) -> None:
    """The two units the round's printed rules hold back: one 评分不全 (the expert was conflicted out), one 样本不足."""
    for rating in ("incomplete", "provisional"):
        result = round_.results.filter(rating=rating).select_related("unit").order_by("unit__region__code").first()
        if result is not None:
            ctx.say(f"评估：{result.unit.name} — {result.note}。")


def _templates(mzj, county) -> dict:
    from zhengshe.core.indicators import get_source

    from . import services

    made = {}
    for direction, title, rows in [
        ("gov_committee", "太仓市村（居）委会协助管理履约评估指标", COMMITTEE),
        ("committee_gov", "村（居）委会评议镇（街道）政府指标", GOVERNMENT),
        ("committee_dept", "村（居）委会评议政府部门指标", DEPARTMENT),
        ("residents_committee", "居民评议村（居）委会满意度问卷", RESIDENTS_COMMITTEE),
        ("residents_gov", "居民评议镇（街道）政府满意度问卷", RESIDENTS_GOVERNMENT),
    ]:
        template = services.template_create(actor=mzj, region=county, direction=direction, title=title)
        for pos, (code, group, name, weight, rule, extra) in enumerate(rows):
            data = {"code": code, "group": group, "name": name, "weight": Decimal(weight), "rule": rule,
                    "position": pos, "max_points": Decimal("10"), **extra}
            if rule == P and get_source(extra["source_key"]) is None:
                data.update(rule=S, source_key="", mapping="", deduction=Decimal("0"))
            services.indicator_save(actor=mzj, template=template, data=data)
        made[direction] = services.template_publish(actor=mzj, template=template)
    return made


def _round(mzj, town, year, templates, title):
    from . import services

    return services.round_create(
        actor=mzj, region=town, year=year, title=title,
        templates={"template_committee": templates["gov_committee"], "template_government": templates["committee_gov"],
                   "template_department": templates["committee_dept"],
                   "template_residents_committee": templates["residents_committee"],
                   "template_residents_government": templates["residents_gov"]},
        departments=DEPARTMENTS, grade_bands=BANDS, min_sample=30, residents_weight=Decimal("20"),
        publicity_days=7)


def _last_year(ctx, mzj, town, year, templates) -> None:
    """Last year's closed round, loaded in bulk (historical data), so this year has a comparison."""
    from . import services
    from .choices import SheetKind
    from .models import Panelist, Score, ScoreSheet
    from .scoring import manual_points

    rng = ctx.rng
    round_ = _round(mzj, town, year, templates, f"{year}年度双凤镇政社互动双向评估")
    expert = ctx.users.get("zhuanjia") or mzj
    Panelist.objects.create(round=round_, user=expert)
    for action in ("open", "start_scoring"):
        round_ = services.round_transition(actor=mzj, round_=round_, action=action)
    manual = [i for i in templates["gov_committee"].indicators.all() if i.rule in (S, C, D)]
    now = timezone.now()
    sheets = [ScoreSheet(round=round_, unit=u, kind=SheetKind.PANEL, scorer=expert, status="submitted",
                         submitted_at=now) for u in round_.units.filter(kind="committee")]
    graders = [u for u in (ctx.users.get("xinhu"), ctx.users.get("cunwei2")) if u is not None]
    by_user = {g.pk: round_.units.filter(kind="committee", region=g.role_assignments.first().region).first()
               for g in graders}
    for unit in round_.units.exclude(kind="committee"):
        for grader in graders:
            if by_user.get(grader.pk) is not None:
                sheets.append(ScoreSheet(round=round_, unit=unit, kind=SheetKind.COMMITTEE, scorer=grader,
                                         on_behalf=by_user[grader.pk].region, status="submitted", submitted_at=now))
    ScoreSheet.objects.bulk_create(sheets)
    scores = []
    for sheet in sheets:
        base = rng.uniform(0.62, 0.95)
        indicators = manual if sheet.kind == SheetKind.PANEL else [
            i for i in templates[sheet.unit.direction].indicators.all() if i.rule in (S, C, D)]
        for ind in indicators:
            value, checked = _pick(rng, ind, base)
            scores.append(Score(sheet=sheet, indicator=ind, value=value, checked=checked or [],
                                points=manual_points(ind, value, checked)))
    Score.objects.bulk_create(scores)
    round_ = _close_and_publish(ctx, mzj, round_)
    round_.publicity_start = timezone.localdate() - timedelta(days=300)
    round_.publicity_end = round_.publicity_start + timedelta(days=6)
    round_.save(update_fields=["publicity_start", "publicity_end", "updated_at"])
    services.round_transition(actor=mzj, round_=round_, action="finalize")


def _close_and_publish(ctx, mzj, round_):
    """Separation of duties: the district closes scoring, the town (a second person) publishes."""
    from . import services

    round_ = services.round_transition(actor=mzj, round_=round_, action="close_scoring")
    return services.round_transition(actor=ctx.users.get("shuangfeng") or mzj, round_=round_, action="publish")


def _pick(rng, ind, base):
    """A plausible input for an indicator around the unit's overall level ``base`` (0–1)."""
    if ind.rule == C:
        n = len(ind.checklist)
        return None, sorted(rng.sample(range(n), max(0, min(n, round(n * rng.uniform(base - 0.2, base + 0.15))))))
    if ind.rule == D:
        return Decimal(rng.choice([0, 0, 0, 1, 1, 2]) if base < 0.8 else rng.choice([0, 0, 0, 1])), None
    value = max(Decimal(0), min(ind.max_points, Decimal(str(round(float(ind.max_points) * rng.uniform(
        base - 0.1, base + 0.08), 1)))))
    return value, None


def _fill(actor, unit, rng, base, comment=""):
    from . import services

    sheet = services.sheet_open(actor=actor, unit=unit)
    entries = {}
    for ind in services.sheet_indicators(sheet):
        value, checked = _pick(rng, ind, base)
        entries[ind.pk] = {"checked": checked} if ind.rule == C else {"value": str(value)}
    return services.sheet_save(actor=actor, sheet=sheet, entries=entries, comment=comment, submit=True)


def _this_year(ctx, mzj, town, year, templates):
    from . import services

    rng = ctx.rng
    users = ctx.users
    round_ = _round(mzj, town, year, templates, f"{year}年度双凤镇政社互动双向评估")
    expert = users.get("zhuanjia")
    if expert is not None:  # the only panel member: a unit they are conflicted out of is 评分不全
        services.panelist_add(actor=mzj, round_=round_, user=expert)
    round_ = services.round_transition(actor=mzj, round_=round_, action="open")
    committees = list(round_.units.filter(kind="committee").select_related("region").order_by("region__code"))
    village_users = [u for u in (users.get("xinhu"), users.get("cunwei2")) if u is not None]
    own = {u.role_assignments.first().region_id: u for u in village_users}
    # the committees that have a worker self-assess first
    for unit in committees:
        if unit.region_id in own:
            _fill(own[unit.region_id], unit, rng, 0.9, comment="本村认真履行协议，各项事项均按时完成。")
    round_ = services.round_transition(actor=mzj, round_=round_, action="start_scoring")
    target = _withholding_target(committees, own, year)
    conflicted = next((u for u in committees if u.region_id not in own and u is not target), None)
    if expert is not None and conflicted is not None:
        services.conflict_declare(actor=expert, unit=conflicted, reason="本人亲属在该村（社区）担任村（居）委会委员。")
    for unit in committees:
        base = 0.93 if unit.region_id in own and unit is not target else (0.5 if unit is target else rng.uniform(
            0.62, 0.97))
        if expert is not None and unit is not conflicted:
            _fill(expert, unit, rng, base)
    # committees grade the town government and its departments
    for unit in round_.units.exclude(kind="committee"):
        for village_user in village_users:
            _fill(village_user, unit, rng, rng.uniform(0.6, 0.9), comment="镇里对协议经费拨付较及时，但个别部门仍有台账下派。")
    _survey_answers(rng, round_, committees, full={target})
    round_ = _close_and_publish(ctx, mzj, round_)
    xinhu_unit = next((u for u in committees if u.region.name == "新湖村"), None)
    if xinhu_unit is not None and users.get("xinhu") is not None:
        objection = services.objection_file(actor=users["xinhu"], unit=xinhu_unit, text=(
            "我村全年协议事项均已完成，“台账资料规范”一项已按要求整改并报镇社会事业局，请复核该项得分。"))
        _answer_objection(objection, users.get("shuangfeng"), mzj)
    _consequences(ctx, mzj, round_, target)
    return round_


def _answer_objection(objection, answerer, confirmer) -> None:
    """Four eyes: the town answers by naming 台账资料规范 (A8) on its 0–10 scale; the district confirms."""
    from . import services

    if answerer is None:
        return
    a8 = objection.round.template_committee.indicators.get(code="A8")
    answered = services.objection_answer(actor=answerer, objection=objection, changes={a8.pk: {"value": "9.5"}},
                                         response="经复核，台账整改材料属实，“台账资料规范”一项按 9.5 分复核；其余维持。")
    services.objection_confirm(actor=confirmer, objection=answered, note="复核材料属实，同意调整。")


def _withholding_target(committees, own, year):
    """A committee (not the two with demo workers) with a signed agreement, to receive a low score."""
    from .services import _agreement_for

    for unit in committees:
        if unit.region_id not in own and _agreement_for(unit.region, year) is not None:
            return unit
    return None


def _survey_answers(rng, round_, committees, full=()) -> None:
    """Generated phone answers (bulk): most communities above the minimum sample, a few below."""
    from .models import SurveyAnswer, SurveyResponse
    from .surveys import keyed_hash, questions

    responses, answers = [], []
    for n, unit in enumerate(committees):
        survey = unit.survey
        count = rng.randint(8, 25) if n % 5 == 4 and unit not in full else rng.randint(32, 70)
        mood = rng.uniform(3.2, 4.6)
        indicators = [i for _h, inds in questions(survey) for i in inds]
        for k in range(count):
            response = SurveyResponse(survey=survey, device_hash=keyed_hash("device", survey.pk, f"demo-{k}"),
                                      ip_hash=keyed_hash("ip", "demo", f"{n}-{k}"))
            responses.append(response)
            answers.append((response, [(i, max(1, min(5, round(rng.gauss(mood, 0.8))))) for i in indicators]))
    SurveyResponse.objects.bulk_create(responses)
    SurveyAnswer.objects.bulk_create([SurveyAnswer(response=r, indicator=i, level=lv) for r, rows in answers
                                      for i, lv in rows])


def _consequences(ctx, mzj, round_, target) -> None:
    from . import services

    proposals = services.consequences_suggest(actor=mzj, round_=round_)
    withhold = next((c for c in proposals if c.kind == "withhold" and target and c.unit_id == target.pk), None)
    if withhold is not None:
        services.consequence_decide(actor=mzj, consequence=withhold, confirm=True,
                                    note="经镇、区两级确认，按协议违约责任条款扣减。")
        ctx.say(f"评估：{withhold.unit.name}的扣减 {withhold.amount} 元已确认，记入其协议经费台账。")
    else:
        ctx.say("评估：没有已签署协议的村（居）委会可扣减经费（协议演示数据缺失），扣减建议保留待确认。")
    flag = next((c for c in proposals if c.kind == "flag"), None)
    if flag is not None:
        services.consequence_decide(actor=mzj, consequence=flag, confirm=True, note="列入下年度协议重点约定。")
