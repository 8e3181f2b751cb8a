"""Browser: the job page of a large import moves its progress bar by itself and, once the worker has finished,
shows the row report without the importer pressing anything."""

import pytest
from playwright.sync_api import expect

from zhengshe.testing import signed_in_tab

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_job_page_follows_the_job_to_its_report(world, live_server, browser):
    from zhengshe.core.models import ImportJob

    # given a regions import the worker is reading (1 500 of about 4 000 rows)
    job = ImportJob.objects.create(user=world.district_admin, kind="regions", region_path=world.county_a.path,
                                   file_name="大区划表.xlsx", status="running", rows_total=4000, rows_done=1500)
    problems = []
    tab = signed_in_tab(browser, live_server, world.district_admin, problems)
    tab.goto(f"{live_server.url}{job.get_absolute_url()}")
    bar = tab.locator("#import-progress")
    assert bar.get_attribute("value") == "1500" and bar.get_attribute("max") == "4000"

    # when the worker reads further, the bar follows (the page's script polls the job's status)
    ImportJob.objects.filter(pk=job.pk).update(rows_done=3000)
    expect(bar).to_have_attribute("value", "3000")
    expect(tab.locator("#import-step")).to_contain_text("正在读取第 3000 行")

    # when every row is read and the rows are checked and written, the bar stops counting (indeterminate)
    ImportJob.objects.filter(pk=job.pk).update(rows_done=4000, rows_counted=True)
    expect(tab.locator("#import-step")).to_contain_text("已读取全部 4000 行，正在校验并写入")
    assert bar.get_attribute("value") is None

    # and when the job ends with a refused row, the page reloads into the inline import's report
    ImportJob.objects.filter(pk=job.pk).update(status="rejected", rows_done=4000, rows_counted=True, result={
        "ok": False, "total": 4000, "created": 0, "updated": 0, "file_error": "",
        "errors": [[17, ["上级代码“320581199”不存在"]]]})
    tab.get_by_text("共 1 行有错误，未写入任何数据").wait_for()
    assert "上级代码“320581199”不存在" in tab.locator("table").inner_text()
    assert tab.get_by_role("link", name="下载错误报告").is_visible()
    assert problems == []
