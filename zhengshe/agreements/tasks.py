"""Background jobs (django.tasks): thin wrappers around services, run by `db_worker` in production."""

from django.tasks import task


@task
def run_drafting_job(job_id: int) -> int:
    """Bulk-draft a template's agreements; progress is saved on the ``DraftingJob`` row."""
    from .services import drafting_run

    return drafting_run(job_id).created_count


@task
def run_export_job(job_id: int) -> int:
    """Build the ZIP of a region's agreement PDFs; the ``ExportJob`` row links to it when done."""
    from .services import export_run

    return export_run(job_id).total
