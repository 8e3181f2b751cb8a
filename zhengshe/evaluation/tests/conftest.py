"""Evaluation fixtures: published templates for every direction, test sources, a round over county A."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from zhengshe.core.indicators import _sources, register_source
from zhengshe.evaluation import services
from zhengshe.evaluation.choices import Direction, Mapping, PanelKind, RoundStatus, Rule

SOURCE_VALUES: dict = {}


def _ratio(*, region, year, department=""):
    return SOURCE_VALUES.get(("ratio", region.code, department))


def _count(*, region, year, department=""):
    return SOURCE_VALUES.get(("count", region.code, department))


@pytest.fixture(autouse=True)
def test_sources():
    register_source("test.ratio", "测试比例", _ratio, unit="ratio")
    register_source("test.count", "测试次数", _count, unit="count")
    SOURCE_VALUES.clear()
    yield SOURCE_VALUES
    SOURCE_VALUES.clear()
    _sources.pop("test.ratio", None)
    _sources.pop("test.count", None)


def make_template(actor, region, direction, indicators, title=None):
    template = services.template_create(actor=actor, region=region, direction=direction,
                                        title=title or f"{direction} 指标")
    for pos, data in enumerate(indicators):
        services.indicator_save(actor=actor, template=template, data={"position": pos, **data})
    return services.template_publish(actor=actor, template=template)


def ind(code, weight, rule, **extra):
    return {"code": code, "group": extra.pop("group", "基础工作"), "name": extra.pop("name", f"指标{code}"),
            "weight": Decimal(str(weight)), "rule": rule, **extra}


@pytest.fixture
def templates(world):
    a = world.district_admin
    t = SimpleNamespace()
    t.committee = make_template(a, world.county_a, Direction.GOV_TO_COMMITTEE, [
        ind("A1", 40, Rule.SCALE, max_points=Decimal("10"), group="履约情况"),
        ind("A2", 30, Rule.CHECKLIST, checklist=["台账齐全", "按时上报", "公开公示"], group="履约情况"),
        ind("A3", 20, Rule.DEDUCTION, deduction=Decimal("5"), group="群众工作"),
        ind("A4", 10, Rule.COMPUTED, source_key="test.ratio", mapping=Mapping.RATIO, group="群众工作"),
    ])
    t.government = make_template(a, world.county_a, Direction.COMMITTEE_TO_GOV, [
        ind("B1", 60, Rule.SCALE, max_points=Decimal("100")),
        ind("B2", 40, Rule.COMPUTED, source_key="test.count", mapping=Mapping.DEDUCT_PER_COUNT,
            deduction=Decimal("10")),
    ])
    t.department = make_template(a, world.county_a, Direction.COMMITTEE_TO_DEPT, [
        ind("C1", 100, Rule.SCALE, max_points=Decimal("10")),
    ])
    t.residents_committee = make_template(a, world.county_a, Direction.RESIDENTS_TO_COMMITTEE, [
        ind("R1", 50, Rule.SURVEY, name="村委会办事效率"), ind("R2", 50, Rule.SURVEY, name="村务公开"),
    ])
    t.residents_government = make_template(a, world.county_a, Direction.RESIDENTS_TO_GOV, [
        ind("G1", 100, Rule.SURVEY, name="镇政府服务"),
    ])
    return t


@pytest.fixture
def round_(world, templates):
    r = services.round_create(
        actor=world.district_admin, region=world.county_a, year=2026, title="2026年度甲县政社互动双向评估",
        templates={"template_committee": templates.committee, "template_government": templates.government,
                   "template_department": templates.department,
                   "template_residents_committee": templates.residents_committee,
                   "template_residents_government": templates.residents_government},
        departments=["卫健办"], min_sample=2, residents_weight=Decimal("20"))
    services.panelist_add(actor=world.district_admin, round_=r, user=world.expert)
    services.panelist_add(actor=world.district_admin, round_=r, user=world.district_admin)
    return r


def advance(round_, actor, *actions):
    for action in actions:
        round_ = services.round_transition(actor=actor, round_=round_, action=action,
                                           comment="测试" if action == "reopen" else "")
    return round_


@pytest.fixture
def scoring_round(world, round_):
    return advance(round_, world.district_admin, "open", "start_scoring")


def second_manager(world):
    """Another district administrator of county A: the second person separation of duties asks for."""
    from zhengshe.testing import make_user

    if not hasattr(world, "district_admin_2"):
        world.district_admin_2 = make_user("district_a2", "district_admin", region=world.county_a,
                                           department="甲县民政局")
    return world.district_admin_2


def unit_of(round_, region, kind="committee", department=""):
    return round_.units.get(region=region, kind=kind, department=department)


__all__ = ["advance", "unit_of", "make_template", "ind", "RoundStatus", "PanelKind"]
