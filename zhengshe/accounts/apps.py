from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "zhengshe.accounts"
    label = "accounts"
    verbose_name = _("账号与权限")

    def ready(self):
        from zhengshe.core import inbox, navigation, scoping

        from .roles import ACTION_ROLES
        from .selectors import grants_of, holders_of

        scoping.register_grant_provider(grants_of)
        scoping.register_action_roles(ACTION_ROLES)
        inbox.register_holder_provider(holders_of)
        navigation.register(navigation.MenuItem(
            _("用户与授权"), "accounts:user_list", roles=frozenset({"sys_admin", "security_admin"}), order=910,
            group=_("系统")))
