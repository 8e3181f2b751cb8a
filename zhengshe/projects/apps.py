from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "zhengshe.projects"
    label = "projects"
    verbose_name = _("项目化运作（政府购买服务·公益创投）")

    def ready(self):
        from zhengshe.core import navigation

        from . import rollups

        group = _("项目")
        staff = frozenset({"district_admin", "town_staff", "village_staff", "leader", "sys_admin"})
        for item in [
            navigation.MenuItem(_("居民需求"), "projects:need_list", order=60, group=group, roles=staff),
            navigation.MenuItem(_("服务目录"), "projects:service_list", order=61, group=group, roles=staff),
            navigation.MenuItem(_("项目征集"), "projects:call_list", order=62, group=group,
                                roles=staff | {"org_user"}),
            navigation.MenuItem(_("项目申报"), "projects:application_list", order=63, group=group,
                                roles=staff | {"org_user"}),
            navigation.MenuItem(_("项目合同"), "projects:contract_list", order=64, group=group,
                                roles=staff | {"org_user"}),
            navigation.MenuItem(_("我的评审"), "projects:review_list", order=65, group=group,
                                roles=frozenset({"expert"})),
        ]:
            navigation.register(item)
        rollups.connect()
