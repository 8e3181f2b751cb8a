"""Imports above a size threshold run as a background job (``core.importjobs``): the request only queues the file,
the job page shows a progress bar, and the worker's run — as the importer — gives the inline import's result: all
rows or none, the same row report. Only the importer and the administrators of its region see the job."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import escape_uri_path
from openpyxl import load_workbook

from zhengshe.audit.models import AuditEntry
from zhengshe.core import importjobs
from zhengshe.core.models import ImportJob
from zhengshe.regions import services as region_services
from zhengshe.regions.models import Region
from zhengshe.testing import make_user
from zhengshe.utilities.excel import build_workbook

HEADERS = region_services.IMPORT_HEADERS


@pytest.fixture
def small_threshold(settings, tmp_path):
    """Files of more than 5 rows go to the worker; their waiting files in a directory of the test's own."""
    settings.IMPORT_INLINE_MAX_ROWS = 5
    settings.IMPORT_JOB_DIR = tmp_path / "import_jobs"
    return settings.IMPORT_JOB_DIR


def _villages(world, n: int, *, first: int = 210, bad_row: int | None = None) -> bytes:
    """``n`` new villages under town A1; with ``bad_row``, that file row names a parent that does not exist."""
    rows = []
    for i in range(n):
        parent = "320581199" if bad_row is not None and i + 2 == bad_row else world.town_a1.code
        rows.append([f"{world.town_a1.code}{first + i:03d}", f"新村{first + i}", "村/社区", parent, "220", 1000, 300, 100])
    return build_workbook(HEADERS, rows)


def _upload(data: bytes, name: str = "大文件.xlsx"):
    return SimpleUploadedFile(name, data)


def _queue(client, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("regions:import"), {"file": _upload(data)})
    return response, callbacks


def _commit(callbacks):
    for callback in callbacks:
        callback()


def _inline_report(world, data):
    """What the same file gives imported inline (then rolled back, so the job can import it afresh)."""
    with transaction.atomic():
        report = region_services.import_regions(_upload(data), actor=world.district_admin)
        transaction.set_rollback(True)
    return importjobs.report_data(report)


