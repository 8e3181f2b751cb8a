"""Sign-in (password, then second factor), sign-out, password change, second-factor enrolment, users."""

import base64
import io
import time

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from zhengshe.audit.services import record_event
from zhengshe.core.actions import run_service
from zhengshe.core.errors import ServiceError, add_to_form
from zhengshe.core.middleware import client_ip
from zhengshe.core.permissions import RolesRequiredMixin, roles_required
from zhengshe.core.redirects import safe_next
from zhengshe.core.scoping import Scope
from zhengshe.core.tables import Column, Table
from zhengshe.core.views import ScopedListView
from zhengshe.regions.models import Region

from . import services
from .filtersets import UserFilterSet
from .forms import (
    DeactivateForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    RoleGrantForm,
    TotpForm,
    TotpResetForm,
    UserCreateForm,
)
from .models import RoleAssignment, User
from .roles import Role
from .selectors import assignments_in_scope, attach_targets, users_in_scope


@sensitive_post_parameters("password")
def login_view(request):
    if request.user.is_authenticated and request.method == "GET":
        return redirect(safe_next(request, reverse("dashboards:home")))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from django.contrib.auth import authenticate

        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if getattr(request, "zhengshe_locked", False):
            record_event("login.locked", None, object_repr=username, success=False)
            form.add_error(None, _("登录失败次数过多，该账号或地址已被锁定 30 分钟，请稍后再试或联系安全管理员。"))
        elif user is None or not user.is_active:
            record_event("login.failed", None, object_repr=username, success=False)
            form.add_error(None, _("用户名或密码不正确。"))
        elif user.totp_enabled:
            request.session.cycle_key()
            request.session["pending_user_id"] = user.pk
            request.session["pending_at"] = int(time.time())
            request.session["pending_next"] = safe_next(request)
            return redirect("accounts:login_totp")
        else:
            return _complete_login(request, user, safe_next(request))
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


def _complete_login(request, user, next_url):
    from . import lockout

    login(request, user, backend="zhengshe.accounts.backends.LockoutModelBackend")
    now = int(time.time())
    request.session["login_at"] = now
    request.session["last_activity"] = now
    lockout.note_attempt(user.username, client_ip(request), True)
    record_event("login", user, user=user)
    return redirect(next_url)


def login_totp_view(request):
    """Second sign-in step; a wrong code counts toward the lock-out like a wrong password."""
    from . import lockout

    user_id = request.session.get("pending_user_id")
    started = request.session.get("pending_at", 0)
    if not user_id or time.time() - started > settings.LOGIN_TOTP_STEP_SECONDS:
        for key in ("pending_user_id", "pending_at", "pending_next"):
            request.session.pop(key, None)
        if user_id:
            messages.info(request, _("验证超时，请重新登录。"))
        return redirect("accounts:login")
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return redirect("accounts:login")
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ip = client_ip(request)
        if lockout.is_locked(user.username, ip):
            request.session.pop("pending_user_id", None)
            record_event("login.locked", user, user=user, success=False)
            form.add_error(None, _("登录失败次数过多，该账号或地址已被锁定 30 分钟。"))
        elif services.totp_accept(user=user, code=form.cleaned_data["code"]):
            next_url = request.session.pop("pending_next", "/")
            request.session.pop("pending_user_id", None)
            request.session.pop("pending_at", None)
            return _complete_login(request, user, next_url)
        else:
            lockout.note_attempt(user.username, ip, False)
            record_event("login.totp_failed", user, user=user, success=False)
            form.add_error("code", _("动态口令不正确。"))
    return render(request, "accounts/login_totp.html", {"form": form})


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        record_event("logout", request.user, user=request.user)
    logout(request)  # flushes the session: its row is deleted, the cookie no longer names anything
    messages.info(request, _("您已安全退出。"))
    return redirect("accounts:login")


