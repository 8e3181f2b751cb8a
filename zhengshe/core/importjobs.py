"""Imports too large for a request run as background jobs: one mechanism for every import of every app.

An app declares each of its imports once, in its ``importers.py`` (found by ``CoreConfig.ready``)::

    register(Importer("regions", _("行政区划"), roles={"district_admin"}, run=_run, page=_page, ...))

``run(upload, *, actor, params)`` calls the app's own import service — the one its inline view calls — and
returns ``(report, url)``, so a job gives the inline import's all-or-nothing result and row report. The import
view asks :func:`should_queue` (above ``settings.IMPORT_INLINE_MAX_ROWS`` rows or ``IMPORT_INLINE_MAX_BYTES``
bytes); when true it calls :func:`job_queue` and redirects to the job's page instead of importing.

The job (``core.ImportJob``) runs in the worker as its importer: ``acting_as(importer)`` under the upload's
request id, the importer's own scope re-checked by the service, every write audited under their name. Its file
waits SM4-encrypted (0600) in ``settings.IMPORT_JOB_DIR`` and is removed when the job ends, whatever the end.

Progress never joins the import's transaction: ``rows_done`` grows while the file is streamed and counted
(``excel.reading_progress``), before the service opens its transaction, each update committing on its own; the
rows are then checked and written in the service's one transaction, and the result is written after it has
committed or rolled back. A refused row therefore leaves nothing but the report. Status moves go through the
workflow engine (``IMPORT_JOB_FLOW``). Only the importer and the holders of the import's roles over the job's
region see a job (:func:`jobs_for`); anyone else gets the same 404 as for a missing one.
"""

from __future__ import annotations

import base64
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengshe.utilities import crypto, excel
from zhengshe.utilities.excel import ImportFileError, ImportReport, RowError

from .context import acting_as, current
from .errors import ServiceError
from .events import record_event
from .models import ImportJob, ImportJobStatus
from .scoping import Scope
from .workflows import Transition, Workflow

logger = logging.getLogger(__name__)
FILE_PURPOSE = "core.importjob.file"
S = ImportJobStatus

IMPORT_JOB_FLOW = Workflow("import_job", {
    S.QUEUED: {
        "start": Transition(S.RUNNING, frozenset(), gettext_lazy("开始导入"), internal=True),
        "fail": Transition(S.FAILED, frozenset(), gettext_lazy("出错"), internal=True),
    },
    S.RUNNING: {
        "finish": Transition(S.DONE, frozenset(), gettext_lazy("导入完成"), internal=True),
        "reject": Transition(S.REJECTED, frozenset(), gettext_lazy("未通过校验"), internal=True),
        "fail": Transition(S.FAILED, frozenset(), gettext_lazy("出错"), internal=True),
    },
})


@dataclass(frozen=True)
class Importer:
    """One import of one app. ``roles``: who, over the job's region, may import (and so see the job) besides
    the importer; ``run(upload, *, actor, params) -> (ImportReport, url)``: the app's import service (``url``:
    what the success leads to); ``page(params)``: the import page (to try again); ``done(report)``: the
    success message the inline view shows; ``report_name``: the row report's file name."""

    kind: str
    label: str
    roles: frozenset[str]
    run: Callable
    page: Callable
    done: Callable
    report_name: str


IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    IMPORTERS[importer.kind] = importer
    return importer


def home_path(actor, roles) -> str:
    """The region a job of ``actor`` under ``roles`` is filed under (their first grant for them; "" for none)."""
    paths = Scope.for_user(actor).region_paths(set(roles))
    return paths[0] if paths else ""


# ---------------------------------------------------------------- queueing


def _content(upload) -> bytes:
    data = upload.read() if hasattr(upload, "read") else upload
    if hasattr(upload, "seek"):
        upload.seek(0)
    return data


def should_queue(upload) -> bool:
    """Whether ``upload`` is too large to import inside the request (its bytes, or its rows estimated without
    reading it). A zip bomb is refused here already, with the message of ``read_table``."""
    data = _content(upload)
    if len(data) > settings.IMPORT_INLINE_MAX_BYTES:
        return True
    rows = excel.estimate_rows(getattr(upload, "name", "") or "", data)
    return rows is not None and rows > settings.IMPORT_INLINE_MAX_ROWS


def _store(job: ImportJob, data: bytes) -> str:
    folder = settings.IMPORT_JOB_DIR
    folder.mkdir(parents=True, mode=0o700, exist_ok=True)
    path = folder / f"import-{job.pk}-{secrets.token_hex(8)}.bin"
    sealed = crypto.encrypt(base64.b64encode(data).decode("ascii"), FILE_PURPOSE).encode("ascii")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(sealed)
    return str(path)


def _load(job: ImportJob) -> bytes:
    with open(job.stored_file, "rb") as handle:
        return base64.b64decode(crypto.decrypt(handle.read().decode("ascii"), FILE_PURPOSE))


def _discard(path: str) -> None:
    if path and os.path.exists(path):
        os.unlink(path)


