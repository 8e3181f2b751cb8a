from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "zhengshe.organizations"
    label = "organizations"
    verbose_name = _("社会组织")

    def ready(self):
        from zhengshe.accounts.roles import ORGANIZATION_ROLES
        from zhengshe.accounts.targets import register_target
        from zhengshe.core import navigation

        register_target("organization", model="organizations.Organization", label=_("社会组织"),
                        roles=ORGANIZATION_ROLES)

        group = _("社会组织")
        staff = frozenset({"district_admin", "town_staff", "village_staff", "leader", "expert", "sys_admin"})
        for label, url_name, roles, order in [
            (_("社会组织"), "organizations:list", frozenset(), 40),
            (_("等级评估"), "organizations:round_list", frozenset(), 42),
            (_("孵化平台"), "organizations:incubator_list", frozenset(), 43),
            (_("社会组织统计"), "organizations:statistics", staff, 45),
        ]:
            navigation.register(navigation.MenuItem(label, url_name, roles=roles, order=order, group=group))
        from zhengshe.core.indicators import register_source

        from .sources import organizations_per_10k, share_graded_3a

        register_source("organizations.per_10k", _("每万人拥有社会组织数"), organizations_per_10k, unit="count")
        register_source("organizations.share_graded_3a", _("3A 及以上社会组织占比"), share_graded_3a, unit="ratio")