@login_required
@sensitive_post_parameters()
def password_change_view(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(user=request.user, new_password=form.cleaned_data["new_password1"])
        except ServiceError as exc:
            form.add_error("new_password1", exc.message)
        else:
            from django.contrib.auth import update_session_auth_hash

            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改。"))
            return redirect("dashboards:home")
    return render(request, "accounts/password_change.html", {"form": form, "forced": request.user.must_change_password})


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


@login_required
@sensitive_post_parameters("password")
def totp_setup_view(request):
    """Bind an authenticator app; re-binding (replacing one already in use) asks for the password again."""
    secret = request.session.get("totp_pending") or services.totp_begin(request.user)
    request.session["totp_pending"] = secret
    rebinding = request.user.totp_enabled
    form = (TotpResetForm(request.user, request.POST or None) if rebinding else TotpForm(request.POST or None))
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_confirm(user=request.user, secret=secret, code=form.cleaned_data["code"])
        except ServiceError as exc:
            form.add_error("code", exc.message)
        else:
            request.session.pop("totp_pending", None)
            messages.success(request, _("动态口令已启用，今后登录时需输入验证器上的 6 位数字。"))
            return redirect("dashboards:home")
    return render(request, "accounts/totp_setup.html", {
        "form": form, "secret": secret, "qr": _qr_svg(services.totp_uri(request.user, secret)),
        "required": services.totp_required(request.user), "rebinding": rebinding})


def _roles_text(user) -> str:
    parts = []
    for a in user.active_assignments:
        where = a.where
        parts.append(f"{a.get_role_display()}（{where}{'·' + a.department if a.department else ''}）")
    return "、".join(parts)


class UserTable(Table):
    columns = [
        Column("username", _l("用户名"), link="accounts:user_detail"),
        Column("display_name", _l("姓名")),
        Column("home_region__name", _l("所属区划")),
        Column("roles", _l("角色"), render=_roles_text),
        Column("is_active", _l("启用"), render=lambda u: _("是") if u.is_active else _("否")),
        Column("totp_enabled", _l("动态口令"), render=lambda u: _("已绑定") if u.totp_enabled else _("未绑定")),
        Column("last_login", _l("最近登录")),
    ]


class UserListView(RolesRequiredMixin, ScopedListView):
    """Accounts inside the manager's subtree (system and security administrators)."""

    required_roles = (Role.SYS_ADMIN, Role.SECURITY_ADMIN)
    model = User
    table_class = UserTable
    filterset_class = UserFilterSet
    title = _l("用户与授权")
    export_filename = "用户与授权"
    ordering = ("username",)
    create_url_name = "accounts:user_create"
    create_roles = frozenset({Role.SYS_ADMIN, Role.SECURITY_ADMIN})

    template_name = "accounts/user_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_release_addresses"] = self.scope.is_superuser or self.scope.has_role(Role.SECURITY_ADMIN)
        return ctx

    def table_rows(self, table, rows, page_obj):
        rows = list(rows)
        attach_targets([a for u in rows for a in u.active_assignments])
        return table.html_rows(rows)

    def get_queryset(self):
        qs = users_in_scope(self.request.user)
        self.filterset = self.filterset_class(self.request.GET or None, queryset=qs, request=self.request)
        if self.filterset.is_bound and self.filterset.is_valid():
            qs = self.filterset.qs
        return qs.order_by("username")


def _managed_user_or_404(request, pk):
    try:
        return users_in_scope(request.user).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404(_("未找到，或不在您的权限范围内。")) from None


@roles_required(Role.SYS_ADMIN, Role.SECURITY_ADMIN)
def user_detail_view(request, pk):
    """One account: its grants, grant/revoke (security administrator), deactivate, unlock, reset password."""
    from . import lockout

    target = _managed_user_or_404(request, pk)
    scope = Scope.for_user(request.user)
    can_grant = scope.is_superuser or scope.has_role(Role.SECURITY_ADMIN)
    form = RoleGrantForm(request.POST or None, actor=request.user)
    if request.method == "POST":
        if not can_grant:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            region = None
            if data.get("region_code"):
                region = Region.objects.filter(code=data["region_code"].strip()).first()
            try:
                if data.get("region_code") and region is None:
                    raise ServiceError(_("区划代码“%s”不存在。") % data["region_code"])
                services.role_grant(actor=request.user, user=target, role=data["role"], region=region,
                                    target=form.target(), department=data.get("department") or "")
            except ServiceError as exc:
                messages.error(request, exc.message)
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            else:
                messages.success(request, _("已授权。"))
                return redirect("accounts:user_detail", pk=target.pk)
    past = list(RoleAssignment.objects.filter(user=target, active=False).select_related("region"))
    attach_targets(past + list(target.active_assignments))
    return render(request, "accounts/user_detail.html", {
        "target": target, "form": form, "can_grant": can_grant, "past_assignments": past,
        "locked": lockout.is_account_locked(target.username),
        "deactivate_form": DeactivateForm(), "reset_form": PasswordResetForm(),
        "is_self": target.pk == request.user.pk,
        "breadcrumbs_back": reverse("accounts:user_list")})


