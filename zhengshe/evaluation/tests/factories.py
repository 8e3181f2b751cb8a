"""A complete published round over county A of the test world, for scope cases and page tests."""

from decimal import Decimal
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

from zhengshe.evaluation import services
from zhengshe.evaluation.choices import Direction, Rule
from zhengshe.evaluation.surveys import questions, survey_submit

TEMPLATE_TITLE = "甲县履约评估指标（测试）"
OBJECTION_TEXT = "甲县1镇1村对台账指标有异议"
CONSEQUENCE_REASON = "甲县1镇1村下年度重点约定事项"
SELF_COMMENT = "甲县1镇1村自评总体意见"


def _template(actor, region, direction, rows, title):
    t = services.template_create(actor=actor, region=region, direction=direction, title=title)
    for pos, (code, weight, rule, extra) in enumerate(rows):
        services.indicator_save(actor=actor, template=t, data={
            "code": code, "group": "履约情况", "name": f"指标{code}", "weight": Decimal(weight), "rule": rule,
            "position": pos, **extra})
    return services.template_publish(actor=actor, template=t)


def build(world, *, publish: bool = True) -> SimpleNamespace:
    a = world.district_admin
    ns = SimpleNamespace()
    ns.committee = _template(a, world.county_a, Direction.GOV_TO_COMMITTEE, [
        ("A1", "60", Rule.SCALE, {"max_points": Decimal("10")}),
        ("A2", "40", Rule.CHECKLIST, {"checklist": ["台账齐全", "按时上报"]})], TEMPLATE_TITLE)
    ns.government = _template(a, world.county_a, Direction.COMMITTEE_TO_GOV, [
        ("B1", "100", Rule.SCALE, {"max_points": Decimal("100")})], "村评镇指标")
    ns.residents = _template(a, world.county_a, Direction.RESIDENTS_TO_COMMITTEE, [
        ("R1", "100", Rule.SURVEY, {})], "居民评村指标")
    ns.round = services.round_create(
        actor=a, region=world.county_a, year=2026, title="2026年度甲县双向评估",
        templates={"template_committee": ns.committee, "template_government": ns.government,
                   "template_residents_committee": ns.residents}, min_sample=1)
    services.panelist_add(actor=a, round_=ns.round, user=world.expert)
    for action in ("open", "start_scoring"):
        ns.round = services.round_transition(actor=a, round_=ns.round, action=action)
    ns.unit = ns.round.units.get(region=world.village_a1x, kind="committee")
    ns.gov = ns.round.units.get(region=world.town_a1, kind="government")
    ns.self_sheet = _fill(world.village_staff, ns.unit, {"A1": "9"}, SELF_COMMENT)
    ns.gov_sheet = _fill(world.village_staff, ns.gov, {"B1": "80"}, "甲县1镇1村评镇政府")
    ns.panel_sheet = _fill(world.expert, ns.unit, {"A1": "8"}, "专家意见", submit=False)
    ns.evidence = services.evidence_add(actor=world.expert, sheet=ns.panel_sheet, upload=SimpleUploadedFile(
        "证明.pdf", b"%PDF-1.4 test"))
    ns.panel_sheet = services.sheet_save(actor=world.expert, sheet=ns.panel_sheet, entries={}, submit=True)
    ns.survey = ns.unit.survey
    ids = {i.code: i.pk for _h, inds in questions(ns.survey) for i in inds}
    survey_submit(survey=ns.survey, answers={ids["R1"]: 5}, device_token="factory", ip="127.0.0.9")
    if publish:
        from .conftest import second_manager

        ns.round = services.round_transition(actor=a, round_=ns.round, action="close_scoring")
        ns.round = services.round_transition(actor=second_manager(world), round_=ns.round, action="publish")
        ns.result = ns.unit.result
        ns.objection = services.objection_file(actor=world.village_staff, unit=ns.unit, text=OBJECTION_TEXT)
        ns.consequence = services.consequence_propose(actor=a, unit=ns.unit, kind="flag", reason=CONSEQUENCE_REASON)
    return ns


def _fill(actor, unit, values, comment, submit=True):
    sheet = services.sheet_open(actor=actor, unit=unit)
    ids = {i.code: i.pk for i in services.sheet_indicators(sheet)}
    return services.sheet_save(actor=actor, sheet=sheet, comment=comment, submit=submit,
                               entries={ids[c]: {"value": v} for c, v in values.items()})
