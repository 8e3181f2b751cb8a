from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "zhengshe.regions"
    label = "regions"
    verbose_name = _("行政区划")

    def ready(self):
        from zhengshe.core import navigation

        navigation.register(navigation.MenuItem(_("行政区划"), "regions:list", order=10, group=_("基础")))
        from . import rollups

        rollups.connect()
