"""Sign-in (password, then second factor), sign-out, password change, second-factor enrolment, users."""

import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from zhengshe.audit.services import record_event
from zhengshe.core.errors import ServiceError
from zhengshe.core.middleware import client_ip
from zhengshe.core.permissions import RolesRequiredMixin, roles_required
from zhengshe.core.scoping import Scope, get_scoped_or_404
from zhengshe.core.tables import Column, Table
from zhengshe.core.views import ScopedListView
from zhengshe.regions.models import Region

from . import services
from .forms import LoginForm, PasswordChangeForm, RoleGrantForm, TotpForm, UserCreateForm
from .models import RoleAssignment, User
from .roles import Role


def _safe_next(request, fallback="/"):
    target = request.POST.get("next") or request.GET.get("next") or fallback
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else fallback


@sensitive_post_parameters("password")
def login_view(request):
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
            request.session["pending_user_id"] = user.pk
            request.session["pending_next"] = _safe_next(request)
            return redirect("accounts:login_totp")
        else:
            return _complete_login(request, user, _safe_next(request))
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


def _complete_login(request, user, next_url):
    login(request, user, backend="zhengshe.accounts.backends.LockoutModelBackend")
    request.session.cycle_key()
    record_event("login", user, user=user)
    return redirect(next_url)


def login_totp_view(request):
    user_id = request.session.get("pending_user_id")
    if not user_id:
        return redirect("accounts:login")
    user = User.objects.get(pk=user_id)
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from . import lockout

        ip = client_ip(request)
        if lockout.is_locked(user.username, ip):
            form.add_error(None, _("登录失败次数过多，该账号或地址已被锁定 30 分钟。"))
        elif services.totp_verify(user.totp_secret, form.cleaned_data["code"]):
            next_url = request.session.pop("pending_next", "/")
            request.session.pop("pending_user_id", None)
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
    logout(request)
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
            return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form, "forced": request.user.must_change_password})


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


@login_required
def totp_setup_view(request):
    secret = request.session.get("totp_pending") or services.totp_begin(request.user)
    request.session["totp_pending"] = secret
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_confirm(user=request.user, secret=secret, code=form.cleaned_data["code"])
        except ServiceError as exc:
            form.add_error("code", exc.message)
        else:
            request.session.pop("totp_pending", None)
            messages.success(request, _("动态口令已启用，今后登录时需输入验证器上的 6 位数字。"))
            return redirect("core:home")
    return render(request, "accounts/totp_setup.html", {
        "form": form, "secret": secret, "qr": _qr_svg(services.totp_uri(request.user, secret)),
        "required": services.totp_required(request.user)})


class UserTable(Table):
    columns = [
        Column("username", _("用户名"), link="accounts:user_detail"),
        Column("display_name", _("姓名")),
        Column("roles", _("角色"), render=lambda u: "、".join(
            f"{a.get_role_display()}（{a.region or a.organization}）" for a in u.active_assignments)),
        Column("is_active", _("启用"), render=lambda u: _("是") if u.is_active else _("否")),
        Column("last_login", _("最近登录")),
    ]


def users_in_scope(user):
    """Users holding any grant inside the manager's subtree (one query plus one prefetch)."""
    scope = Scope.for_user(user)
    paths = scope.region_paths({Role.SYS_ADMIN, Role.SECURITY_ADMIN})
    if scope.is_superuser:
        qs = User.objects.all()
    elif not paths:
        return User.objects.none()
    else:
        from django.db.models import Q

        q = Q(pk__in=[])
        for path in paths:
            q |= Q(role_assignments__region__path__startswith=path)
            q |= Q(role_assignments__organization__region__path__startswith=path)
        qs = User.objects.filter(pk__in=User.objects.filter(q).values("pk"))
    return qs.prefetch_related(Prefetch(
        "role_assignments", queryset=RoleAssignment.objects.filter(active=True).select_related("region", "organization"),
        to_attr="active_assignments"))


class UserListView(RolesRequiredMixin, ScopedListView):
    required_roles = (Role.SYS_ADMIN, Role.SECURITY_ADMIN)
    model = User
    table_class = UserTable
    title = _("用户与授权")
    ordering = ("username",)
    create_url_name = "accounts:user_create"
    create_roles = frozenset({Role.SYS_ADMIN, Role.SECURITY_ADMIN})

    def get_queryset(self):
        self.filterset = None
        return users_in_scope(self.request.user).order_by("username")


@login_required
def user_detail_view(request, pk):
    qs = users_in_scope(request.user)
    try:
        target = qs.get(pk=pk)
    except (User.DoesNotExist, ValueError):
        from django.http import Http404

        raise Http404(_("未找到，或不在您的权限范围内。"))
    form = RoleGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        region = Region.objects.restrict(request.user).filter(code=data.get("region_code") or "").first()
        organization = None
        if data.get("organization_id"):
            from zhengshe.organizations.models import Organization

            organization = Organization.objects.restrict(request.user).filter(pk=data["organization_id"]).first()
        try:
            services.role_grant(actor=request.user, user=target, role=data["role"], region=region,
                                organization=organization, department=data.get("department") or "")
        except ServiceError as exc:
            messages.error(request, exc.message)
        except Exception as exc:  # model validation
            from django.core.exceptions import ValidationError

            if not isinstance(exc, ValidationError):
                raise
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已授权。"))
        return redirect("accounts:user_detail", pk=target.pk)
    return render(request, "accounts/user_detail.html", {"target": target, "form": form})


@login_required
@require_POST
def role_revoke_view(request, pk):
    assignment = get_scoped_or_404(RoleAssignment, request.user, "view", pk=pk)
    try:
        services.role_revoke(actor=request.user, assignment=assignment)
        messages.success(request, _("已收回该角色。"))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("accounts:user_detail", pk=assignment.user_id)


@roles_required(Role.SYS_ADMIN, Role.SECURITY_ADMIN)
@sensitive_post_parameters("password")
def user_create_view(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(actor=request.user, username=data["username"], password=data["password"],
                                        display_name=data["display_name"], phone=data.get("phone") or "",
                                        region=form.region)
        except ServiceError as exc:
            for field, errors in exc.fields.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            if not exc.fields:
                form.add_error(None, exc.message)
        else:
            messages.success(request, _("已创建用户，请继续为其授予角色。"))
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "core/form.html", {"form": form, "title": _("新建用户"),
                                              "back": reverse("accounts:user_list")})


__all__ = ["get_user_model"]
