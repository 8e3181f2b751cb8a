from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zhengshe.core"
    label = "core"
    verbose_name = _("基础框架")

    def ready(self):
        from . import lookups, schema  # noqa: F401  (registers __under and the OpenAPI auth extensions)
