"""Base models: timestamps, scoped querysets, optimistic locking, and the status-history row."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .scoping import ScopedQuerySet


class BaseModel(models.Model):
    """Every domain model: created/updated times and ``objects.restrict(user, action)``."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    scope_region_field: str | None = None
    scope_target_fields: dict[str, str] = {}
    scope_visible_from_below = False
    # Fields never written to the audit trail in clear (e.g. secrets); masked values are logged instead.
    audit_exclude: tuple[str, ...] = ()

    class Meta:
        abstract = True


class VersionedModel(BaseModel):
    """Optimistic locking: a form carries ``version``; a save with a stale one is refused."""

    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        abstract = True


class StatusChange(models.Model):
    """One row per workflow move of any stateful object (Oscar-style status history)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("操作"), max_length=64)
    from_status = models.CharField(_("原状态"), max_length=64)
    to_status = models.CharField(_("新状态"), max_length=64)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(_("意见"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class Rollup(models.Model):
    """One total over the region tree: (region node by path, year, key) → value, kept in the writing transaction.

    ``year`` 0 holds figures that have no year (villages, population, organizations by type). A village's
    contribution is added to its own path and every ancestor's, so a county's or the province's total is one
    indexed row read. ``core.rollups`` writes and reads them; ``zhengshe rollups verify`` proves them.
    """

    region_path = models.CharField(_("区划路径"), max_length=255)
    year = models.PositiveSmallIntegerField(_("年度"), default=0)
    key = models.CharField(_("指标"), max_length=64)
    value = models.DecimalField(_("数值"), max_digits=20, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("汇总数")
        verbose_name_plural = _("汇总数")
        constraints = [models.UniqueConstraint(fields=["region_path", "year", "key"], name="rollup_one_row")]
        indexes = [models.Index(fields=["key", "year", "region_path"], name="rollup_key_year_path")]

    def __str__(self):
        return f"{self.region_path} {self.year} {self.key}={self.value}"



class WorkItem(models.Model):
    """One piece of open (待办) or done (已办) work: an object waiting in a state for a role over a region
    subtree or bound to a target (organization, council), or for one user. Kept by the workflow engine in the
    same transaction as each move (``core.inbox.sync``); the inbox, reminders and home pages read only this."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    workflow = models.CharField(_("流程"), max_length=64)
    state = models.CharField(_("状态"), max_length=64)
    state_label = models.CharField(_("状态名称"), max_length=100, blank=True)
    title = models.CharField(_("事项"), max_length=255)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    role = models.CharField(_("办理角色"), max_length=32, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+", verbose_name=_("办理人"))
    region_path = models.CharField(_("区划路径"), max_length=255, blank=True)
    target_kind = models.CharField(_("对象类别"), max_length=32, blank=True)
    target_id = models.PositiveBigIntegerField(_("对象编号"), null=True, blank=True)
    deadline = models.DateField(_("办理期限"), null=True, blank=True)
    opened_at = models.DateTimeField(_("到达时间"))
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("办理人"))
    action = models.CharField(_("办理操作"), max_length=64, blank=True)
    action_label = models.CharField(_("办理操作名称"), max_length=100, blank=True)
    reminded_on = models.DateField(_("最近提醒"), null=True, blank=True)

    class Meta:
        verbose_name = _("待办事项")
        verbose_name_plural = _("待办事项")
        ordering = ["deadline", "opened_at", "id"]
        indexes = [
            # The 待办 look-ups: by role and region prefix, by target, by assignee — open rows only.
            # (pattern ops on PostgreSQL so the region prefix LIKE uses it whatever the collation)
            models.Index(fields=["role", "region_path", "deadline"], name="workitem_open_region",
                         opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "date_ops"],
                         condition=models.Q(closed_at__isnull=True)),
            models.Index(fields=["target_kind", "target_id", "role"], name="workitem_open_target",
                         condition=models.Q(closed_at__isnull=True)),
            models.Index(fields=["assignee", "deadline"], name="workitem_open_assignee",
                         condition=models.Q(closed_at__isnull=True)),
            # The 待办 order: a wide scope (a district's 20 000) walks it and stops after one page instead of sorting.
            models.Index(fields=["deadline", "opened_at", "id"], name="workitem_open_order",
                         condition=models.Q(closed_at__isnull=True)),
            models.Index(fields=["content_type", "object_id"], name="workitem_object"),
            models.Index(fields=["closed_by", "-closed_at"], name="workitem_done"),
        ]

    def __str__(self):
        return self.title


