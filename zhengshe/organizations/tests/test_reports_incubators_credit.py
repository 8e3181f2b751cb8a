"""Annual reports (form, deadline, reminders, missing flags), incubators, credit lists and findings."""

from datetime import date

import pytest
from django.utils import timezone

from zhengshe.core.errors import NotAllowed, ServiceError
from zhengshe.core.models import Notification

from .. import selectors, services
from ..choices import IncubationStatus, ReportStatus
from ..models import AnnualReport
from . import factories as f


def test_org_files_its_annual_report_on_the_form(world, org_a, client_for):
    year = timezone.localdate().year - 1
    client = client_for(world.org_user)
    url = f"/organizations/{org_a.pk}/reports/{year}/"
    page = client.get(url)
    assert page.status_code == 200 and f"{year + 1}年5月31日" in page.content.decode()
    # Merely opening the form writes nothing: the draft exists only once the organization saves.
    assert not AnnualReport.objects.filter(organization=org_a, year=year).exists()
    data = {"activities": "开展为老服务 120 场", "projects": "助老食堂", "revenue": "520000.00", "expenditure": "480000.50",
            "net_assets": "90000", "government_funding": "300000", "staff": 6, "social_workers": 3, "volunteers": 80,
            "members": 0, "version": 1}
    client.post(url, data | {"submit": "1"})
    report = AnnualReport.objects.get(organization=org_a, year=year)
    assert report.status == ReportStatus.SUBMITTED and report.expenditure == __import__("decimal").Decimal("480000.50")
    assert report.late == (timezone.localdate() > report.deadline)
    # The office reviews it with an inspection result.
    client_for(world.district_admin).post(report.get_absolute_url(), {"action": "accept", "result": "qualified"})
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED and report.result == "qualified"
    with pytest.raises(ServiceError):  # no edits once submitted
        services.annual_report_save(actor=world.org_user, report=report, data={"activities": "改"})


def test_cannot_report_on_a_year_not_yet_over(world, org_a):
    with pytest.raises(ServiceError):
        services.annual_report_for(actor=world.org_user, org=org_a, year=timezone.localdate().year)


