"""Account writes: users, grants (with separation of duties), passwords, second factor."""

import pyotp
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.audit.services import record_event
from zhengshe.core.errors import NotAllowed, ServiceError
from zhengshe.core.scoping import Scope

from .models import PasswordHistory, RoleAssignment, User
from .roles import ADMIN_ROLES, SEPARATED_ROLES, Role


def _check_manager(actor, region, *, grant: bool):
    scope = Scope.for_user(actor)
    if scope.is_superuser:
        return
    roles = {Role.SECURITY_ADMIN} if grant else {Role.SYS_ADMIN, Role.SECURITY_ADMIN}
    if region is None or not scope.covers_path(region.path, roles):
        raise NotAllowed(_("只有安全管理员可以在其管理范围内授予或收回角色。") if grant else None)


@transaction.atomic
def user_create(*, actor, username: str, password: str, display_name: str = "", phone: str = "",
                region=None, must_change_password: bool = True) -> User:
    """Create an account (system or security administrator). The password obeys the policy."""
    _check_manager(actor, region, grant=False)
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ServiceError(_("用户名“%s”已被使用。") % username, fields={"username": [_("用户名已被使用")]})
    user = User(username=username, display_name=display_name, phone=phone, must_change_password=must_change_password)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ServiceError("；".join(exc.messages), fields={"password": exc.messages}) from exc
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    return user


@transaction.atomic
def role_grant(*, actor, user: User, role: str, region=None, organization=None, department: str = "") -> RoleAssignment:
    """Grant ``role`` to ``user`` within a region or organization, keeping duties separated."""
    scope_region = region if region is not None else getattr(organization, "region", None)
    _check_manager(actor, scope_region, grant=True)
    if actor is not None and actor.pk == user.pk:
        raise NotAllowed(_("不能给自己授权。"))
    held = set(user.role_assignments.filter(active=True).values_list("role", flat=True))
    for group in SEPARATED_ROLES:
        if role in group and (held & group) - {role}:
            raise ServiceError(_("职责分离：系统管理员、安全管理员、审计管理员不能由同一人兼任。"))
    assignment = RoleAssignment(user=user, role=role, region=region, organization=organization, department=department,
                                granted_by=actor if getattr(actor, "pk", None) else None)
    assignment.full_clean()
    assignment.save()
    record_event("accounts.role_grant", assignment, after={"user": user.username, "role": role,
                                                           "region": getattr(region, "code", None),
                                                           "organization": getattr(organization, "pk", None)})
    user.__dict__.pop("_zhengshe_scope", None)
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment) -> RoleAssignment:
    """Revoke a grant; the row stays (inactive) so the history is kept."""
    _check_manager(actor, assignment.region or getattr(assignment.organization, "region", None), grant=True)
    assignment.active = False
    assignment.save()
    record_event("accounts.role_revoke", assignment, before={"active": True}, after={"active": False})
    return assignment


@transaction.atomic
def password_change(*, user: User, new_password: str) -> User:
    """Set a new password after the policy (length, classes, similarity, common, history) accepts it."""
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ServiceError("；".join(exc.messages), fields={"new_password1": exc.messages}) from exc
    if user.password:
        PasswordHistory.objects.create(user=user, password=user.password)
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save()
    record_event("accounts.password_change", user, user=user)
    return user


def totp_required(user) -> bool:
    return Scope.for_user(user).has_role(*settings.TOTP_REQUIRED_ROLES)


def totp_begin(user: User) -> str:
    """A fresh secret for enrolment (not active until a code from it is confirmed)."""
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=settings.TOTP_ISSUER)


def totp_verify(secret: str, code: str) -> bool:
    code = (code or "").strip().replace(" ", "")
    return bool(secret) and code.isdigit() and pyotp.TOTP(secret).verify(code, valid_window=1)


@transaction.atomic
def totp_confirm(*, user: User, secret: str, code: str) -> User:
    if not totp_verify(secret, code):
        raise ServiceError(_("动态口令不正确，请查看手机上的验证器后重新输入。"), fields={"code": [_("口令不正确")]})
    user.totp_secret = secret
    user.totp_enabled = True
    user.save()
    record_event("accounts.totp_enabled", user, user=user)
    return user


def is_admin(user) -> bool:
    return Scope.for_user(user).has_role(*ADMIN_ROLES)
