from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "zhengshe.catalog"
    label = "catalog"
    verbose_name = _("两份清单与准入")
