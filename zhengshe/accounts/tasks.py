"""Background jobs (django.tasks): thin wrappers around services, run by the db_worker."""

from django.tasks import task

from zhengshe.core.context import acting_as


@task()
def prune_login_attempts(older_than_days: int | None = None) -> dict:
    """Remove login attempts older than LOGIN_ATTEMPT_RETENTION_DAYS (never inside the lock-out window)."""
    from .services import prune_login_attempts as prune

    with acting_as(None, source="job"):
        return {"deleted": prune(older_than_days=older_than_days)}