class Notification(models.Model):
    """An in-app message to one user: work arrived in their inbox, a deadline is near, or an app's message (a
    report due, a grade expiring, a decision) addressed to an organization, a council or an office (a region) and
    delivered to each user holding a role there when it was sent (``core.inbox.notify``). A message whose address
    had nobody to deliver to is kept once with no user, so that it is never lost and never sent twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    item = models.ForeignKey(WorkItem, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("类别"), max_length=32)  # "arrived" | "due" | an app's kind (e.g. "report_due")
    message = models.CharField(_("内容"), max_length=300)
    body = models.TextField(_("详细内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    region_path = models.CharField(_("发送至区划"), max_length=255, blank=True)
    target_kind = models.CharField(_("发送至对象类别"), max_length=32, blank=True)
    target_id = models.PositiveBigIntegerField(_("发送至对象编号"), null=True, blank=True)
    dedupe_key = models.CharField(max_length=120, blank=True, db_index=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notification_unread"),
                   models.Index(fields=["target_kind", "target_id", "-created_at"], name="notification_target")]

    def __str__(self):
        return self.message


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导入中")
    DONE = "done", _("已导入")
    REJECTED = "rejected", _("未通过校验，未写入")
    FAILED = "failed", _("出错，未写入")


class ImportJob(BaseModel):
    """One import file too large to run inside a request (``core.importjobs``): queued by the importer, run by the
    worker as that importer (their scope, their name in the audit trail), all rows or none like an inline import.
    The page polls its progress; the result keeps the inline import's row report. Seen by the importer and by the
    administrators (the import's roles) of its region only."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("导入人"))
    kind = models.CharField(_("导入类别"), max_length=32)
    region_path = models.CharField(_("区划路径"), max_length=255, blank=True)
    file_name = models.CharField(_("文件名"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("文件大小"), default=0)
    stored_file = models.CharField(_("待导入文件"), max_length=300, blank=True)  # removed when the job ends
    params = models.JSONField(_("导入选项"), default=dict, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_counted = models.BooleanField(_("总行数已确定"), default=False)
    rows_done = models.PositiveIntegerField(_("已读取行数"), default=0)
    result = models.JSONField(_("导入结果"), default=dict, blank=True)
    result_url = models.CharField(_("结果链接"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="importjob_user"),
                   models.Index(fields=["kind", "region_path"], name="importjob_scope")]

    def __str__(self):
        return f"{self.kind} {self.file_name}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("core:import_job", kwargs={"pk": self.pk})

    @property
    def finished(self) -> bool:
        return self.status not in (ImportJobStatus.QUEUED, ImportJobStatus.RUNNING)

class IdempotencyKey(models.Model):
    """One record per intent: the first outcome of a form submission token or an API ``Idempotency-Key``.

    The row is claimed (inserted) before the request runs, so a second identical request — a double click, a
    retry, twenty at once — finds it: the unique (key, user) constraint lets exactly one of them in, and the others
    wait for its outcome and are given that. Bookkeeping, not a record of the domain: not audited (the record the
    first request wrote is). Rows expire after ``IDEMPOTENCY_KEY_HOURS`` (``zhengshe idempotency prune``).
    """

    class Kind(models.TextChoices):
        FORM = "form", _("表单提交")
        API = "api", _("接口请求")

    class State(models.TextChoices):
        RUNNING = "running", _("处理中")
        DONE = "done", _("已完成")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path, query and body")
    state = models.CharField(max_length=8, choices=State.choices, default=State.RUNNING)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    body = models.BinaryField(blank=True, default=b"")
    location = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "user"], name="core_idempotency_key_per_user")]
        verbose_name = _("幂等键")
        verbose_name_plural = _("幂等键")

    def __str__(self):
        return f"{self.kind}:{self.key}"
