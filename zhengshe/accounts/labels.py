"""Labels of the codes the accounts app stores (roles in the trail, its events), registered with ``core.labels``."""

from django.utils.translation import gettext_lazy as _

from zhengshe.core.labels import register_events, register_roles

from .roles import Role

register_roles(Role.choices)
register_events({
    "accounts.address_unlock": _("解除地址锁定"), "accounts.login_attempts_pruned": _("清理登录尝试记录"),
    "accounts.password_change": _("修改密码"), "accounts.password_reset": _("重置密码"),
    "accounts.role_grant": _("授予角色"), "accounts.role_revoke": _("撤销角色"),
    "accounts.token_issue": _("签发接口令牌"), "accounts.token_revoke": _("吊销接口令牌"),
    "accounts.totp_reset": _("重置动态口令"), "accounts.totp_enabled": _("启用动态口令"),
    "accounts.unlock": _("解除账号锁定"), "accounts.user_deactivate": _("停用账号"),
    "accounts.user_activate": _("启用账号"),
})
