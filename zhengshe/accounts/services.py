"""Account writes: users, grants (with separation of duties), passwords, second factor."""

import hmac
from datetime import timedelta

import pyotp
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengshe.audit.services import record_event
from zhengshe.core import context
from zhengshe.core.errors import NotAllowed, ServiceError
from zhengshe.core.scoping import Scope

from . import targets
from .models import PasswordHistory, RoleAssignment, User
from .roles import ADMIN_ROLES, SEPARATED_ROLES, Role


def _check_manager(actor, region, *, grant: bool):
    scope = Scope.for_user(actor)
    if scope.is_superuser:
        return
    roles = {Role.SECURITY_ADMIN} if grant else {Role.SYS_ADMIN, Role.SECURITY_ADMIN}
    if region is None or not scope.covers_path(region.path, roles):
        raise NotAllowed(_("只有安全管理员可以在其管理范围内授予或收回角色。") if grant else None)


def _target_region(target):
    """The region a grant target (an organization, a council) hangs on, for the manager's scope check."""
    kind = targets.kind_of(target)
    if kind is None:
        raise ServiceError(_("不能把角色绑定到这类对象。"))
    return kind, kind.region_of(target)


@context.attributed
@transaction.atomic
def user_create(*, actor, username: str, password: str, display_name: str = "", phone: str = "",
                region=None, must_change_password: bool = True) -> User:
    """Create an account (system or security administrator). The password obeys the policy."""
    _check_manager(actor, region, grant=False)
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ServiceError(_("用户名“%s”已被使用。") % username, fields={"username": [_("用户名已被使用")]})
    user = User(username=username, display_name=display_name, phone=phone, must_change_password=must_change_password,
                home_region=region)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ServiceError("；".join(exc.messages), fields={"password": exc.messages}) from exc
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    return user


@context.attributed
@transaction.atomic
def role_grant(*, actor, user: User, role: str, region=None, target=None, department: str = "") -> RoleAssignment:
    """Grant ``role`` to ``user`` within a region, or bound to one target object (an organization, a residents'
    council: ``accounts.targets``), keeping duties separated. The scope checked is the region, or the target's."""
    kind = None
    if target is not None:
        kind, region = _target_region(target)
    _check_manager(actor, region, grant=True)
    if actor is not None and actor.pk == user.pk:
        raise NotAllowed(_("不能给自己授权。"))
    held = set(user.role_assignments.filter(active=True).values_list("role", flat=True))
    for group in SEPARATED_ROLES:
        if role in group and (held & group) - {role}:
            raise ServiceError(_("职责分离：系统管理员、安全管理员、审计管理员不能由同一人兼任。"))
    assignment = RoleAssignment(user=user, role=role, region=region, target_kind=kind.kind if kind else "",
                                target_id=target.pk if target is not None else None, department=department,
                                granted_by=actor if getattr(actor, "pk", None) else None)
    assignment.full_clean()
    assignment.save()
    record_event("accounts.role_grant", assignment, after={"user": user.username, "role": role,
                                                           "region": getattr(region, "code", None),
                                                           "target_kind": assignment.target_kind,
                                                           "target_id": assignment.target_id})
    user.__dict__.pop("_zhengshe_scope", None)
    return assignment


@context.attributed
@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment) -> RoleAssignment:
    """Revoke a grant; the row stays (inactive) so the history is kept."""
    _check_manager(actor, assignment.region, grant=True)
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
    """Whether the user's roles demand a second factor (administrators, district staff, experts)."""
    scope = Scope.for_user(user)
    return scope.is_superuser or scope.has_role(*settings.TOTP_REQUIRED_ROLES)


def password_expired(user) -> bool:
    """True when password expiry is on (PASSWORD_MAX_AGE_DAYS) and the password is older than that."""
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    if not max_age or not user.password_changed_at:
        return False
    return timezone.now() - user.password_changed_at > timedelta(days=max_age)


def totp_begin(user: User) -> str:
    """A fresh secret for enrolment (not active until a code from it is confirmed)."""
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=settings.TOTP_ISSUER)


def totp_verify(secret: str, code: str) -> bool:
    return totp_match_step(secret, code) is not None


def totp_match_step(secret: str, code: str) -> int | None:
    """The 30-second time step ``code`` belongs to (now, or one step either side), or None."""
    code = (code or "").strip().replace(" ", "")
    if not secret or not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = timezone.now()
    step = totp.timecode(now)
    for offset in (0, -1, 1):
        if hmac.compare_digest(totp.at(now, counter_offset=offset), code):
            return step + offset
    return None


