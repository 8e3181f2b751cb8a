"""Background jobs (django.tasks): thin wrappers around services, run daily by the db_worker."""

from django.tasks import task

from zhengshe.core.context import acting_as


@task()
def annual_report_reminders() -> dict:
    """Remind before 31 May, flag missing annual reports after it, tell the offices."""
    from .services import annual_reports_sweep

    with acting_as(None, source="job"):
        return annual_reports_sweep()


@task()
def grade_expiry_reminders() -> dict:
    """Warn organizations whose grade expires within 180 days; clear expired grades."""
    from .services import grade_expiry_sweep

    with acting_as(None, source="job"):
        return grade_expiry_sweep()
