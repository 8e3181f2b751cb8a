"""PDF bundles of a region's agreements, built as background jobs and cleaned up after a day."""

from __future__ import annotations

import datetime as dt
import secrets

from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.audit.services import record_event
from zhengshe.core.errors import ServiceError

from ..models import (
    ExportJob,
)
from ..workflows import JOB_FLOW


def export_start(*, actor, region, year: int) -> ExportJob:
    """Queue a ZIP of the region's agreement PDFs (for towns too large to stream at once)."""
    from ..selectors import agreements_for_zip
    from ..tasks import run_export_job

    total = agreements_for_zip(actor, region, year).count()
    if not total:
        raise ServiceError(_("没有可下载的协议。"))
    export_cleanup()
    job = ExportJob.objects.create(region=region, year=year, requested_by=actor, total=total)
    record_event("agreement.export_requested", job, after={"total": total})
    run_export_job.enqueue(job.pk)
    job.refresh_from_db()
    return job


def export_cleanup(max_age_hours: int = 24) -> int:
    """Remove ZIPs nobody downloaded within ``max_age_hours`` (temporary export files are not kept)."""
    import os

    removed = 0
    cutoff = timezone.now() - dt.timedelta(hours=max_age_hours)
    for job in ExportJob.objects.filter(downloaded_at__isnull=True, finished_at__lt=cutoff).exclude(file_path=""):
        if os.path.exists(job.file_path):
            os.unlink(job.file_path)
            removed += 1
        job.file_path = ""
        job.message = _("超过 %(h)d 小时未下载，文件已删除。") % {"h": max_age_hours}
        job.save(update_fields=["file_path", "message", "updated_at"])
    return removed


def export_run(job_id: int) -> ExportJob:
    """Write the ZIP under the data directory (outside the web root); the download view deletes it afterwards."""
    from django.conf import settings

    from zhengshe.core.context import acting_as

    from ..pdf import write_zip
    from ..selectors import agreements_for_zip

    job = ExportJob.objects.select_related("region", "requested_by").get(pk=job_id)
    with acting_as(job.requested_by, source="job"):
        job = JOB_FLOW.transition(job, "start", actor=job.requested_by, internal=True,
                                  before_save=lambda obj: setattr(obj, "started_at", timezone.now()))
        folder = settings.DATA_DIR / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"agreements-{job.pk}-{secrets.token_hex(8)}.zip"
        try:
            with open(path, "wb") as out:
                for done, _chunk in enumerate(write_zip(agreements_for_zip(job.requested_by, job.region, job.year),
                                                        out), start=1):
                    if done % 10 == 0:
                        job.done = done
                        job.save(update_fields=["done", "updated_at"])
        except Exception as exc:
            problem = str(exc)

            def failed(obj):
                obj.message, obj.finished_at = problem, timezone.now()

            JOB_FLOW.transition(job, "fail", actor=job.requested_by, internal=True, before_save=failed)
            raise

        def finished(obj):
            obj.file_path, obj.done, obj.finished_at = str(path), obj.total, timezone.now()

        job = JOB_FLOW.transition(job, "finish", actor=job.requested_by, internal=True, before_save=finished)
    return job
