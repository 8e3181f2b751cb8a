"""Bench plug-in: a province-wide round over every village/community (≈20 000), scored and aggregated.

``load`` writes everything with bulk inserts (templates, units, surveys, one panel sheet per committee with
its scores, resident answers for every 10th community), then runs the real aggregation once and leaves the
round under review so ``evaluation_aggregate --round N`` can re-run and time it. ``pages`` lists the round's
results pages for the leader (all 20 000 rows, paginated), the district and the town.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

TITLE = "全省村（居）委会履约评估（基准测试）"
BATCH = 2000

COMMITTEE = [
    ("A1", "协助事项履约", "协议约定事项完成情况", "20", "computed", {"source_key": "agreements.items_done_share",
                                                             "mapping": "ratio"}),
    ("A2", "协助事项履约", "人口信息采集", "15", "scale", {}),
    ("A3", "协助事项履约", "安全生产隐患排查", "15", "checklist", {"checklist": ["建立台账", "定期宣传", "整改闭环"]}),
    ("A4", "依法自治", "村（居）务公开", "20", "scale", {}),
    ("A5", "依法自治", "民主议事与协商", "15", "scale", {}),
    ("A6", "工作规范", "违规违纪（每起扣 5 分）", "15", "deduction", {"deduction": Decimal("5")}),
]
RESIDENTS = [("R1", "满意度", "办事效率", "50", "survey", {}), ("R2", "满意度", "村（居）务公开", "50", "survey", {})]


def _round():
    from .models import Round

    return Round.objects.filter(title=TITLE).order_by("-id").first()


def _template(province, direction, title, rows):
    from zhengshe.core.indicators import get_source

    from .models import Indicator, IndicatorTemplate

    template = IndicatorTemplate.objects.create(region=province, direction=direction, title=title, version=900,
                                                status="published", published_at=timezone.now())
    indicators = []
    for pos, (code, group, name, weight, rule, extra) in enumerate(rows):
        data = {"max_points": Decimal("10"), **extra}
        source = get_source(extra["source_key"]) if rule == "computed" else None
        if rule == "computed" and (source is None or source.batch is None):  # unbatched: one query per unit
            rule, data = "scale", {"max_points": Decimal("10")}
        indicators.append(Indicator(template=template, code=code, group=group, name=name, weight=Decimal(weight),
                                    rule=rule, position=pos, **data))
    Indicator.objects.bulk_create(indicators)
    return template


def load(province, rng) -> None:
    from zhengshe.accounts.models import User
    from zhengshe.regions.models import Region

    from .aggregation import round_compute_results
    from .models import Panelist, Round, Score, ScoreSheet, Survey, SurveyAnswer, SurveyResponse, Unit
    from .scoring import manual_points
    from .surveys import keyed_hash

    if _round() is not None:
        return
    year = timezone.localdate().year
    committee = _template(province, "gov_committee", "全省履约评估指标（基准测试）", COMMITTEE)
    residents = _template(province, "residents_committee", "全省居民满意度问卷（基准测试）", RESIDENTS)
    round_ = Round.objects.create(region=province, year=year, title=TITLE, status="scoring",
                                  template_committee=committee, template_residents_committee=residents, min_sample=30)
    scorer = User.objects.get(username="bench_leader")
    Panelist.objects.create(round=round_, user=scorer)
    villages = Region.objects.filter(path__under=province.path, level="village").select_related("parent")
    units = [Unit(round=round_, kind="committee", region=v, name=f"{v.parent.name}{v.name}") for v in villages]
    Unit.objects.bulk_create(units, batch_size=BATCH)
    Survey.objects.bulk_create([Survey(round=round_, unit=u, token=f"b{u.pk:09d}") for u in units], batch_size=BATCH)
    manual = [i for i in committee.indicators.all() if i.rule in ("scale", "checklist", "deduction")]
    now = timezone.now()
    for start in range(0, len(units), BATCH):
        chunk = units[start:start + BATCH]
        sheets = [ScoreSheet(round=round_, unit=u, kind="panel", scorer=scorer, status="submitted", submitted_at=now)
                  for u in chunk]
        ScoreSheet.objects.bulk_create(sheets)
        scores = []
        for sheet in sheets:
            level = rng.uniform(0.55, 0.98)
            for ind in manual:
                value, checked = _input(rng, ind, level)
                scores.append(Score(sheet=sheet, indicator=ind, value=value, checked=checked or [],
                                    points=manual_points(ind, value, checked)))
        Score.objects.bulk_create(scores, batch_size=5000)
    questions = list(residents.indicators.all())
    surveyed = list(Survey.objects.filter(round=round_).order_by("id"))[::10]
    for start in range(0, len(surveyed), 100):
        responses, rows = [], []
        for survey in surveyed[start:start + 100]:
            mood = rng.uniform(3.0, 4.7)
            for k in range(rng.randint(20, 45)):
                response = SurveyResponse(survey=survey, device_hash=keyed_hash("device", survey.pk, f"bench-{k}"),
                                          ip_hash="bench")
                responses.append(response)
                rows.append((response, [(q, max(1, min(5, round(rng.gauss(mood, 0.9))))) for q in questions]))
        SurveyResponse.objects.bulk_create(responses, batch_size=BATCH)
        SurveyAnswer.objects.bulk_create([SurveyAnswer(response=r, indicator=q, level=lv) for r, answers in rows
                                          for q, lv in answers], batch_size=5000)
    round_compute_results(actor=None, round_=round_)
    Round.objects.filter(pk=round_.pk).update(status="review")


def _input(rng, ind, level):
    if ind.rule == "checklist":
        n = len(ind.checklist)
        return None, list(range(max(0, min(n, round(n * level)))))
    if ind.rule == "deduction":
        return Decimal(rng.choice([0, 0, 0, 1, 2])), None
    return Decimal(str(round(float(ind.max_points) * rng.uniform(max(0, level - 0.1), min(1, level + 0.05)), 1))), None


def pages() -> list[dict]:
    from zhengshe.accounts.models import RoleAssignment

    from .models import Unit

    round_ = _round()
    if round_ is None:
        return []
    town = RoleAssignment.objects.get(user__username="bench_town").region
    unit = Unit.objects.filter(round=round_, region__parent=town).order_by("id").first()
    results = f"/evaluation/rounds/{round_.pk}/results/"
    found = [
        {"name": "评估结果（全省，领导）", "url": results, "user": "bench_leader", "target_ratio": 6.0},
        {"name": "评估结果（第 50 页，领导）", "url": results + "?page=50", "user": "bench_leader", "target_ratio": 6.0},
        {"name": "评估结果（区县）", "url": results, "user": "bench_district", "target_ratio": 5.0},
        {"name": "评估轮次详情（区县）", "url": f"/evaluation/rounds/{round_.pk}/", "user": "bench_district",
         "target_ratio": 4.0},
        {"name": "评估结果 API（全省）", "url": f"/api/evaluation/rounds/{round_.pk}/results/", "user": "bench_leader",
         "target_ratio": 5.0},
    ]
    if unit is not None:
        found.append({"name": "参评单位详情（镇）", "url": f"/evaluation/units/{unit.pk}/", "user": "bench_town",
                      "target_ratio": 4.0})
    return found
