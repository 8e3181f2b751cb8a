"""Grade assessment end to end: declaration with evidence, review, expert scoring, committee, public
notice with the objection window, confirmation, certificate, expiry."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zhengshe.core.errors import NotAllowed, ServiceError

from .. import selectors, services
from ..choices import ApplicationStatus, RoundStatus
from ..models import Objection
from . import factories as f


@pytest.fixture
def rnd(world):
    return services.round_create(actor=world.district_admin, data={
        "year": timezone.localdate().year, "region": world.county_a, "name": "甲县年度社会组织等级评估",
        "threshold_5a": 900, "threshold_4a": 800, "threshold_3a": 700, "threshold_2a": 600, "threshold_1a": 500})


def test_assessment_end_to_end_with_objection_window(world, org_a, rnd, client_for):
    admin, org_client = client_for(world.district_admin), client_for(world.org_user)
    # The office opens the round; the organization declares with evidence.
    admin.post(rnd.get_absolute_url(), {"action": "open"})
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.DECLARING
    response = org_client.post(f"/organizations/grading/{rnd.pk}/declare/{org_a.pk}/")
    app = org_a.grade_applications.get()
    assert response.url == app.get_absolute_url()
    org_client.post(f"/organizations/grading/applications/{app.pk}/act/", {"action": "declare"})
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DRAFT  # no self-assessment and no evidence yet
    org_client.post(f"/organizations/grading/applications/{app.pk}/edit/",
                    {"requested_grade": "4A", "self_score": "860", "self_assessment": "内部治理规范，项目成效显著。"})
    org_client.post(f"/organizations/grading/applications/{app.pk}/evidence/",
                    {"title": "章程", "file": f.pdf_upload()})
    assert app.evidence.count() == 1
    org_client.post(f"/organizations/grading/applications/{app.pk}/act/", {"action": "declare"})
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DECLARED
    # Preliminary review, then experts score against the indicator system.
    admin.post(rnd.get_absolute_url(), {"action": "close_declaration"})
    admin.post(f"/organizations/grading/applications/{app.pk}/act/", {"action": "accept"})
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SCORING
    iset = services.indicator_set_ensure(region=rnd.region, org_type=org_a.org_type)
    indicators = list(iset.indicators.all())
    assert sum(i.max_score for i in indicators) == 1000
    expert = client_for(world.expert)
    expert.post(f"/organizations/grading/applications/{app.pk}/score/",
                {f"score_{i.pk}": str(i.max_score * 84 / 100) for i in indicators})
    assert app.scores.count() == len(indicators)
    with pytest.raises(NotAllowed):  # an organization cannot score itself
        f.score_all(app, world.org_user)
    admin.post(f"/organizations/grading/applications/{app.pk}/act/", {"action": "close_scoring"})
    app.refresh_from_db()
    assert app.status == ApplicationStatus.COMMITTEE and app.score == 840 and app.proposed_grade == "4A"
    # The committee may not raise the grade above what the score reaches.
    with pytest.raises(ServiceError):
        services.application_decide(actor=world.district_admin, app=app, grade="5A")
    # Separation of duties: the committee decision is made by a second person of the office.
    from zhengshe.testing import make_user

    committee = client_for(make_user("district_a2", "district_admin", region=world.county_a))
    committee.post(f"/organizations/grading/applications/{app.pk}/decide/", {"grade": "4A", "comment": "同意"})
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DECIDED
    # Public notice: an objection window of 7 days; confirmation refused while it runs.
    admin.post(rnd.get_absolute_url(), {"action": "publish", "notice_days": "7"})
    rnd.refresh_from_db()
    app.refresh_from_db()
    assert rnd.status == RoundStatus.NOTICE and app.status == ApplicationStatus.NOTICE
    public = client_for(world.nobody)
    public.logout()
    notice_page = public.get("/p/organizations/notice/").content.decode()
    assert org_a.name in notice_page and "4A" in notice_page
    public.post(f"/p/organizations/notice/{app.pk}/objection/", {"submitter": "某居民", "content": "服务对象满意度存疑"})
    objection = Objection.objects.get(application=app)
    with pytest.raises(ServiceError):
        services.round_confirm(actor=world.district_admin, rnd=rnd, today=rnd.notice_end + timedelta(days=1))
    # The objection is dismissed after checking; objections after the window are refused.
    admin.post(f"/organizations/grading/objections/{objection.pk}/resolve/", {"upheld": "0", "resolution": "经核实不成立"})
    with pytest.raises(ServiceError):
        services.objection_submit(application=app, submitter="迟到者", contact="", content="x",
                                  today=rnd.notice_end + timedelta(days=1))
    with pytest.raises(ServiceError):  # the window has not ended yet
        services.round_confirm(actor=world.district_admin, rnd=rnd, today=rnd.notice_end)
    announced = rnd.notice_end + timedelta(days=1)
    services.round_confirm(actor=world.district_admin, rnd=rnd, today=announced)
    app.refresh_from_db()
    org_a.refresh_from_db()
    assert app.status == ApplicationStatus.CONFIRMED
    assert app.valid_from == date(announced.year + 1, 1, 1)
    assert app.valid_to == date(announced.year + 5, 12, 31)
    assert org_a.grade == "4A" and app.certificate_number
    # The certificate is a real PDF with the grade and validity.
    pdf = org_client.get(f"/organizations/grading/applications/{app.pk}/certificate.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "4A" in text and org_a.name in text
    # What the grade unlocks, once in force (with the last due annual report filed).
    day = app.valid_from + timedelta(days=1)
    assert selectors.eligibility(org_a, min_grade="3A", on_date=day)[1] == [f"{day.year - 2} 年度报告未报送"]
    f.report(org_a, year=day.year - 2, status="accepted")
    ok, reasons = selectors.eligibility(org_a, min_grade="3A", on_date=app.valid_from + timedelta(days=1))
    assert ok, reasons
    ok, reasons = selectors.eligibility(org_a, min_grade="5A", on_date=app.valid_from + timedelta(days=1))
    assert not ok and "低于" in reasons[0]


def test_upheld_objection_sends_the_result_back_to_the_committee(world, org_a, rnd):
    rnd.status = RoundStatus.NOTICE
    rnd.notice_start, rnd.notice_end = timezone.localdate(), timezone.localdate() + timedelta(days=7)
    rnd.save()
    app = f.application(rnd, org_a, status=ApplicationStatus.NOTICE, decided_grade="3A", score=720, proposed_grade="3A")
    objection = services.objection_submit(application=app, submitter="某单位", contact="", content="财务不规范")
    services.objection_resolve(actor=world.district_admin, objection=objection, upheld=True, resolution="属实，重新审定")
    app.refresh_from_db()
    assert app.status == ApplicationStatus.COMMITTEE
    with pytest.raises(ServiceError):
        services.round_confirm(actor=world.district_admin, rnd=rnd, today=rnd.notice_end + timedelta(days=1))


def test_grade_expiry_reminder_and_clearing(world, org_a):
    from zhengshe.core.models import Notification

    today = date(2031, 8, 1)
    org_a.grade, org_a.grade_valid_from, org_a.grade_valid_to = "4A", date(2027, 1, 1), date(2031, 12, 31)
    org_a.save()
    rnd = f.grade_round(world.county_a, year=2026, status=RoundStatus.CLOSED)
    f.application(rnd, org_a, status=ApplicationStatus.CONFIRMED, decided_grade="4A", valid_from=date(2027, 1, 1),
                  valid_to=date(2031, 12, 31))
    stats = services.grade_expiry_sweep(today=today)
    assert stats["warned"] == 1
    assert Notification.objects.filter(user=world.org_user, target_id=org_a.pk, kind="grade_expiring").count() == 1
    assert services.grade_expiry_sweep(today=today)["warned"] == 0  # not twice
    assert selectors.grade_on(org_a, date(2031, 12, 31)) is not None
    assert selectors.grade_on(org_a, date(2032, 1, 1)) is None  # expired by date, whatever the job did
    stats = services.grade_expiry_sweep(today=date(2032, 1, 1))
    org_a.refresh_from_db()
    assert stats["expired"] == 1 and org_a.grade == ""
    ok, reasons = selectors.eligibility(org_a, on_date=date(2032, 1, 2))
    assert not ok and any("无有效评估等级" in r for r in reasons)


def test_expiry_task_runs_through_django_tasks(world, org_a):
    from ..tasks import grade_expiry_reminders

    result = grade_expiry_reminders.enqueue()
    assert result.return_value == {"warned": 0, "expired": 0}


def test_evidence_type_is_checked_by_content_and_served_as_attachment(world, org_a, rnd, client_for):
    rnd.status = RoundStatus.DECLARING
    rnd.save()
    app = services.application_start(actor=world.org_user, rnd=rnd, organization=org_a)
    fake = SimpleUploadedFile("证书.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf")
    with pytest.raises(ServiceError):
        services.evidence_add(actor=world.org_user, app=app, upload=fake, title="伪装文件")
    big = SimpleUploadedFile("大.pdf", b"%PDF-" + b"0" * (services.MAX_EVIDENCE_BYTES + 1))
    with pytest.raises(ServiceError):
        services.evidence_add(actor=world.org_user, app=app, upload=big, title="过大")
    ev = services.evidence_add(actor=world.org_user, app=app, upload=f.pdf_upload(), title="章程")
    assert "media" not in ev.file.name and not ev.file.name.startswith("/")
    response = client_for(world.district_admin).get(f"/organizations/grading/evidence/{ev.pk}/")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert client_for(world.district_admin_b).get(f"/organizations/grading/evidence/{ev.pk}/").status_code == 404


def test_declaration_eligibility_rules(world, rnd):
    rnd.status = RoundStatus.DECLARING
    rnd.save()
    young = f.org(world.town_a1, name="新成立协会", registered_on=timezone.localdate() - timedelta(days=200))
    with pytest.raises(ServiceError, match="两个年度"):
        services.application_start(actor=world.district_admin, rnd=rnd, organization=young)


def test_indicator_weights_must_add_up(world):
    iset = services.indicator_set_ensure(region=world.county_a, org_type="social_group")
    first = iset.indicators.first()
    with pytest.raises(ServiceError):
        services.indicator_weights_update(actor=world.district_admin, indicator_set=iset,
                                          weights={first.pk: first.max_score + 10})
    second = iset.indicators.exclude(pk=first.pk).first()
    services.indicator_weights_update(actor=world.district_admin, indicator_set=iset, weights={
        first.pk: first.max_score + 10, second.pk: second.max_score - 10})
    first.refresh_from_db()
    assert first.max_score == 50


def test_reading_an_application_writes_nothing_and_an_early_certificate_is_refused_in_words(world, client_for):
    """Given an application being scored in a county with no indicator system yet, when the county leader opens
    it and asks for its certificate, then no default indicator system is created behind their back, and the
    certificate answer is the message 「等级确认后才能打印证书。」 on the application's page, not a server error."""
    from django.urls import reverse

    from zhengshe.audit.models import AuditEntry
    from zhengshe.organizations.models import IndicatorSet

    app = f.application(f.grade_round(world.county_a, status=RoundStatus.REVIEWING), f.org(world.village_a1x),
                        status=ApplicationStatus.SCORING)
    writes = AuditEntry.objects.filter(action__in=["create", "update", "delete"]).count()
    leader = client_for(world.leader)
    assert leader.get(app.get_absolute_url()).status_code == 200
    assert not IndicatorSet.objects.exists()
    response = leader.get(reverse("organizations:certificate", args=[app.pk]), follow=True)
    assert response.status_code == 200 and "等级确认后才能打印证书。" in response.content.decode()
    assert AuditEntry.objects.filter(action__in=["create", "update", "delete"]).count() == writes