def test_a_large_import_is_queued_not_run_in_the_request(world, client_for, small_threshold,
                                                         django_capture_on_commit_callbacks):
    """Given a district administrator and a file of 8 villages (above the 5-row threshold), when she uploads it,
    then nothing is imported in the request: she is sent to the job's page, which shows a progress bar that
    polls the job (and refreshes itself without JavaScript), and the file waits encrypted for the worker."""
    client = client_for(world.district_admin)
    response, callbacks = _queue(client, _villages(world, 8), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.status == "queued" and job.user == world.district_admin and job.kind == "regions"
    assert callbacks  # the task is sent once the request's transaction commits, not before
    assert not Region.objects.filter(name__startswith="新村").exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert '<progress id="import-progress"' in page and "排队等待后台处理" in page
    assert reverse("core:import_job_status", kwargs={"pk": job.pk}) in page and "import_job.js" in page
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    status = client.get(reverse("core:import_job_status", kwargs={"pk": job.pk})).json()
    assert status == {"status": "queued", "finished": False, "rows_done": 0, "rows_total": 8, "rows_counted": False,
                      "step": "排队等待后台处理……"}
    stored = list(small_threshold.iterdir())
    assert len(stored) == 1 and oct(stored[0].stat().st_mode & 0o777) == "0o600"
    assert stored[0].read_bytes().startswith(b"zs1:") and "新村".encode() not in stored[0].read_bytes()


def test_a_small_import_still_runs_in_the_request(world, client_for, small_threshold):
    response = client_for(world.district_admin).post(reverse("regions:import"), {"file": _upload(_villages(world, 5))})
    assert response.status_code == 302 and response.url == reverse("regions:list")
    assert Region.objects.filter(name__startswith="新村").count() == 5 and not ImportJob.objects.exists()


def test_a_file_above_the_byte_threshold_is_queued_too(world, client_for, small_threshold, settings,
                                                       django_capture_on_commit_callbacks):
    settings.IMPORT_INLINE_MAX_ROWS = 1000
    settings.IMPORT_INLINE_MAX_BYTES = 1000
    data = _villages(world, 3)
    assert len(data) > 1000
    response, _callbacks = _queue(client_for(world.district_admin), data, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and ImportJob.objects.get().status == "queued"


def test_the_job_gives_the_inline_result_as_the_importer(world, client_for, small_threshold,
                                                         django_capture_on_commit_callbacks):
    """Given a queued file of 8 good villages, when the worker runs the job, then all 8 are written as the
    inline import would write them, the audit trail names the importer (under the upload's request id), the
    page shows the inline success message and a full bar, and the waiting file is gone."""
    data = _villages(world, 8)
    inline = _inline_report(world, data)
    client = client_for(world.district_admin)
    _response, callbacks = _queue(client, data, django_capture_on_commit_callbacks)
    _commit(callbacks)  # the ImmediateBackend runs the job here, as the db_worker would
    job = ImportJob.objects.get()
    assert job.status == "done" and importjobs.report_data(importjobs.report_of(job)) == inline
    assert inline["created"] == 8 and Region.objects.filter(name__startswith="新村").count() == 8
    assert (job.rows_done, job.rows_total, job.rows_counted) == (8, 8, True)
    created = AuditEntry.objects.filter(action="create", object_type__endswith="region", object_repr__startswith="新村")
    assert created.count() == 8
    assert set(created.values_list("actor", "source", "request_id")) == {(world.district_admin.pk, "import",
                                                                            job.request_id)}
    page = client.get(job.get_absolute_url()).content.decode()
    assert "导入成功：新增 8 条，更新 0 条。" in page and reverse("regions:list") in page
    assert 'value="8"' in page and "http-equiv" not in page and "import_job.js" not in page
    assert list(small_threshold.iterdir()) == []
    assert client.get(reverse("core:import_job_status", kwargs={"pk": job.pk})).json()["finished"] is True


def test_progress_is_committed_between_reading_and_writing(world, small_threshold, monkeypatch,
                                                          django_capture_on_commit_callbacks, client_for):
    """While the rows are checked (after the file is read, before the import's transaction), the job's row shows
    every row read and the step says the rows are being checked and written."""
    from zhengshe.utilities import excel

    monkeypatch.setattr(excel, "PROGRESS_EVERY", 3)
    seen, pages = [], []
    check = region_services._check_nesting

    client = client_for(world.district_admin)

    def spy(*args, **kwargs):
        job = ImportJob.objects.get()
        seen.append((job.status, job.rows_done, job.rows_counted, importjobs.progress_data(job)["step"]))
        pages.append(client.get(job.get_absolute_url()).content.decode())
        return check(*args, **kwargs)

    monkeypatch.setattr(region_services, "_check_nesting", spy)
    saves = []
    monkeypatch.setattr(importjobs._Progress, "__call__", _recording(importjobs._Progress.__call__, saves))
    _response, callbacks = _queue(client, _villages(world, 8), django_capture_on_commit_callbacks)
    _commit(callbacks)
    assert saves == [(3, False), (6, False), (8, True)]  # while streaming, then the exact count
    assert seen == [("running", 8, True, "已读取全部 8 行，正在校验并写入（全部通过才会一次写入）……")]
    # checking and writing cannot be counted from outside the transaction: an indeterminate bar, no made-up value
    assert '<progress id="import-progress" class="w-100" max="8">' in pages[0]
    assert "正在校验并写入" in pages[0] and "http-equiv" in pages[0]


def test_while_reading_the_bar_shows_the_rows_read(world, client_for):
    job = ImportJob.objects.create(user=world.district_admin, kind="regions", region_path=world.county_a.path,
                                   file_name="大.xlsx", status="running", rows_total=4000, rows_done=1500)
    page = client_for(world.district_admin).get(job.get_absolute_url()).content.decode()
    assert '<progress id="import-progress" class="w-100" max="4000" value="1500">' in page
    assert "正在读取第 1500 行（约 4000 行）" in page


def _recording(original, log):
    def call(self, rows, *, final):
        log.append((rows, final))
        return original(self, rows, final=final)

    return call


def test_a_failing_row_rolls_back_every_row_and_the_report_lists_it(world, client_for, small_threshold,
                                                                    django_capture_on_commit_callbacks):
    """Given a queued file of 8 villages whose 6th row names an unknown parent, when the job runs, then no village
    is written, the job says so, and its page and error report list that row as the inline import does."""
    data = _villages(world, 8, bad_row=6)
    inline = _inline_report(world, data)
    client = client_for(world.district_admin)
    _response, callbacks = _queue(client, data, django_capture_on_commit_callbacks)
    _commit(callbacks)
    job = ImportJob.objects.get()
    assert job.status == "rejected" and not Region.objects.filter(name__startswith="新村").exists()
    assert importjobs.report_data(importjobs.report_of(job)) == inline
    assert [row for row, _messages in inline["errors"]] == [6]
    message = inline["errors"][0][1][0]
    page = client.get(job.get_absolute_url()).content.decode()
    assert "共 1 行有错误，未写入任何数据" in page and "<td>6</td>" in page and message in page
    assert "未通过校验，未写入" in page
    errors = client.get(reverse("core:import_job_errors", kwargs={"pk": job.pk}))
    assert errors.status_code == 200
    assert escape_uri_path("区划导入错误报告.xlsx") in errors["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(errors.content)).active
    assert [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)] == [[6, message]]


def test_a_file_refused_as_a_whole_ends_the_job_with_the_message(world, client_for, small_threshold,
                                                                 django_capture_on_commit_callbacks):
    """A queued file whose header is wrong: the job ends with the same Chinese message as the inline import."""
    data = build_workbook(["代码", "名称"], [[f"x{i}", "y"] for i in range(8)])
    client = client_for(world.district_admin)
    _response, callbacks = _queue(client, data, django_capture_on_commit_callbacks)
    _commit(callbacks)
    job = ImportJob.objects.get()
    assert job.status == "rejected" and job.result["file_error"].startswith("表头不正确")
    assert "表头不正确" in client.get(job.get_absolute_url()).content.decode()


def test_an_unexpected_error_fails_the_job_and_writes_nothing(world, client_for, small_threshold, monkeypatch,
                                                              django_capture_on_commit_callbacks):
    """A fault inside the import (here: the database refusing the 4th village) rolls every row back; the job ends
    as failed with a Chinese message, not stuck as running, and its waiting file is removed."""
    save = Region.save

    def flaky(self, *args, **kwargs):
        if self.name == "新村213":
            raise RuntimeError("disk I/O error")
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Region, "save", flaky)
    client = client_for(world.district_admin)
    _response, callbacks = _queue(client, _villages(world, 8), django_capture_on_commit_callbacks)
    _commit(callbacks)
    job = ImportJob.objects.get()
    assert job.status == "failed" and not Region.objects.filter(name__startswith="新村").exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "出错，未写入" in page and "导入时发生意外错误，未写入任何数据" in page and "disk I/O" not in page
    assert list(small_threshold.iterdir()) == []


def test_a_job_reads_past_the_request_cap_up_to_its_own(world, client_for, small_threshold, settings, monkeypatch,
                                                       django_capture_on_commit_callbacks):
    """The 20 000 rows a request may read do not bound a job (settings.IMPORT_JOB_MAX_ROWS does): here a request
    cap of 6 and a job cap of 8 — 8 rows import, 9 are refused with the job's figure."""
    from zhengshe.utilities import excel

    monkeypatch.setattr(excel, "MAX_IMPORT_ROWS", 6)
    settings.IMPORT_JOB_MAX_ROWS = 8
    client = client_for(world.district_admin)
    _response, callbacks = _queue(client, _villages(world, 8), django_capture_on_commit_callbacks)
    _commit(callbacks)
    assert ImportJob.objects.get().status == "done"
    _response, callbacks = _queue(client, _villages(world, 9, first=230), django_capture_on_commit_callbacks)
    _commit(callbacks)
    job = ImportJob.objects.latest("pk")
    assert job.status == "rejected" and job.result["file_error"] == "一次最多导入 8 行，请拆分后分批导入。"


def test_a_valid_100_000_row_file_is_queued_at_once(world, client_for, settings, tmp_path,
                                                   django_capture_on_commit_callbacks):
    """The issue's probe: a valid 100 000-row file no longer runs in the request (which gunicorn killed after
    30 s); with the default thresholds it is queued in a moment, its rows estimated from its lines."""
    import time

    settings.IMPORT_JOB_DIR = tmp_path
    lines = [",".join(HEADERS)] + [f"{world.town_a1.code}{i % 200 + 200:03d},村{i},村/社区,{world.town_a1.code},220,1,1,1"
                                   for i in range(100_000)]
    data = ("\ufeff" + "\n".join(lines) + "\n").encode()
    client = client_for(world.district_admin)
    started = time.monotonic()
    with django_capture_on_commit_callbacks():
        response = client.post(reverse("regions:import"), {"file": _upload(data, "十万行.csv")})
    assert time.monotonic() - started < 10
    job = ImportJob.objects.get()
    assert response.status_code == 302 and (job.status, job.rows_total) == ("queued", 100_000)
    assert not Region.objects.filter(name__startswith="村").exists()


def test_a_zip_bomb_is_still_refused_in_the_request(world, client_for, small_threshold):
    from .test_imports_cannot_hang import _bomb

    client = client_for(world.district_admin)
    response = client.post(reverse("regions:import"), {"file": _upload(_bomb())})
    assert response.status_code == 200 and "疑似压缩炸弹" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_only_the_importer_and_the_administrators_of_its_region_see_the_job(world, client_for, small_threshold,
                                                                            django_capture_on_commit_callbacks):
    """The sibling village's worker, the other county's district administrator, the county leader and a user
    with no role get 404 for the job's page, status and report; a second administrator of the county sees it."""
    _response, callbacks = _queue(client_for(world.district_admin), _villages(world, 8, bad_row=3),
                                  django_capture_on_commit_callbacks)
    _commit(callbacks)
    job = ImportJob.objects.get()
    urls = [reverse(name, kwargs={"pk": job.pk}) for name in
            ("core:import_job", "core:import_job_status", "core:import_job_errors")]
    for outsider in (world.sibling_staff, world.district_admin_b, world.leader, world.nobody, world.town_staff):
        client = client_for(outsider)
        assert [client.get(u).status_code for u in urls] == [404, 404, 404], outsider.username
    colleague = client_for(make_user("district_a2", "district_admin", region=world.county_a))
    assert [colleague.get(u).status_code for u in urls] == [200, 200, 200]


def test_the_job_page_has_a_query_budget(world, client_for, small_threshold, django_capture_on_commit_callbacks,
                                         django_assert_max_num_queries):
    _response, callbacks = _queue(client_for(world.district_admin), _villages(world, 8, bad_row=3),
                                  django_capture_on_commit_callbacks)
    _commit(callbacks)
    client = client_for(world.district_admin)
    url = ImportJob.objects.get().get_absolute_url()
    client.get(url)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


# ---------------------------------------------------------------- every import of every app goes the same way


def _register_case(world):
    from zhengshe.organizations.imports import IMPORT_HEADERS as ORG_HEADERS
    from zhengshe.organizations.models import Organization

    rows = [[{"名称": f"甲1x文体队{i}", "组织类型": "社区社会组织", "类别": "文体类", "所在区划代码": world.village_a1x.code,
              "联系电话": "13800001234"}.get(h, "") for h in ORG_HEADERS] for i in range(8)]
    return (reverse("organizations:import"), {}, build_workbook(ORG_HEADERS, rows),
            lambda: Organization.objects.filter(name__startswith="甲1x文体队").count())


def _list_case(world):
    from zhengshe.catalog.models import ListItem
    from zhengshe.catalog.services.lists import IMPORT_HEADERS as LIST_HEADERS

    rows = [[str(i), "社会事务", f"大清单事项{i}", "", "", "", "否", "无", 0, ""] for i in range(1, 9)]
    return (reverse("catalog:list_import"), {"kind": "duties", "year": 2026, "title": "大清单"},
            build_workbook(LIST_HEADERS, rows), lambda: ListItem.objects.filter(title__startswith="大清单事项").count())


def _indicator_case(world):
    from zhengshe.evaluation import services as evaluation_services
    from zhengshe.evaluation.choices import Direction

    template = evaluation_services.template_create(actor=world.district_admin, region=world.county_a,
                                                   direction=Direction.GOV_TO_COMMITTEE, title="大指标表")
    rows = [[f"A{i}", "履约", f"大指标{i}", "", 12.5, "打分（0–满分）", 10, "", "", "", ""] for i in range(1, 9)]
    return (reverse("evaluation:template_import", args=[template.pk]), {},
            build_workbook(evaluation_services.IMPORT_HEADERS, rows), lambda: template.indicators.count())


def _regions_case(world):
    return (reverse("regions:import"), {}, _villages(world, 8),
            lambda: Region.objects.filter(name__startswith="新村").count())


@pytest.mark.parametrize("make, kind", [(_regions_case, "regions"), (_register_case, "organizations"),
                                        (_list_case, "catalog.list"), (_indicator_case, "evaluation.template")],
                         ids=["regions", "organizations", "catalog", "evaluation"])
def test_every_import_queues_a_large_file_and_the_job_writes_it(make, kind, world, client_for, small_threshold,
                                                                django_capture_on_commit_callbacks):
    """Given each import page of the system, when a district administrator uploads an 8-row file, then the request
    only queues it (nothing written, a job page), and the job then writes all 8 rows and links to the result."""
    url, extra, data, written = make(world)
    client = client_for(world.district_admin)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url, {**extra, "file": _upload(data)})
    job = ImportJob.objects.get()
    assert (response.status_code, response.url, job.kind) == (302, job.get_absolute_url(), kind)
    assert written() == 0
    _commit(callbacks)
    job.refresh_from_db()
    assert (job.status, written()) == ("done", 8), job.result
    page = client.get(job.get_absolute_url()).content.decode()
    assert "导入成功" in page and job.result_url in page and url in page
