from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """The top layer: the home page, cross-module statistics and the demo that assembles every app."""

    name = "zhengshe.dashboards"
    label = "dashboards"
    verbose_name = _("工作台与统计")

    def ready(self):
        from zhengshe.core import navigation

        navigation.register(navigation.MenuItem(_("首页"), "dashboards:home", order=0, group=""))
