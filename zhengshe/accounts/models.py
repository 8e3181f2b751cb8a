"""Users, their roles within a scope, login attempts and password history."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengshe.core.models import BaseModel
from zhengshe.core.scoping import ScopedQuerySet

from . import targets
from .roles import Role


class User(AbstractUser):
    """A person who signs in. Rights come only from ``RoleAssignment`` rows, never from flags here."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    must_change_password = models.BooleanField(_("首次登录须修改密码"), default=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    totp_secret = models.CharField(_("动态口令密钥"), max_length=64, blank=True)
    totp_enabled = models.BooleanField(_("已启用动态口令"), default=False)
    # The 30-second time step of the last accepted code: a code is never accepted twice (replay).
    home_region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("所属区划"),
                                    help_text=_("账号归属的单位所在区划；决定哪些系统/安全管理员能管理该账号"))
    totp_last_step = models.BigIntegerField(_("最近使用的动态口令时间片"), default=0, editable=False)
    # Replaced (random) with every change to the user's role grants, in the same transaction: the key under
    # which ``core.scoping.Scope`` caches the grants, so a page does not read them again — and a revoked
    # grant is gone from the very next request, since the user row is read on every request anyway.
    grants_token = models.CharField(max_length=32, blank=True, default="", editable=False)

    scope_region_field = "role_assignments__region"
    audit_exclude = ("password", "totp_secret", "totp_last_step", "grants_token")
    audit_region_field = "home_region"
    audit_ignore_fields = ("last_login",)  # sign-ins are their own audit events

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.display_name or self.username


def renew_grants_token(user_ids) -> str:
    """A new grants token for these users (their cached scope is retired); inside the caller's transaction."""
    import uuid

    token = uuid.uuid4().hex
    ids = {i for i in user_ids if i is not None}
    if ids:
        User.objects.filter(pk__in=ids).update(grants_token=token)
    return token


class RoleAssignmentQuerySet(ScopedQuerySet):
    """Bulk writes to grants renew their users' grants tokens too."""

    def _users(self):
        return list(self.values_list("user_id", flat=True).distinct())

    def update(self, **kwargs):
        users = self._users()
        rows = super().update(**kwargs)
        renew_grants_token(users + ([kwargs["user"].pk] if "user" in kwargs else []))
        return rows

    def delete(self):
        users = self._users()
        result = super().delete()
        renew_grants_token(users)
        return result

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        created = super().bulk_create(objs, *args, **kwargs)
        renew_grants_token(o.user_id for o in objs)
        return created

    def bulk_update(self, objs, *args, **kwargs):
        objs = list(objs)
        rows = super().bulk_update(objs, *args, **kwargs)
        renew_grants_token(o.user_id for o in objs)
        return rows


class RoleAssignment(BaseModel):
    """A role held within a region subtree, within one organization, or for one residents' council."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_assignments",
                             verbose_name=_("用户"))
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="role_assignments", verbose_name=_("区划范围"),
                               help_text=_("按区划授权时为管辖范围；绑定组织或理事会时为其所在区划（仅用于管理）"))
    # A grant bound to one object of a registered kind (accounts.targets): an organization, a residents' council.
    target_kind = models.CharField(_("绑定对象类型"), max_length=32, blank=True, default="")
    target_id = models.PositiveBigIntegerField(_("绑定对象编号"), null=True, blank=True)
    department = models.CharField(_("所在部门"), max_length=100, blank=True,
                                  help_text=_("如：民政局、公安派出所、卫健办；用于准入申请和评估中的“部门”"))
    active = models.BooleanField(_("有效"), default=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("授权人"))

    scope_region_field = "region"

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        indexes = [models.Index(fields=["target_kind", "target_id"], name="role_assignment_target")]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(target_kind="") & models.Q(target_id__isnull=True) & models.Q(region__isnull=False))
                | (~models.Q(target_kind="") & models.Q(target_id__isnull=False)),
                name="role_assignment_one_scope",
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.where}"

    @property
    def target(self):
        """The object this grant is bound to (an organization, a council), or None for a regional grant."""
        if not self.target_kind:
            return None
        if "_target" not in self.__dict__:
            kind = targets.kind(self.target_kind)
            self.__dict__["_target"] = kind.get(self.target_id) if kind else None
        return self.__dict__["_target"]

    @property
    def where(self):
        """What the grant covers, for people: the bound object, else the region."""
        return self.target or self.region

    def save(self, *args, **kwargs):
        previous = None
        if self.pk is not None:
            previous = RoleAssignment.objects.filter(pk=self.pk).values_list("user_id", flat=True).first()
        super().save(*args, **kwargs)
        self._renewed(renew_grants_token([self.user_id, previous]))

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self._renewed(renew_grants_token([self.user_id]))
        return result

    def _renewed(self, token: str) -> None:
        """The user object this grant holds sees its new token and scope at once (same request)."""
        user = self._state.fields_cache.get("user")
        if user is not None:
            user.grants_token = token
            user.__dict__.pop("_zhengshe_scope", None)

    def clean(self):
        from .roles import SEPARATED_ROLES

        if self.user_id and self.active:
            held = set(RoleAssignment.objects.filter(user_id=self.user_id, active=True).exclude(pk=self.pk)
                       .values_list("role", flat=True))
            for group in SEPARATED_ROLES:
                if self.role in group and (held & group) - {self.role}:
                    raise ValidationError({"role": _("职责分离：系统管理员、安全管理员、审计管理员不能由同一人兼任。")})
        self._clean_target()

    def _clean_target(self):
        """A role bound to a kind of object needs exactly one such object; any other role needs a region."""
        bound = targets.kind_for_role(self.role)
        if bound is None:
            if self.target_kind:
                raise ValidationError({"target_kind": _("该角色按区划授权，不绑定组织或理事会")})
            if not self.region_id:
                raise ValidationError({"region": _("该角色须指定区划范围")})
            return
        if self.target_kind != bound.kind or not self.target_id:
            raise ValidationError({"target_id": _("%(role)s须指定%(kind)s") % {"role": self.get_role_display(),
                                                                            "kind": bound.label}})
        if self.target is None:
            raise ValidationError({"target_id": _("%(kind)s编号 %(id)s 不存在。") % {"kind": bound.label,
                                                                                 "id": self.target_id}})


class LoginAttempt(models.Model):
    """Every sign-in attempt, for lock-out per account and per address (not audited twice)."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.CharField(max_length=64, db_index=True)
    success = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("登录尝试")
        verbose_name_plural = _("登录尝试")

    def __str__(self):
        return f"{self.username}@{self.ip} {'✓' if self.success else '✗'}"


class PasswordHistory(models.Model):
    """Hashes of a user's previous passwords, so the last N are not reused."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user_id} · {self.created_at:%Y-%m-%d}"
