"""Background jobs of the work inbox (run by the db_worker)."""

from django.tasks import task

from zhengshe.core.context import acting_as


@task()
def inbox_remind():
    """The daily deadline reminders (``core.inbox.remind``)."""
    from zhengshe.core import inbox

    with acting_as(None, source="job"):
        return inbox.remind()
