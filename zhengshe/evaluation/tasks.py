"""Background jobs (django.tasks): thin wrappers around services, run by ``db_worker`` in production."""

from django.tasks import task


@task
def compute_results(round_id: int, user_id: int | None) -> dict:
    """Aggregate a large round outside the request (a province-wide round takes seconds, not milliseconds)."""
    from zhengshe.accounts.models import User
    from zhengshe.core.context import acting_as

    from .aggregation import round_compute_results
    from .models import Round

    user = User.objects.filter(pk=user_id).first() if user_id else None
    with acting_as(user, source="task"):
        return round_compute_results(actor=user, round_=Round.objects.get(pk=round_id))
