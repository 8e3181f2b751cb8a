"""Templates (weights, versions, Excel), rounds (units, workflow), surveys (one answer per device/phone, no
personal data), objections (only the unit, only during publication), consequences (ledger only after confirmation)."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from zhengshe.core.errors import NotAllowed, ServiceError
from zhengshe.evaluation import services
from zhengshe.evaluation.choices import ConsequenceStatus, Direction, Rule, TemplateStatus
from zhengshe.evaluation.models import Consequence, SurveyResponse, UnitResult
from zhengshe.evaluation.surveys import keyed_hash, questions, survey_submit

from .conftest import advance, ind, second_manager, unit_of

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- templates

def test_publish_requires_weights_summing_to_100(world):
    t = services.template_create(actor=world.district_admin, region=world.county_a,
                                 direction=Direction.GOV_TO_COMMITTEE, title="履约评估")
    services.indicator_save(actor=world.district_admin, template=t, data=ind("A1", 60, Rule.SCALE))
    services.indicator_save(actor=world.district_admin, template=t, data=ind("A2", 30, Rule.SCALE))
    with pytest.raises(ServiceError, match="合计为 90"):
        services.template_publish(actor=world.district_admin, template=t)
    services.indicator_save(actor=world.district_admin, template=t, data=ind("A3", 10, Rule.SCALE))
    assert services.template_publish(actor=world.district_admin, template=t).status == TemplateStatus.PUBLISHED


def test_rule_fields_are_validated(world):
    t = services.template_create(actor=world.district_admin, region=world.county_a,
                                 direction=Direction.GOV_TO_COMMITTEE, title="x")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.indicator_save(actor=world.district_admin, template=t, data=ind("A1", 50, Rule.CHECKLIST))
    with pytest.raises(ValidationError):
        services.indicator_save(actor=world.district_admin, template=t,
                                data=ind("A1", 50, Rule.COMPUTED, source_key="nope.source", mapping="ratio"))
    with pytest.raises(ValidationError):
        services.indicator_save(actor=world.district_admin, template=t, data=ind("A1", 50, Rule.SURVEY))


def test_new_version_supersedes_and_keeps_the_old(world, templates):
    old = templates.committee
    draft = services.template_new_version(actor=world.district_admin, template=old)
    assert draft.version == 2 and draft.indicators.count() == old.indicators.count()
    with pytest.raises(ServiceError):
        services.indicator_save(actor=world.district_admin, template=old, data=ind("Z", 1, Rule.SCALE))
    services.template_publish(actor=world.district_admin, template=draft)
    old.refresh_from_db()
    assert old.status == TemplateStatus.SUPERSEDED and old.indicators.count() == 4


def test_village_cannot_manage_templates(world):
    with pytest.raises(NotAllowed):
        services.template_create(actor=world.village_staff, region=world.county_a,
                                 direction=Direction.GOV_TO_COMMITTEE, title="x")


def _xlsx(rows):
    from zhengshe.utilities.excel import build_workbook

    f = io.BytesIO(build_workbook(services.IMPORT_HEADERS, rows))
    f.name = "指标.xlsx"
    return f


def test_excel_import_all_or_nothing_with_row_errors(world, templates):
    t = services.template_create(actor=world.district_admin, region=world.county_a,
                                 direction=Direction.GOV_TO_COMMITTEE, title="导入")
    bad = _xlsx([["A1", "履约", "台账", "", 50, "打分（0–满分）", 10, "", "", "", ""],
                 ["A2", "履约", "公开", "", 50, "按次扣分（扣完为止）", "", "", "", "", ""],
                 ["A3", "履约", "乱码", "", "abc", "打分（0–满分）", 10, "", "", "", ""]])
    report = services.template_import(actor=world.district_admin, template=t, upload=bad)
    assert not report.ok and {e.row for e in report.errors} == {3, 4}
    assert t.indicators.count() == 0
    rows = list(services.template_export_rows(templates.committee))
    good = _xlsx(rows)
    report = services.template_import(actor=world.district_admin, template=t, upload=good)
    assert report.ok, report.errors
    assert [i.code for i in t.indicators.all()] == ["A1", "A2", "A3", "A4"]
    assert t.indicators.get(code="A2").checklist == ["台账齐全", "按时上报", "公开公示"]


# ---------------------------------------------------------------- rounds

def test_round_units_cover_committees_governments_departments(world, round_):
    kinds = {k: round_.units.filter(kind=k).count() for k in ("committee", "government", "department")}
    assert kinds == {"committee": 6, "government": 2, "department": 3}  # 卫健办 ×2 + 社会事业局 of town A1's staff
    assert round_.units.filter(kind="department", region=world.town_a1, department="甲县1镇社会事业局").exists()
    assert round_.surveys.count() == 6


def test_town_staff_cannot_open_a_district_round(world, round_):
    with pytest.raises(NotAllowed):
        services.round_transition(actor=world.town_staff, round_=round_, action="open")


def test_self_assessment_before_scoring(world, round_):
    unit = unit_of(round_, world.village_a1x)
    with pytest.raises(ServiceError):
        services.sheet_open(actor=world.village_staff, unit=unit)  # round still in preparation
    r = advance(round_, world.district_admin, "open")
    unit.refresh_from_db()
    assert services.sheet_open(actor=world.village_staff, unit=unit).kind == "self"
    with pytest.raises(ServiceError):
        services.sheet_open(actor=world.expert, unit=unit)  # panel scores only in the scoring phase
    with pytest.raises(NotAllowed):
        services.sheet_open(actor=world.sibling_staff, unit=unit)
    assert r.status == "self"


def test_committee_grades_its_own_town_only(world, scoring_round):
    gov = unit_of(scoring_round, world.town_a1, "government")
    sheet = services.sheet_open(actor=world.village_staff, unit=gov)
    assert sheet.kind == "committee" and sheet.on_behalf == world.village_a1x
    other = unit_of(scoring_round, world.town_a2, "government")
    with pytest.raises(NotAllowed):
        services.sheet_open(actor=world.village_staff, unit=other)


def test_scale_out_of_range_refused(world, scoring_round):
    unit = unit_of(scoring_round, world.village_a1x)
    sheet = services.sheet_open(actor=world.expert, unit=unit)
    a1 = next(i for i in services.sheet_indicators(sheet) if i.code == "A1")
    with pytest.raises(ServiceError) as exc:
        services.sheet_save(actor=world.expert, sheet=sheet, entries={a1.pk: {"value": "11"}})
    assert f"ind_{a1.pk}" in exc.value.fields


def test_evidence_type_checked_by_content(world, scoring_round):
    from django.core.files.uploadedfile import SimpleUploadedFile

    unit = unit_of(scoring_round, world.village_a1x)
    sheet = services.sheet_open(actor=world.expert, unit=unit)
    fake = SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ServiceError):
        services.evidence_add(actor=world.expert, sheet=sheet, upload=fake)
    real = SimpleUploadedFile("报告.pdf", b"%PDF-1.4\n%...", content_type="application/pdf")
    evidence = services.evidence_add(actor=world.expert, sheet=sheet, upload=real)
    assert evidence.content_type == "application/pdf" and "报告" not in evidence.file.name
    with pytest.raises(NotAllowed):
        services.evidence_add(actor=world.district_admin, sheet=sheet, link="https://example.org/x")


# ---------------------------------------------------------------- surveys

def _answers(survey, level=4):
    return {i.pk: level for _h, inds in questions(survey) for i in inds}


def test_survey_one_answer_per_device_and_no_personal_data(world, scoring_round):
    survey = unit_of(scoring_round, world.village_a1x).survey
    survey_submit(survey=survey, answers=_answers(survey), device_token="dev-1", ip="1.2.3.4")
    with pytest.raises(ServiceError) as exc:
        survey_submit(survey=survey, answers=_answers(survey, 5), device_token="dev-1", ip="5.6.7.8")
    assert exc.value.code == "device"
    response = SurveyResponse.objects.get(survey=survey)
    stored = " ".join(str(v) for v in response.__dict__.values())
    assert "dev-1" not in stored and "1.2.3.4" not in stored and response.phone_hash is None


def test_survey_one_answer_per_phone_stores_only_a_keyed_hash(world, scoring_round):
    scoring_round.require_phone = True
    scoring_round.save()
    survey = unit_of(scoring_round, world.village_a1x).survey
    survey.refresh_from_db()
    with pytest.raises(ServiceError):
        survey_submit(survey=survey, answers=_answers(survey), device_token="a", phone="12345", ip="1.1.1.1")
    survey_submit(survey=survey, answers=_answers(survey), device_token="a", phone="138 0013 8000", ip="1.1.1.1")
    with pytest.raises(ServiceError) as exc:
        survey_submit(survey=survey, answers=_answers(survey), device_token="b", phone="13800138000", ip="2.2.2.2")
    assert exc.value.code == "phone"
    response = SurveyResponse.objects.get(survey=survey)
    assert response.phone_hash == keyed_hash("phone", survey.pk, "13800138000")
    from zhengshe.audit.models import AuditEntry

    assert not any("13800138000" in str(e.before) + str(e.after) for e in AuditEntry.objects.all())


def test_survey_closed_outside_phase(world, round_):
    survey = unit_of(round_, world.village_a1x).survey
    with pytest.raises(ServiceError):
        survey_submit(survey=survey, answers=_answers(survey), device_token="x", ip="1.1.1.1")


# ---------------------------------------------------------------- objections

@pytest.fixture
def published(world, scoring_round):
    unit = unit_of(scoring_round, world.village_a1x)
    sheet = services.sheet_open(actor=world.expert, unit=unit)
    ids = {i.code: i.pk for i in services.sheet_indicators(sheet)}
    services.sheet_save(actor=world.expert, sheet=sheet, submit=True,
                        entries={ids["A1"]: {"value": "5"}, ids["A2"]: {"checked": [0]}, ids["A3"]: {"value": "2"}})
    from .test_aggregation import answer

    for token in ("1", "2"):  # the round's minimum sample: a rated result, open to consequences
        answer(unit.survey, {"R1": 3, "R2": 3}, token)
    return advance(advance(scoring_round, world.district_admin, "close_scoring"), second_manager(world), "publish")


def test_objection_only_by_the_unit_and_within_the_period(world, published):
    unit = unit_of(published, world.village_a1x)
    with pytest.raises(NotAllowed):
        services.objection_file(actor=world.sibling_staff, unit=unit, text="不服")
    with pytest.raises(ServiceError):
        services.objection_file(actor=world.village_staff, unit=unit, text="不服",
                                today=published.publicity_end + timedelta(days=1))
    with pytest.raises(ServiceError):
        services.objection_file(actor=world.village_staff, unit=unit, text="不服",
                                today=published.publicity_start - timedelta(days=1))
    objection = services.objection_file(actor=world.village_staff, unit=unit, text="台账已齐全，请复核")
    # finalizing waits for the answer and the end of the period
    with pytest.raises(ServiceError):
        services.round_transition(actor=world.district_admin, round_=published, action="finalize")
    a1 = published.template_committee.indicators.get(code="A1")
    objection = services.objection_answer(actor=world.district_admin, objection=objection, response="经复核调整",
                                          changes={a1.pk: {"value": "10"}})

    services.objection_confirm(actor=second_manager(world), objection=objection)
    result = UnitResult.objects.get(unit=unit)
    assert result.final_total == Decimal("65.34") and result.grade == "基本合格" and result.total != result.adjusted_total


def test_no_objection_before_publication(world, scoring_round):
    with pytest.raises(ServiceError):
        services.objection_file(actor=world.village_staff, unit=unit_of(scoring_round, world.village_a1x), text="x")


# ---------------------------------------------------------------- consequences

@pytest.fixture
def ledger(world):
    """Village A1x's real 2026 agreement, signed by both sides (the agreements app's own path), and a reader of
    the ledger lines the evaluation writes into it."""
    from zhengshe.agreements.models import LedgerEntry
    from zhengshe.agreements.services import drafting_start, template_create
    from zhengshe.agreements.tests.conftest import make_assisted_list, sign_both

    make_assisted_list(world.county_a, year=2026)
    template = template_create(actor=world.town_staff, region=world.town_a1, year=2026)
    drafting_start(actor=world.town_staff, template=template)
    agreement = sign_both(world, template.agreements.get(party_b=world.village_a1x))

    def lines():
        return list(LedgerEntry.objects.filter(agreement=agreement, source="evaluation").order_by("pk")
                    .values("kind", "amount", "source", "reference"))

    lines.agreement = agreement
    return lines


def test_withholding_changes_ledger_only_after_confirmation(world, published, ledger):
    unit = unit_of(published, world.village_a1x)
    proposal = services.consequence_propose(actor=world.district_admin, unit=unit, kind="withhold", amount="2000",
                                            reason="协议事项未完成")
    assert ledger() == [] and proposal.status == ConsequenceStatus.PROPOSED
    assert proposal.agreement_id == ledger.agreement.pk
    with pytest.raises(NotAllowed):
        services.consequence_decide(actor=world.village_staff, consequence=proposal, confirm=True)
    assert ledger() == []
    done = services.consequence_decide(actor=world.district_admin, consequence=proposal, confirm=True, note="同意")
    assert done.status == ConsequenceStatus.CONFIRMED
    assert ledger() == [{"kind": "withhold", "amount": Decimal("2000.00"), "source": "evaluation",
                         "reference": f"evaluation.consequence:{proposal.pk}"}]
    with pytest.raises(ServiceError):
        services.consequence_decide(actor=world.district_admin, consequence=proposal, confirm=True)
    assert len(ledger()) == 1


def test_rejected_proposal_never_touches_ledger(world, published, ledger):
    unit = unit_of(published, world.village_a1x)
    proposal = services.consequence_propose(actor=world.district_admin, unit=unit, kind="award", amount="500",
                                            reason="表现突出")
    services.consequence_decide(actor=world.district_admin, consequence=proposal, confirm=False, note="不同意")
    assert ledger() == []


def test_suggestions_from_bands_and_weak_indicators(world, published, ledger):
    published.grade_bands = [{"label": "优秀", "min": "90", "award": "5000"}, {"label": "合格", "min": "75"},
                             {"label": "基本合格", "min": "60"}, {"label": "不合格", "min": "0", "withhold": "3000"}]
    published.save()
    made = services.consequences_suggest(actor=world.district_admin, round_=published)
    unit = unit_of(published, world.village_a1x)
    kinds = {c.kind for c in made if c.unit_id == unit.pk}
    assert kinds == {"withhold", "flag"}  # A1 5/10, A2 1/3 … below 60 %; total < 60 → 不合格
    assert ledger() == []
    assert services.consequences_suggest(actor=world.district_admin, round_=published) == []  # idempotent
    assert Consequence.objects.filter(kind="flag", unit=unit).get().next_year == 2027


def test_sheets_close_at_their_deadline(world, scoring_round):
    scoring_round.scoring_end = timezone.localdate() - timedelta(days=1)
    scoring_round.save()
    unit = unit_of(scoring_round, world.village_a1x)
    with pytest.raises(ServiceError, match="截止"):
        services.sheet_open(actor=world.expert, unit=unit)
    assert services.sheet_open(actor=world.village_staff, unit=unit).kind == "self"  # self_end not set


def test_evidence_size_limit(world, scoring_round, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MAX_UPLOAD_BYTES = 10
    sheet = services.sheet_open(actor=world.expert, unit=unit_of(scoring_round, world.village_a1x))
    with pytest.raises(ServiceError, match="过大"):
        services.evidence_add(actor=world.expert, sheet=sheet, upload=SimpleUploadedFile("a.pdf", b"%PDF-" + b"x" * 20))


def test_third_party_evaluator_scores_committees(world, round_):
    from zhengshe.evaluation.choices import PanelKind

    services.panelist_add(actor=world.district_admin, round_=round_, user=world.org_user, kind=PanelKind.THIRD_PARTY,
                          agency="甲县社工服务中心（第三方）")
    r = advance(round_, world.district_admin, "open", "start_scoring")
    sheet = services.sheet_open(actor=world.org_user, unit=unit_of(r, world.village_a1x))
    assert sheet.kind == "third_party"
    with pytest.raises(ServiceError):
        services.panelist_add(actor=world.district_admin, round_=r, user=world.village_staff)  # not panel material


def test_department_self_assesses_only_itself(world, round_):
    r = advance(round_, world.district_admin, "open")
    own = unit_of(r, world.town_a1, "department", "甲县1镇社会事业局")
    other = unit_of(r, world.town_a1, "department", "甲县1镇卫健办")
    assert services.sheet_open(actor=world.town_staff, unit=own).kind == "self"
    with pytest.raises(NotAllowed):
        services.sheet_open(actor=world.town_staff, unit=other)