@roles_required(Role.SYS_ADMIN, Role.SECURITY_ADMIN)
@require_POST
def role_revoke_view(request, pk):
    try:
        assignment = assignments_in_scope(request.user).get(pk=pk, active=True)
    except (RoleAssignment.DoesNotExist, ValueError):
        raise Http404(_("未找到，或不在您的权限范围内。")) from None
    run_service(request, services.role_revoke, success=_("已收回该角色。"),
                redirect_to=reverse("accounts:user_detail", args=[assignment.user_id]),
                actor=request.user, assignment=assignment)
    return redirect("accounts:user_detail", pk=assignment.user_id)


@roles_required(Role.SYS_ADMIN, Role.SECURITY_ADMIN)
@require_POST
def user_set_active_view(request, pk):
    """Deactivate (with a reason) or reactivate an account; accounts are never deleted."""
    target = _managed_user_or_404(request, pk)
    active = request.POST.get("active") == "1"
    response, _result = run_service(
        request, services.user_set_active, success=_("账号已启用。") if active else _("账号已停用。"),
        redirect_to=reverse("accounts:user_detail", args=[target.pk]),
        actor=request.user, user=target, active=active, reason=request.POST.get("reason", ""))
    return response


@roles_required(Role.SECURITY_ADMIN)
def address_list_view(request):
    """Addresses locked now (many failed sign-ins from one office's shared address), with a release button."""
    from . import lockout

    return render(request, "accounts/address_list.html", {
        "title": _("被锁定的地址"), "addresses": lockout.locked_addresses(),
        "threshold": settings.LOCKOUT_IP_THRESHOLD, "minutes": settings.LOCKOUT_IP_MINUTES,
        "breadcrumbs_back": reverse("accounts:user_list")})


@roles_required(Role.SECURITY_ADMIN)
@require_POST
def address_unlock_view(request):
    ip = request.POST.get("ip", "")
    return run_service(request, services.address_unlock, success=_("已解除地址 %s 的锁定。") % ip[:64],
                       redirect_to=reverse("accounts:address_list"), actor=request.user, ip=ip)[0]


@roles_required(Role.SECURITY_ADMIN)
@require_POST
def user_unlock_view(request, pk):
    target = _managed_user_or_404(request, pk)
    response, _result = run_service(request, services.account_unlock, success=_("已解除锁定。"),
                                    redirect_to=reverse("accounts:user_detail", args=[target.pk]),
                                    actor=request.user, user=target)
    return response


@roles_required(Role.SYS_ADMIN, Role.SECURITY_ADMIN)
@require_POST
@sensitive_post_parameters("password")
def user_password_reset_view(request, pk):
    target = _managed_user_or_404(request, pk)
    response, _result = run_service(request, services.password_reset, success=_("已设置临时密码，用户下次登录时须修改。"),
                                    redirect_to=reverse("accounts:user_detail", args=[target.pk]),
                                    actor=request.user, user=target, new_password=request.POST.get("password", ""))
    return response


@roles_required(Role.SYS_ADMIN, Role.SECURITY_ADMIN)
@sensitive_post_parameters("password")
def user_create_view(request):
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(actor=request.user, username=data["username"], password=data["password"],
                                        display_name=data["display_name"], phone=data.get("phone") or "",
                                        region=form.region)
        except ServiceError as exc:
            add_to_form(form, exc)
            if not exc.fields:
                form.add_error(None, exc.message)
        else:
            messages.success(request, _("已创建用户，请继续为其授予角色。"))
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "core/form.html", {"form": form, "title": _("新建用户"),
                                              "back": reverse("accounts:user_list")})


@login_required
def api_token_view(request):
    """Issue, replace or revoke one's own API token; the key is shown once, right after issuing."""
    from rest_framework.authtoken.models import Token

    token_key = None
    if request.method == "POST":
        if request.POST.get("revoke") == "1":
            if services.api_token_revoke(user=request.user):
                messages.success(request, _("接口令牌已作废。"))
            return redirect("accounts:api_token")
        token_key = services.api_token_issue(user=request.user).key
    current = Token.objects.filter(user=request.user).first()
    return render(request, "accounts/api_token.html", {
        "token_key": token_key, "current": current, "max_age": settings.API_TOKEN_MAX_AGE_DAYS})


__all__ = ["get_user_model", "users_in_scope"]


@login_required
def people_lookup_view(request):
    """The people pickers' search: JSON, people in the user's scope only, one bounded page (``?q=&role=&page=``)."""
    from django.http import JsonResponse

    from .selectors import people_lookup

    try:
        page = min(max(int(request.GET.get("page") or 1), 1), 50)
    except ValueError:
        page = 1
    rows, more = people_lookup(request.user, q=request.GET.get("q", ""), role=request.GET.get("role", ""), page=page)
    return JsonResponse({"results": rows, "more": more, "page": page})