def test_sweep_reminds_before_and_flags_missing_after_the_deadline(world, org_a):
    # Before 31 May: a reminder, once.
    stats = services.annual_reports_sweep(today=date(2026, 5, 10))
    assert stats["reminded"] >= 1
    # delivered in-app to the organization's user (the house's one notification table)
    assert Notification.objects.filter(user=world.org_user, target_id=org_a.pk, kind="report_due").count() == 1
    services.annual_reports_sweep(today=date(2026, 5, 11))
    assert Notification.objects.filter(user=world.org_user, target_id=org_a.pk, kind="report_due").count() == 1
    # After it: the report is flagged missing, the organization and the office are told.
    stats = services.annual_reports_sweep(today=date(2026, 6, 2))
    assert stats["flagged"] >= 1
    report = AnnualReport.objects.get(organization=org_a, year=2025)
    assert report.status == ReportStatus.MISSING
    assert Notification.objects.filter(user=world.org_user, target_id=org_a.pk, kind="report_missing").exists()
    assert Notification.objects.filter(user=world.district_admin, region_path=world.county_a.path,
                                       kind="report_missing").exists()
    assert not Notification.objects.filter(user=world.district_admin_b, region_path=world.county_a.path).exists()
    ok, reasons = selectors.eligibility(org_a, min_grade="", on_date=date(2026, 6, 2))
    assert not ok and reasons == ["2025 年度报告未报送"]
    # A late report can still be filed; it is marked late.
    services.annual_report_save(actor=world.org_user, report=report, data={"activities": "补报"}, submit=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.late


def test_report_task_runs_through_django_tasks(world):
    from ..tasks import annual_report_reminders

    result = annual_report_reminders.enqueue()
    assert "year" in result.return_value


def test_incubation_from_application_to_graduation(world, client_for):
    park = f.incubator(world.county_a, name="甲县社会组织孵化园", level="district", capacity=6)
    centre = f.incubator(world.town_a1, name="甲县1镇孵化中心", level="street", parent=park)
    group = f.org(world.village_a1x, name="甲1x助残志愿队", registration_kind="filed", org_type="community",
                  status="preparing")
    staff = client_for(world.town_staff)
    staff.post(centre.get_absolute_url(), {"organization": group.pk, "plan": "助残服务，计划一年内完成备案"})
    inc = group.incubations.get()
    assert inc.status == IncubationStatus.APPLIED
    staff.post(f"/organizations/incubations/{inc.pk}/act/", {"action": "admit", "months": "12"})
    inc.refresh_from_db()
    assert inc.status == IncubationStatus.INCUBATING and inc.end_on > inc.start_on
    staff.post(f"/organizations/incubations/{inc.pk}/services/",
               {"kind": "training", "provided_on": "2026-03-01", "hours": "3", "description": "财务制度培训"})
    staff.post(f"/organizations/incubations/{inc.pk}/milestones/", {"title": "完成备案", "due_on": "2026-09-01"})
    assert inc.services.count() == 1 and inc.milestones.count() == 1
    with pytest.raises(ServiceError):  # graduation requires registration achieved
        services.incubation_transition(actor=world.town_staff, incubation=inc, action="graduate")
    services.organization_set_status(actor=world.town_staff, org=group, action="activate")
    group.refresh_from_db()
    group.filing_number = services.next_filing_number(group.region, 2026)
    group.save()
    staff.post(f"/organizations/incubations/{inc.pk}/act/", {"action": "graduate", "comment": "已完成备案"})
    inc.refresh_from_db()
    assert inc.status == IncubationStatus.GRADUATED and inc.finished_on
    # The sibling village's worker cannot see it; the district park lists its street centre.
    assert client_for(world.sibling_staff).get(inc.get_absolute_url()).status_code == 404
    assert centre.name in client_for(world.district_admin).get(park.get_absolute_url()).content.decode()


def test_credit_lists_with_reasons_and_dates(world, client_for):
    org = f.org(world.town_a1, name="甲县异常协会")
    admin = client_for(world.district_admin)
    admin.post(f"/organizations/{org.pk}/credit/new/", {"list_kind": "abnormal", "reason": "unreachable",
                                                        "detail": "住所无法联系", "included_on": "2026-03-01"})
    entry = org.credit_entries.get()
    assert entry.active and entry.included_on == date(2026, 3, 1)
    ok, reasons = selectors.eligibility(org, min_grade="", on_date=date(2026, 3, 2))
    assert not ok and "活动异常名录" in reasons[0]
    with pytest.raises(NotAllowed):
        services.credit_include(actor=world.org_user, org=org, list_kind="serious", reason="revoked")
    admin.post(f"/organizations/credit/{entry.pk}/remove/", {"reason": "已整改并核实", "removed_on": "2026-04-01"})
    entry.refresh_from_db()
    assert entry.removed_on == date(2026, 4, 1)
    assert selectors.eligibility(org, min_grade="", on_date=date(2026, 3, 15))[0] is False  # history kept
    serious = services.credit_include(actor=world.district_admin, org=org, list_kind="serious", reason="revoked",
                                      included_on=date(2026, 5, 1), decision_number="甲民罚〔2026〕3号")
    with pytest.raises(ServiceError, match="2 年"):
        services.credit_remove(actor=world.district_admin, entry=serious, reason="想移出", removed_on=date(2027, 5, 1))
    services.credit_remove(actor=world.district_admin, entry=serious, reason="满两年无新失信", removed_on=date(2028, 5, 2))
    page = admin.get(org.get_absolute_url()).content.decode()
    assert "住所无法联系" in page and "已整改并核实" in page


def test_audit_findings_recorded_and_rectified(world, client_for):
    org = f.org(world.town_a1)
    admin = client_for(world.district_admin)
    admin.post(f"/organizations/{org.pk}/findings/new/", {"year": 2025, "auditor": "某会计师事务所",
                                                          "found_on": "2026-02-01", "severity": "major",
                                                          "finding": "票据不规范"})
    finding = org.audit_findings.get()
    admin.post(f"/organizations/findings/{finding.pk}/rectified/")
    finding.refresh_from_db()
    assert finding.rectified_on == timezone.localdate()
    assert "票据不规范" in admin.get(org.get_absolute_url()).content.decode()


def test_daily_command_queues_both_jobs(world):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("organizations_reminders", stdout=out)
    assert "annual_report_reminders" in out.getvalue() and "grade_expiry_reminders" in out.getvalue()
    out = StringIO()
    call_command("organizations_reminders", "--now", stdout=out)
    assert "warned" in out.getvalue()


def test_missing_report_leads_to_the_abnormal_list_form(world, org_a, client_for):
    services.annual_reports_sweep(today=date(2026, 6, 2))
    report = AnnualReport.objects.get(organization=org_a, year=2025)
    admin = client_for(world.district_admin)
    page = admin.get(report.get_absolute_url()).content.decode()
    assert "列入活动异常名录" in page
    form = admin.get(f"/organizations/{org_a.pk}/credit/new/", {"list_kind": "abnormal", "reason": "report_missing",
                                                                "detail": "未按规定报送 2025 年度工作报告。"})
    assert 'value="report_missing" selected' in form.content.decode()


def test_messages_go_through_the_one_notification_table_to_the_right_users(world, org_a, client_for):
    from django.urls import reverse

    from zhengshe.core import inbox
    from zhengshe.organizations.services.notifications import notify

    notify(kind="other", title="请补充年度报告附件", organization=org_a, link=org_a.get_absolute_url(),
           dedupe_key="t-1")
    assert notify(kind="other", title="请补充年度报告附件", organization=org_a, dedupe_key="t-1") is None  # once
    # the organization's user sees it on the list, on the organization's page and among the inbox's latest
    page = client_for(world.org_user).get(reverse("organizations:notifications")).content.decode()
    assert "请补充年度报告附件" in page
    assert "请补充年度报告附件" in client_for(world.org_user).get(org_a.get_absolute_url()).content.decode()
    assert "请补充年度报告附件" in [n.message for n in inbox.unread_notifications(world.org_user)]
    # another organization's user and a sibling village's worker do not
    assert "请补充年度报告附件" not in client_for(world.org_user_b).get(
        reverse("organizations:notifications")).content.decode()
    assert not inbox.notifications_for(world.sibling_staff).exists()
    # an address with nobody to deliver to keeps the message once (never lost)
    nobody = notify(kind="other", title="无人接收的通知", region=world.village_b1x)
    assert [n.user_id for n in nobody] == [None]


def test_annual_report_figures_are_checked_errors_block_warnings_need_confirming(world, org_a, client_for):
    """Issue 12 point 21: revenue −5.00 with 900 000 of government funding is refused with a message on each
    field; plausible but unusual figures are shown as warnings, saved as a draft, and submitted only once the
    organization ticks that it has checked them (recorded)."""
    from zhengshe.audit.models import AuditEntry

    year = timezone.localdate().year - 1
    client = client_for(world.org_user)
    url = f"/organizations/{org_a.pk}/reports/{year}/"
    bad = {"activities": "开展为老服务", "projects": "", "revenue": "-5.00", "expenditure": "100", "net_assets": "0",
           "government_funding": "900000", "staff": 2, "social_workers": 0, "volunteers": 5, "members": 0,
           "version": 1, "submit": "1"}
    text = client.post(url, bad).content.decode()
    assert "年度报告的数据有误" in text and "金额不能为负数（填写的是 -5.00 元）。" in text
    report = AnnualReport.objects.get(organization=org_a, year=year)
    assert report.status == ReportStatus.DRAFT and report.revenue == 0  # nothing of the bad figures kept
    text = client.post(url, bad | {"revenue": "500000"}).content.decode()
    assert "其中政府购买服务收入（900,000.00 元）不能大于本年收入（500,000.00 元）。" in text
    odd = bad | {"revenue": "500000", "government_funding": "300000", "expenditure": "520000", "net_assets": "-20000",
                 "social_workers": 4}
    text = client.post(url, odd).content.decode()
    assert "请核实以下提示" in text and 'id="report-warnings"' in text
    assert "本年支出（520,000.00 元）大于本年收入（500,000.00 元），差额 20,000.00 元" in text
    assert "持证社工（4 人）多于专职工作人员（2 人）" in text and "年末净资产为负数（-20,000.00 元）" in text
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    client.post(url, odd | {"submit": "0"})  # a draft with warnings is saved
    report.refresh_from_db()
    assert report.expenditure == 520000 and report.status == ReportStatus.DRAFT
    client.post(url, odd | {"version": report.version, "acknowledge": "on"})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert AuditEntry.objects.filter(action="organizations.report_warnings_confirmed").exists()
    detail = client_for(world.district_admin).get(report.get_absolute_url()).content.decode()
    assert 'id="report-warnings"' in detail and "持证社工（4 人）" in detail


def test_serious_list_takes_only_the_rules_grounds_after_the_abnormal_step(world, client_for):
    """Issue 12 point 22: the serious-dishonesty list is entered on a ground of 民政部令第60号 §15 chosen from the
    list (a free reason, or an abnormal-list ground, is refused); 被列入活动异常名录满2年 needs two unbroken years on
    the abnormal list; a penalty ground needs its decision number."""
    org = f.org(world.town_a1, name="甲县失信协会")
    admin = client_for(world.district_admin)
    url = f"/organizations/{org.pk}/credit/new/"
    form = admin.get(url).content.decode()
    assert '<optgroup label="严重违法失信名单">' in form and "弄虚作假办理变更登记，被撤销变更登记" in form
    assert "受到限期停止活动行政处罚" in form and "被列入活动异常名录满2年" in form
    text = admin.post(url, {"list_kind": "serious", "reason": "unreachable", "included_on": "2026-09-01"}).content
    assert "不是《社会组织信用信息管理办法》规定的列入严重违法失信名单的情形" in text.decode()
    text = admin.post(url, {"list_kind": "serious", "reason": "anything"}).content.decode()
    assert not org.credit_entries.exists() and "列入情形" in text
    text = admin.post(url, {"list_kind": "serious", "reason": "abnormal_two_years", "included_on": "2026-09-01"})
    assert "不在活动异常名录中：须先列入活动异常名录" in text.content.decode()
    abnormal = services.credit_include(actor=world.district_admin, org=org, list_kind="abnormal",
                                       reason="report_missing", included_on=date(2024, 10, 8))
    with pytest.raises(ServiceError, match="至 2026-10-08 方满 2 年"):
        services.credit_include(actor=world.district_admin, org=org, list_kind="serious", reason="abnormal_two_years",
                                included_on=date(2026, 9, 1))
    with pytest.raises(ServiceError, match="决定书文号"):
        services.credit_include(actor=world.district_admin, org=org, list_kind="serious", reason="suspension",
                                included_on=date(2026, 9, 1))
    admin.post(url, {"list_kind": "serious", "reason": "abnormal_two_years", "included_on": "2026-10-08"})
    serious = org.credit_entries.get(list_kind="serious")
    assert serious.get_reason_display() == "被列入活动异常名录满2年"
    assert serious.detail == "自 2024-10-08 列入活动异常名录（事由：未按照规定时限和要求向登记管理机关报送年度工作报告），满 2 年未移出。"
    assert abnormal.active
