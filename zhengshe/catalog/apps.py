from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "zhengshe.catalog"
    label = "catalog"
    verbose_name = _("两份清单与准入")

    def ready(self):
        from zhengshe.core import navigation

        group = _("清单与准入")
        staff = frozenset({"district_admin", "town_staff", "leader", "sys_admin"})
        for item in [
            navigation.MenuItem(_("两份清单"), "catalog:list_list", order=20, group=group),
            navigation.MenuItem(_("本村事项"), "catalog:community", order=21, group=group,
                                roles=frozenset({"village_staff"})),
            navigation.MenuItem(_("准入申请"), "catalog:admission_list", order=22, group=group, roles=staff),
            navigation.MenuItem(_("准入登记簿"), "catalog:register", order=23, group=group),
            navigation.MenuItem(_("拒绝执行"), "catalog:ask_list", order=24, group=group),
            navigation.MenuItem(_("社区减负"), "catalog:burden", order=25, group=group),
        ]:
            navigation.register(item)
        from zhengshe.core.indicators import register_source

        from . import selectors

        register_source("catalog.refusals", _("被村（社区）拒绝执行的未准入事项数"), selectors.refusal_count, unit="count")
        register_source("catalog.admission_violations", _("未经准入向村（社区）下派的事项数"),
                        selectors.admission_violations, unit="count")