@transaction.atomic
def totp_accept(*, user: User, code: str) -> bool:
    """The second sign-in step: True when ``code`` is right and not used before (no replay)."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    step = totp_match_step(locked.totp_secret, code) if locked.totp_enabled else None
    if step is None or step <= locked.totp_last_step:
        return False
    User.objects.filter(pk=user.pk).update(totp_last_step=step)  # not audited: a counter, not data
    user.totp_last_step = step
    return True


@transaction.atomic
def totp_confirm(*, user: User, secret: str, code: str) -> User:
    """Enrol (or re-enrol) the second factor once a code from the new secret is confirmed."""
    step = totp_match_step(secret, code)
    if step is None:
        raise ServiceError(_("动态口令不正确，请查看手机上的验证器后重新输入。"), fields={"code": [_("口令不正确")]})
    was_enabled = user.totp_enabled
    user.totp_secret = secret
    user.totp_enabled = True
    user.totp_last_step = step
    user.save()
    record_event("accounts.totp_reset" if was_enabled else "accounts.totp_enabled", user, user=user)
    return user


def _check_user_manager(actor, target: User, *, grant: bool = False):
    """The actor manages ``target`` when the target is inside the actor's user-management subtree."""
    from .selectors import users_in_scope

    if getattr(actor, "pk", None) is None:
        return
    if not users_in_scope(actor).filter(pk=target.pk).exists():
        raise NotAllowed()
    if grant and not (Scope.for_user(actor).is_superuser or Scope.for_user(actor).has_role(Role.SECURITY_ADMIN)):
        raise NotAllowed(_("只有安全管理员可以在其管理范围内授予或收回角色。"))


@context.attributed
@transaction.atomic
def user_set_active(*, actor, user: User, active: bool, reason: str = "") -> User:
    """Deactivate (or reactivate) an account. Accounts are never deleted: their history stays attributable."""
    _check_user_manager(actor, user)
    if getattr(actor, "pk", None) == user.pk:
        raise NotAllowed(_("不能停用自己的账号。"))
    if user.is_active == active:
        return user
    if active is False and not reason.strip():
        raise ServiceError(_("请填写停用原因。"), fields={"reason": [_("此项为必填项。")]})
    user.is_active = active
    user.save()
    if not active:
        _end_sessions(user)
    record_event("accounts.user_deactivate" if not active else "accounts.user_activate", user,
                 before={"is_active": not active}, after={"is_active": active, "reason": reason})
    return user


def _end_sessions(user: User) -> int:
    """Delete every session of ``user`` (after deactivation or a password reset)."""
    from django.contrib.sessions.models import Session

    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


@context.attributed
@transaction.atomic
def account_unlock(*, actor, user: User) -> User:
    """Release a locked account before its 30 minutes are up (security administrator)."""
    from . import lockout

    _check_user_manager(actor, user, grant=True)
    lockout.release(user.username)
    record_event("accounts.unlock", user)
    return user


@context.attributed
@transaction.atomic
def address_unlock(*, actor, ip: str) -> str:
    """Release a locked address (an office's shared NAT) before its window is up: a security administrator's act."""
    from . import lockout

    scope = Scope.for_user(actor)
    if not (scope.is_superuser or scope.has_role(Role.SECURITY_ADMIN)):
        raise NotAllowed(_("只有安全管理员可以解除地址锁定。"))
    ip = (ip or "").strip()
    if not lockout.is_ip_locked(ip):
        raise ServiceError(_("地址 %s 当前未被锁定。") % ip)
    lockout.release_address(ip)
    record_event("accounts.address_unlock", None, after={"ip": ip}, object_repr=ip)
    return ip


@context.attributed
@transaction.atomic
def password_reset(*, actor, user: User, new_password: str) -> User:
    """An administrator sets a temporary password; the user must change it at next sign-in."""
    _check_user_manager(actor, user)
    if getattr(actor, "pk", None) == user.pk:
        raise NotAllowed(_("请通过“修改密码”修改自己的密码。"))
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ServiceError("；".join(exc.messages), fields={"password": exc.messages}) from exc
    if user.password:
        PasswordHistory.objects.create(user=user, password=user.password)
    user.set_password(new_password)
    user.must_change_password = True
    user.password_changed_at = timezone.now()
    user.save()
    _end_sessions(user)
    record_event("accounts.password_reset", user)
    return user


_SELF = object()


@transaction.atomic
def api_token_issue(*, user: User, actor=_SELF):
    """Issue (or replace) ``user``'s API token (by default the user acts for themselves; a command passes
    ``actor=None`` to be recorded as the system operator). The old token stops working at once."""
    from rest_framework.authtoken.models import Token

    old = Token.objects.filter(user=user).first()
    if old is not None:
        old.delete()
    token = Token.objects.create(user=user)
    record_event("accounts.token_issue", user, user=user if actor is _SELF else actor,
                 after={"replaced": old is not None})
    return token


@transaction.atomic
def api_token_revoke(*, user: User, actor=_SELF) -> bool:
    from rest_framework.authtoken.models import Token

    token = Token.objects.filter(user=user).first()
    if token is None:
        return False
    token.delete()
    record_event("accounts.token_revoke", user, user=user if actor is _SELF else actor)
    return True


def is_admin(user) -> bool:
    return Scope.for_user(user).has_role(*ADMIN_ROLES)


def prune_login_attempts(*, older_than_days: int | None = None) -> int:
    """Remove old login-attempt rows (lock-out keeps what its window needs) and record the clean-up in the audit
    trail. The failures themselves stay there (``login.failed`` …), under the audit retention."""
    from . import lockout

    days = settings.LOGIN_ATTEMPT_RETENTION_DAYS if older_than_days is None else older_than_days
    deleted = lockout.prune(older_than_days=days)
    record_event("accounts.login_attempts_pruned", None, object_repr=_("登录尝试记录清理"),
                 after={"older_than_days": days, "deleted": deleted})
    return deleted
