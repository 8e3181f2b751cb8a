"""The append-only, hash-chained audit trail.

Each entry's ``hash`` = SM3(previous entry's hash ‖ canonical JSON of this entry's content), and
``seq`` runs 1, 2, 3… without gaps, so ``zhengshe audit verify`` finds any row edited, inserted or
removed behind the application's back. ``mac`` seals each entry with HMAC-SM3 under a key kept
outside the database, so someone who can write to the database still cannot recompute a valid chain
(see ``chain``). No interface updates or deletes an entry.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

AUDIT_READ_ALL_ROLES = {"audit_admin"}
AUDIT_READ_SUBTREE_ROLES = {"district_admin", "leader"}
AUDIT_READER_ROLES = AUDIT_READ_ALL_ROLES | AUDIT_READ_SUBTREE_ROLES


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("audit entries are append-only")

    def bulk_update(self, objs, fields, batch_size=None):
        raise PermissionError("audit entries are append-only")

    def delete(self):
        raise PermissionError("audit entries are append-only")

    def restrict(self, user, action="view"):
        """Who reads the trail (STANDARDS §4.8): audit administrators — their subtree plus rows filed under no
        region (sign-in failures, system events); district administrators and leaders — their subtree's rows.
        System and security administrators read nothing here: who grants rights never touches the log."""
        from zhengshe.core.scoping import Scope

        scope = Scope.for_user(user)
        if scope.is_superuser:
            return self
        q = models.Q(pk__in=[])
        audit_paths = scope.region_paths(AUDIT_READ_ALL_ROLES)
        for path in audit_paths:
            q |= models.Q(region_path__under=path)
        if audit_paths:
            q |= models.Q(region_path="")
        paths = scope.region_paths(AUDIT_READ_SUBTREE_ROLES)
        for path in paths:
            q |= models.Q(region_path__under=path)
        if not paths and not audit_paths:
            return self.none()
        return self.filter(q)


class AuditEntry(models.Model):
    """One attributable change or event: who, when, from where, which object, before and after."""

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    # DO_NOTHING: a removed account leaves its rows as they are (the name stays in actor_name); no UPDATE ever.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                              related_name="+", db_constraint=False, verbose_name=_("操作人"))
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    actor_roles = models.CharField(_("角色"), max_length=255, blank=True)
    source = models.CharField(_("来源"), max_length=16)
    ip = models.CharField(_("IP 地址"), max_length=64, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True, db_index=True)
    action = models.CharField(_("事件"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=255, blank=True)
    region_path = models.CharField(_("所属区划路径"), max_length=255, blank=True, db_index=True)
    success = models.BooleanField(_("成功"), default=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)
    # 0 = written before the audit key (SM3 chain only); 1 = HMAC-SM3 with the audit key. Kept per entry: old rows
    # are never rewritten (the database refuses UPDATE), each is verified by its own scheme.
    mac_version = models.PositiveSmallIntegerField(_("校验方式"), default=0, db_default=0)
    mac_key_id = models.CharField(_("审计密钥编号"), max_length=16, blank=True, default="", db_default="")
    mac = models.CharField(_("密钥校验码"), max_length=64, blank=True, default="", db_default="")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"]), models.Index(fields=["actor", "created_at"])]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are append-only")
