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

