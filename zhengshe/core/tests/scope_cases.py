"""core's own pages in the every-URL scope test: the inbox lists only what waits for the visitor."""

from zhengshe.testing import ScopeCase


def _waiting_item(w):
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from zhengshe.core.models import WorkItem

    WorkItem.objects.create(content_type=ContentType.objects.get_for_model(type(w.village_a1x)), object_id="1",
                            workflow="test", state="submitted", title="甲县1镇1村标记待办", role="village_staff",
                            region_path=w.village_a1x.path, opened_at=timezone.now())
    return {"marker": "甲县1镇1村标记待办"}


CASES = {
    "core:inbox": ScopeCase(_waiting_item),
}


def _import_job(w):
    """A finished regions import job of county A's district administrator, with one refused row."""
    from zhengshe.core.models import ImportJob

    job = ImportJob.objects.create(user=w.district_admin, kind="regions", region_path=w.county_a.path,
                                   file_name="甲县区划.xlsx", status="rejected", rows_total=3, rows_done=3,
                                   result={"ok": False, "total": 3, "created": 0, "updated": 0, "file_error": "",
                                           "errors": [[2, ["甲县导入任务标记错误"]]]})
    return {"kwargs": {"pk": job.pk}, "marker": "甲县导入任务标记错误"}


CASES.update({
    "core:import_job": ScopeCase(_import_job),
    "core:import_job_status": ScopeCase(_import_job),
    "core:import_job_errors": ScopeCase(_import_job),
})
