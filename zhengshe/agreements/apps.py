from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "zhengshe.agreements"
    label = "agreements"
    verbose_name = _("协助管理协议")
