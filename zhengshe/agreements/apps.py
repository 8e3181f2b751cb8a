from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "zhengshe.agreements"
    label = "agreements"
    verbose_name = _("协助管理协议")

    def ready(self):
        from zhengshe.accounts.roles import COUNCIL_ROLES, Role
        from zhengshe.accounts.targets import register_target
        from zhengshe.catalog.interface import register_community_section
        from zhengshe.core import navigation
        from zhengshe.core.indicators import register_source

        from . import selectors
        from .interface import community_agreement

        register_community_section("agreement", community_agreement)
        from . import rollups

        rollups.connect()
        register_target("council", model="agreements.ResidentsCouncil", label=_("居民自治理事会"), roles=COUNCIL_ROLES,
                        pick_from_list=True)

        work = frozenset({Role.DISTRICT_ADMIN, Role.TOWN_STAFF, Role.VILLAGE_STAFF, Role.LEADER})
        navigation.register(navigation.MenuItem(_("协议"), "agreements:list", roles=work | {Role.COUNCIL_REP}, order=30,
                                                group=_("协议")))
        navigation.register(navigation.MenuItem(_("协议经费"), "agreements:funds", roles=work, order=31,
                                                group=_("协议")))
        register_source("agreements.items_done_share", _("协议事项完成率"), selectors.items_done_share, unit="ratio",
                        batch=selectors.items_done_share_batch)
        register_source("agreements.late_instalments", _("协议经费逾期拨付期数"), selectors.late_instalments,
                        unit="count")
        register_source("agreements.paid_share", _("协议经费拨付率"), selectors.paid_share, unit="ratio")
