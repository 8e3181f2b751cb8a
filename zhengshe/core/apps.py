from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zhengshe.core"
    label = "core"
    verbose_name = _("基础框架")

    def ready(self):
        from django.db.models.signals import post_save
        from django.utils.module_loading import autodiscover_modules

        from . import inbox, lookups, schema  # noqa: F401  (registers __under and the OpenAPI auth extensions)

        # Objects created directly in a waiting state (a draft sheet, an open objection) get their work items.
        # Every app's workflows module registers its tables (and their waiting states) with the engine.
        autodiscover_modules("workflows")
        # Every app's importers module declares its imports, so that a large file can run as a job.
        autodiscover_modules("importers")
        # Every app's labels module registers the labels of the codes it stores (roles, event names).
        autodiscover_modules("labels")
        self._blank_choice()
        post_save.connect(inbox.on_created, dispatch_uid="zhengshe-inbox-created")

    @staticmethod
    def _blank_choice():
        # Django 6.1's blank choice of every select ("- Select an option -", untranslated in zh_Hans): ours.
        from django.db.models import fields

        fields.BLANK_CHOICE_LABEL = _("— 请选择 —")
