from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "zhengshe.audit"
    label = "audit"
    verbose_name = _("审计日志")

    def ready(self):
        from zhengshe.core import events, navigation

        from . import services, signals

        signals.connect()
        events.register_recorder(services.record_event)
        navigation.register(navigation.MenuItem(
            _("审计日志"), "audit:list", roles=frozenset({"audit_admin", "district_admin", "leader"}), order=900,
            group=_("系统")))
