from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "zhengshe.evaluation"
    label = "evaluation"
    verbose_name = _("双向评估")

    def ready(self):
        from zhengshe.core import navigation

        navigation.register(navigation.MenuItem(_("双向评估"), "evaluation:round_list", order=40, group=_("双向评估")))
        navigation.register(navigation.MenuItem(
            _("评估指标"), "evaluation:templates", order=41, group=_("双向评估"),
            roles=frozenset({"district_admin", "town_staff", "expert", "leader"})))
