"""Background jobs of the work inbox (run by the db_worker)."""

from django.tasks import task

from zhengshe.core.context import acting_as


@task()
def inbox_remind():
    """The daily deadline reminders (``core.inbox.remind``)."""
    from zhengshe.core import inbox

    with acting_as(None, source="job"):
        return inbox.remind()


@task()
def import_job_run(job_id: int):
    """One queued import (``core.importjobs``): runs as its importer, all rows or none."""
    from zhengshe.core import importjobs

    return importjobs.job_run(job_id).status
