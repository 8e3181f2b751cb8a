"""Pages, public survey, poster, exports and API — as real users, with query budgets."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse

from zhengshe.evaluation.models import SurveyResponse, UnitResult
from zhengshe.testing import assert_max_queries

from . import factories as f
from .conftest import second_manager

pytestmark = pytest.mark.django_db


@pytest.fixture
def ns(world):
    return f.build(world)


@pytest.fixture
def scoring(world):
    return f.build(world, publish=False)


def test_owner_pages_render(world, ns, client_for):
    admin = client_for(world.district_admin)
    pages = [reverse("evaluation:round_list"), ns.round.get_absolute_url(),
             reverse("evaluation:results", args=[ns.round.pk]), reverse("evaluation:surveys", args=[ns.round.pk]),
             reverse("evaluation:objections", args=[ns.round.pk]),
             reverse("evaluation:consequences", args=[ns.round.pk]), reverse("evaluation:panel", args=[ns.round.pk]),
             ns.unit.get_absolute_url(), ns.objection.get_absolute_url(), reverse("evaluation:templates"),
             ns.committee.get_absolute_url(), reverse("evaluation:sheets"), ns.survey.get_absolute_url(),
             reverse("evaluation:round_create"), reverse("evaluation:template_create"),
             reverse("evaluation:indicator_create", args=[ns.committee.pk]),
             reverse("evaluation:template_import", args=[ns.committee.pk]),
             reverse("evaluation:indicator_edit", args=[ns.committee.pk, ns.committee.indicators.first().pk]),
             reverse("evaluation:round_edit", args=[ns.round.pk]), reverse("evaluation_public:publicity_list"),
             ns.self_sheet.get_absolute_url()]
    for url in pages:
        response = admin.get(url)
        assert response.status_code == 200, url


def test_results_page_budget_and_chart_data(world, ns, client_for):
    admin = client_for(world.district_admin)
    with assert_max_queries(40):
        response = admin.get(reverse("evaluation:results", args=[ns.round.pk]))
    html = response.content.decode()
    assert 'id="evaluation-chart-data"' in html and "evaluation/charts.js" in html and "echarts.min.js" in html
    assert "（1 份）" in html  # the answer count beside the residents' score
    assert "<script>" not in html.replace('<script src=', '')  # no inline script (CSP)


def test_results_budget_does_not_grow_with_units(world, ns, client_for):
    admin = client_for(world.district_admin)
    url = reverse("evaluation:results", args=[ns.round.pk])
    with assert_max_queries(40) as ctx:
        admin.get(url)
    small = len(ctx.captured_queries)
    from zhengshe.evaluation.aggregation import round_compute_results  # noqa: F401 - results exist already
    from zhengshe.regions.models import Region

    # more committees in a second round: same query count
    for i in range(5):
        Region.objects.create(code=f"{world.town_a2.code}{210 + i:03d}", name=f"新增{i}村", level="village",
                              parent=world.town_a2)
    r2 = f.services.round_create(actor=world.district_admin, region=world.county_a, year=2027, title="2027",
                                 templates={"template_committee": ns.committee})
    for action in ("open", "start_scoring", "close_scoring"):
        r2 = f.services.round_transition(actor=world.district_admin, round_=r2, action=action)
    with assert_max_queries(small + 2):
        admin.get(reverse("evaluation:results", args=[r2.pk]))


def test_committee_sees_results_from_publication_and_the_scores_it_gave(world, scoring, client_for):
    from zhengshe.evaluation.aggregation import round_compute_results

    round_compute_results(actor=world.district_admin, round_=scoring.round)
    village = client_for(world.village_staff)
    results_url = reverse("evaluation:results", args=[scoring.round.pk])
    assert scoring.unit.name not in village.get(results_url).content.decode()  # not before 公示
    assert "甲县1镇甲县1镇2村" in client_for(world.town_staff).get(results_url).content.decode()
    assert village.get(reverse("evaluation-result-list")).json()["count"] == 0
    f.services.round_transition(actor=world.district_admin, round_=scoring.round, action="close_scoring")
    f.services.round_transition(actor=second_manager(world), round_=scoring.round, action="publish")
    html = village.get(results_url).content.decode()
    assert scoring.unit.name in html and "甲县1镇甲县1镇2村" in html  # published results are public
    sheets = village.get(reverse("evaluation:sheets")).content.decode()
    assert "甲县1镇人民政府" in sheets  # the grade it gave the town
    assert "评估组评分" not in sheets and world.expert.username not in sheets  # not the panel's sheets on it …
    panel = client_for(world.expert).get(reverse("evaluation:sheets")).content.decode()
    assert "评估组评分" in panel and world.expert.username in panel  # … which exist
    sibling = client_for(world.sibling_staff)
    assert sibling.get(scoring.gov_sheet.get_absolute_url()).status_code == 404
    town = client_for(world.town_staff)  # the town government sees what it was given
    assert town.get(scoring.gov_sheet.get_absolute_url()).status_code == 200


def test_scoring_page_flow(world, scoring, client_for):
    other = scoring.round.units.get(region=world.village_a1y, kind="committee")
    expert = client_for(world.expert)
    url = reverse("evaluation:score", args=[other.pk])
    page = expert.get(url)
    assert page.status_code == 200 and "A1" in page.content.decode()
    a1 = scoring.committee.indicators.get(code="A1")
    a2 = scoring.committee.indicators.get(code="A2")
    bad = expert.post(url, {f"ind_{a1.pk}": "12", f"touched_{a2.pk}": "1", "submit": "1"})
    assert bad.status_code == 200 and "0 至 10" in bad.content.decode()
    ok = expert.post(url, {f"ind_{a1.pk}": "7.5", f"touched_{a2.pk}": "1", f"check_{a2.pk}": ["0"], "submit": "1"},
                     follow=True)
    assert "已提交" in ok.content.decode()
    sheet = other.sheets.get(scorer=world.expert)
    assert sheet.status == "submitted" and {s.points for s in sheet.scores.all()} == {Decimal("45"), Decimal("20")}


def test_conflict_declared_in_ui_blocks_scoring_page(world, scoring, client_for):
    other = scoring.round.units.get(region=world.village_a1y, kind="committee")
    expert = client_for(world.expert)
    expert.post(reverse("evaluation:conflict", args=[other.pk]), {"reason": "本人在该村兼职"})
    response = expert.get(reverse("evaluation:score", args=[other.pk]), follow=True)
    assert "利益冲突" in response.content.decode()
    assert not other.sheets.filter(scorer=world.expert).exists()


def test_public_survey_refuses_second_answer_from_same_device(world, scoring, client):
    url = reverse("evaluation_public:survey", args=[scoring.survey.token])
    first = client.get(url)
    assert first.status_code == 200 and 'name="viewport"' in first.content.decode()
    r1 = scoring.residents.indicators.get(code="R1")
    done = client.post(url, {f"q_{r1.pk}": "4"})
    assert done.status_code == 302
    again = client.post(url, {f"q_{r1.pk}": "1"})
    assert again.status_code == 200 and "已参与过" in again.content.decode()
    assert SurveyResponse.objects.filter(survey=scoring.survey).count() == 2  # the factory's + this one
    # a fresh browser without the cookie gets one first (no cookie → no answer)
    from django.test import Client

    stranger = Client()
    assert "Cookie" in stranger.post(url, {f"q_{r1.pk}": "3"}).content.decode()


def test_poster_pdf_has_link_and_qr(world, scoring, client_for):
    from pypdf import PdfReader

    response = client_for(world.village_staff).get(reverse("evaluation:survey_poster", args=[scoring.survey.pk]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = reader.pages[0].extract_text()
    assert scoring.survey.token in text and "满意度调查" in text
    assert "/Image" in str(reader.pages[0]["/Resources"]["/XObject"].get_object()[
        list(reader.pages[0]["/Resources"]["/XObject"].keys())[0]].get("/Subtype"))
    qr = client_for(world.village_staff).get(reverse("evaluation:survey_qr", args=[scoring.survey.pk]))
    assert qr.content.startswith(b"\x89PNG")


def test_publicity_page_is_public_during_publication(world, ns, client):
    response = client.get(reverse("evaluation_public:publicity", args=[ns.round.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and ns.unit.name in html and "公示期" in html


def test_publicity_page_hidden_before_publication(world, scoring, client):
    assert client.get(reverse("evaluation_public:publicity", args=[scoring.round.pk])).status_code == 404


def test_exports(world, ns, client_for):
    from openpyxl import load_workbook

    admin = client_for(world.district_admin)
    for url in [reverse("evaluation:results", args=[ns.round.pk]) + "?export=xlsx",
                reverse("evaluation:heatmap_export", args=[ns.round.pk]),
                reverse("evaluation:template_export", args=[ns.committee.pk])]:
        response = admin.get(url)
        wb = load_workbook(io.BytesIO(response.content))
        assert wb.active.max_row >= 2, url


def test_api_objection_and_results(world, ns, client_for):
    village = client_for(world.village_staff)
    result = UnitResult.objects.get(unit=ns.unit)
    data = village.get(reverse("evaluation-round-results", args=[ns.round.pk])).json()
    assert any(r["unit"]["id"] == ns.unit.pk for r in data["results"])
    response = village.post(reverse("evaluation-result-objection", args=[result.pk]), {"text": "再次提出"},
                            content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "open"
    sibling = client_for(world.sibling_staff)
    refused = sibling.post(reverse("evaluation-result-objection", args=[result.pk]), {"text": "冒名"},
                           content_type="application/json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"


def test_evidence_download_has_disposition(world, scoring, client_for):
    response = client_for(world.expert).get(reverse("evaluation:evidence_download", args=[scoring.evidence.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]


def test_template_and_round_through_the_screens(world, client_for):
    from zhengshe.evaluation.models import IndicatorTemplate, Round

    admin = client_for(world.district_admin)
    response = admin.post(reverse("evaluation:template_create"), {
        "region": world.county_a.pk, "direction": "gov_committee", "title": "界面创建的指标"})
    template = IndicatorTemplate.objects.get(title="界面创建的指标")
    assert response.status_code == 302
    add = reverse("evaluation:indicator_create", args=[template.pk])
    admin.post(add, {"code": "A1", "group": "履约", "name": "台账", "weight": "70", "rule": "scale", "max_points": "10",
                     "deduction": "0", "position": "1"})
    admin.post(add, {"code": "A2", "group": "履约", "name": "公开", "weight": "30", "rule": "checklist",
                     "checklist_text": "财务公开\n重大事项公开", "max_points": "10", "deduction": "0", "position": "2"})
    bad = admin.post(add, {"code": "A3", "group": "履约", "name": "坏", "weight": "10", "rule": "deduction",
                           "max_points": "10", "deduction": "0", "position": "3"}, follow=True)
    assert "每次扣分" in bad.content.decode()
    assert template.indicators.count() == 2
    detail = admin.get(template.get_absolute_url()).content.decode()
    assert "逐项核查 2 项" in detail
    admin.post(reverse("evaluation:template_publish", args=[template.pk]))
    template.refresh_from_db()
    assert template.status == "published"
    response = admin.post(reverse("evaluation:round_create"), {
        "region": world.county_a.pk, "year": "2026", "title": "界面创建的轮次", "template_committee": template.pk,
        "publicity_days": "7", "min_sample": "30", "residents_weight": "20", "missing_rule": "renormalise", "min_coverage": "60",
        "short_sample_rule": "provisional",
        "bands_text": "优秀 90 奖励 3000\n合格 75\n基本合格 60\n不合格 0 扣减 1000", "departments_text": ""})
    round_ = Round.objects.get(title="界面创建的轮次")
    assert response.status_code == 302 and round_.units.filter(kind="committee").count() == 6
    assert round_.grade_bands[0] == {"label": "优秀", "min": "90", "award": "3000"}
    moved = admin.post(reverse("evaluation:round_transition", args=[round_.pk, "open"]), follow=True)
    round_.refresh_from_db()
    assert round_.status == "self" and "操作成功" in moved.content.decode()
    village = client_for(world.village_staff)
    village.post(reverse("evaluation:round_transition", args=[round_.pk, "start_scoring"]))
    round_.refresh_from_db()
    assert round_.status == "self"  # a committee cannot move the district's round


def test_api_transition_and_error_shape(world, scoring, client_for):
    admin = client_for(world.district_admin)
    url = reverse("evaluation-round-transition", args=[scoring.round.pk])
    ok = admin.post(url, {"action": "close_scoring"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "review" and ok.json()["results_computed_at"]
    wrong = admin.post(url, {"action": "finalize"}, content_type="application/json")
    assert wrong.status_code == 400 and "不能执行" in wrong.json()["error"]["message"]


def test_list_pages_query_budget(world, ns, client_for):
    admin = client_for(world.district_admin)
    for url, budget in [(reverse("evaluation:round_list"), 14), (reverse("evaluation:sheets"), 12),
                        (reverse("evaluation:templates"), 12), (reverse("evaluation:consequences", args=[ns.round.pk]), 12),
                        (reverse("evaluation:surveys", args=[ns.round.pk]), 12), (ns.unit.get_absolute_url(), 20),
                        (reverse("evaluation-result-list"), 10), (reverse("evaluation-sheet-list"), 10)]:
        with assert_max_queries(budget):
            assert admin.get(url).status_code == 200, url


def test_large_round_is_computed_in_the_background(world, scoring, client_for, monkeypatch):
    from zhengshe.evaluation import views

    monkeypatch.setattr(views, "BACKGROUND_UNITS", 1)
    admin = client_for(world.district_admin)
    response = admin.post(reverse("evaluation:round_compute", args=[scoring.round.pk]), follow=True)
    assert "后台计算" in response.content.decode()
    scoring.round.refresh_from_db()
    assert scoring.round.results_computed_at is not None  # the immediate backend ran the job
    assert UnitResult.objects.filter(round=scoring.round).exists()


def test_round_settings_editable_only_while_preparing(world, client_for):
    ns = f.build(world, publish=False)
    admin = client_for(world.district_admin)
    draft = f.services.round_create(actor=world.district_admin, region=world.town_a1, year=2027, title="镇级轮次",
                                    templates={"template_committee": ns.committee})
    assert draft.units.filter(kind="committee").count() == 3
    url = reverse("evaluation:round_edit", args=[draft.pk])
    assert admin.get(url).status_code == 200
    admin.post(url, {"year": "2027", "title": "镇级轮次（改）", "template_committee": ns.committee.pk,
                     "template_government": ns.government.pk, "publicity_days": "10", "min_sample": "20", "min_coverage": "60", "short_sample_rule": "unrated",
                     "residents_weight": "0", "missing_rule": "zero", "bands_text": "合格 60\n不合格 0",
                     "departments_text": "农村工作局"})
    draft.refresh_from_db()
    assert draft.title == "镇级轮次（改）" and draft.missing_rule == "zero" and len(draft.grade_bands) == 2
    assert draft.units.filter(kind="government").count() == 1
    assert draft.departments == ["农村工作局"]  # graded once a department template is chosen
    # a started round is frozen
    admin.post(reverse("evaluation:round_edit", args=[ns.round.pk]), {"title": "x"}, follow=True)
    ns.round.refresh_from_db()
    assert ns.round.title != "x"


def test_the_chart_an_administrator_loaded_first_is_never_served_to_the_county_expert(world, client_for):
    """Regression: the chart data was cached under the caller's home region only, so the county expert — who may
    not see unpublished results — got the chart a district administrator of the same county had warmed (committee
    names, scores, heat map)."""
    from zhengshe.evaluation.aggregation import round_compute_results

    ns = f.build(world, publish=False)
    round_compute_results(actor=world.district_admin, round_=ns.round)
    url = reverse("evaluation:results", args=[ns.round.pk])
    admin_chart = client_for(world.district_admin).get(url).context["chart"]
    assert ns.unit.name in str(admin_chart)  # the administrator's chart names the committee
    expert_chart = client_for(world.expert).get(url).context["chart"]
    assert ns.unit.name not in str(expert_chart)
    assert str(expert_chart) != str(admin_chart)