def job_queue(*, actor, kind: str, upload, region_path: str = "", params: dict | None = None) -> ImportJob:
    """Keep ``upload`` for the worker and queue its import as ``actor``; the task is sent once this commits."""
    from .tasks import import_job_run

    importer = IMPORTERS[kind]
    data = _content(upload)
    name = getattr(upload, "name", "") or ""
    with transaction.atomic():
        job = ImportJob.objects.create(
            user=actor, kind=kind, region_path=region_path, file_name=name[:255], file_size=len(data),
            params=params or {}, request_id=current().request_id, rows_total=excel.estimate_rows(name, data) or 0)
        job.stored_file = _store(job, data)
        job.save(update_fields=["stored_file", "updated_at"])
        record_event("import_job.queued", job, after={"kind": kind, "file": job.file_name, "bytes": len(data)},
                     object_repr=_("%(label)s导入任务") % {"label": importer.label})
        transaction.on_commit(lambda: import_job_run.enqueue(job.pk))
    return job


# ---------------------------------------------------------------- running


class _Progress:
    """``excel.reading_progress``'s callback: the rows read so far, saved (and so committed) at once."""

    def __init__(self, job: ImportJob):
        self.job = job

    def __call__(self, rows: int, *, final: bool) -> None:
        job = self.job
        job.rows_done = rows
        if final or rows > job.rows_total:
            job.rows_total = rows
        job.rows_counted = job.rows_counted or final
        job.save(update_fields=["rows_done", "rows_total", "rows_counted", "updated_at"])


def report_data(report: ImportReport) -> dict:
    return {"ok": report.ok, "total": report.total, "created": report.created, "updated": report.updated,
            "errors": [[e.row, list(e.messages)] for e in report.errors], "file_error": report.file_error}


def report_of(job: ImportJob) -> ImportReport | None:
    """The job's result as the inline import's report (None while it runs)."""
    data = job.result or {}
    if not data:
        return None
    return ImportReport(total=data.get("total", 0), created=data.get("created", 0), updated=data.get("updated", 0),
                        errors=[RowError(row, list(messages)) for row, messages in data.get("errors", [])],
                        file_error=data.get("file_error", ""))


def _run(job: ImportJob) -> tuple[ImportReport, str]:
    """The app's import service on the stored file, as the importer; a refusal of the whole file is a report."""
    importer = IMPORTERS[job.kind]
    upload = ContentFile(_load(job), name=job.file_name)
    try:
        with excel.reading_progress(_Progress(job), max_rows=settings.IMPORT_JOB_MAX_ROWS):
            return importer.run(upload, actor=job.user, params=job.params)
    except ImportFileError as exc:
        return ImportReport(file_error=str(exc)), ""
    except ServiceError as exc:
        return ImportReport(file_error=exc.message or _("您没有执行此导入的权限。")), ""


def job_run(job_id: int) -> ImportJob:
    """Run one queued job to its end (the worker's task); a job already started is left alone."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if job.status != S.QUEUED:
        return job
    with acting_as(job.user, source="import", request_id=job.request_id or None):
        job = IMPORT_JOB_FLOW.transition(job, "start", actor=job.user, internal=True,
                                         changes={"started_at": timezone.now()})
        try:
            report, url = _run(job)
            action = "finish" if report.ok else "reject"
        except Exception:  # the service rolled its transaction back; say so rather than leave the job running
            logger.exception("import job %s failed", job.pk)
            report = ImportReport(file_error=_("导入时发生意外错误，未写入任何数据。请联系系统管理员。"))
            url, action = "", "fail"
        finally:
            _discard(job.stored_file)
        return IMPORT_JOB_FLOW.transition(job, action, actor=job.user, internal=True, changes={
            "result": report_data(report), "result_url": url, "stored_file": "", "finished_at": timezone.now()})


# ---------------------------------------------------------------- reading


def jobs_for(user):
    """The jobs ``user`` may see: their own, and those of an import whose roles they hold over its region."""
    scope = Scope.for_user(user)
    if scope.user_id is None:
        return ImportJob.objects.none()
    if scope.is_superuser:
        return ImportJob.objects.all()
    q = Q(user_id=scope.user_id)
    for importer in IMPORTERS.values():
        for path in scope.region_paths(importer.roles):
            q |= Q(kind=importer.kind, region_path__startswith=path)
    return ImportJob.objects.filter(q)


def job_for(user, pk) -> ImportJob:
    """One job ``user`` may see, else 404 (missing and forbidden answer alike)."""
    try:
        return jobs_for(user).select_related("user").get(pk=pk)
    except (ImportJob.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("未找到，或不在您的权限范围内。")) from exc


def progress_data(job: ImportJob) -> dict:
    """What the job page's progress bar shows (also its JSON status)."""
    total, done = job.rows_total, min(job.rows_done, job.rows_total or job.rows_done)
    if job.finished:
        step = job.get_status_display()
    elif job.status == S.QUEUED:
        step = _("排队等待后台处理……")
    elif job.rows_counted:
        step = _("已读取全部 %(n)d 行，正在校验并写入（全部通过才会一次写入）……") % {"n": total}
    else:
        step = _("正在读取第 %(d)d 行（约 %(t)d 行）……") % {"d": done, "t": total}
    return {"status": job.status, "finished": job.finished, "rows_done": done, "rows_total": total,
            "rows_counted": job.rows_counted, "step": step}