@pytest.mark.parametrize("action", ["confirm", "objection_upheld"])
def test_the_generic_application_action_cannot_reach_the_rounds_own_moves(world, org_a, rnd, action):
    # given an application in its public notice, moved only by the round (confirm) or an upheld objection
    app = f.application(rnd, org_a, status=ApplicationStatus.NOTICE, decided_grade="3A", score=720, proposed_grade="3A")
    # when the office posts that move's name to the generic application action
    with pytest.raises(ServiceError, match="不能执行此操作"):
        services.application_transition(actor=world.district_admin, app=app, action=action)
    # then nothing moved
    app.refresh_from_db()
    assert app.status == ApplicationStatus.NOTICE


def test_one_person_cannot_review_score_and_decide_an_assessment_alone(world, org_a, rnd, client_for):
    """Separation of duties (issue 12 point 4): on by default; a second person makes the committee decision;
    switching it off needs a recorded, audited reason."""
    from zhengshe.audit.models import AuditEntry
    from zhengshe.testing import make_user

    assert rnd.separate_duties
    rnd = services.round_transition(actor=world.district_admin, rnd=rnd, action="open")
    app = f.application(rnd, org_a, status=ApplicationStatus.DECLARED)
    rnd = services.round_transition(actor=world.district_admin, rnd=rnd, action="close_declaration")
    app = services.application_transition(actor=world.district_admin, app=app, action="accept")
    f.score_all(app, world.expert)
    app = services.application_transition(actor=world.district_admin, app=app, action="close_scoring")
    with pytest.raises(ServiceError, match="职责分离"):
        services.application_decide(actor=world.district_admin, app=app, grade=app.proposed_grade or "1A")
    colleague = make_user("district_a2", "district_admin", region=world.county_a, department="甲县民政局")
    decided = services.application_decide(actor=colleague, app=app, grade=app.proposed_grade)
    assert decided.status == ApplicationStatus.DECIDED
    # the switch: off only with a reason, and the reason is on the page and in the audit log
    admin = client_for(world.district_admin)
    admin.post(rnd.get_absolute_url(), {"separation": "0", "reason": ""})
    rnd.refresh_from_db()
    assert rnd.separate_duties
    admin.post(rnd.get_absolute_url(), {"separation": "0", "reason": "本批次仅补录纸质评估结果"})
    rnd.refresh_from_db()
    assert not rnd.separate_duties and rnd.separation_waiver == "本批次仅补录纸质评估结果"
    assert "本批次仅补录纸质评估结果" in str(AuditEntry.objects.filter(action="organizations.round_separation")
                                          .latest("id").after)
    assert "本批次仅补录纸质评估结果" in admin.get(rnd.get_absolute_url()).content.decode()
