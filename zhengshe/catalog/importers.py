"""The whole-list import as a background job when its file is large (``core.importjobs``)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengshe.core.importjobs import Importer, register
from zhengshe.regions.models import Region

from .services.lists import LIST_MANAGERS, list_import

LIST_PARAMS = ("kind", "year", "title", "document_number")


def done_message(report) -> str:
    return _("导入成功：%d 个事项，已生成草稿版本。") % report.created


def _run(upload, *, actor, params):
    region = Region.objects.filter(pk=params.get("region")).first()  # list_import checks the actor covers it
    report, duty_list = list_import(upload, actor=actor, region=region, **{k: params[k] for k in LIST_PARAMS})
    return report, duty_list.get_absolute_url() if report.ok and duty_list else ""


LISTS = register(Importer(
    "catalog.list", gettext_lazy("清单"), frozenset(LIST_MANAGERS), _run,
    page=lambda params: reverse("catalog:list_import"), done=done_message, report_name="清单导入错误报告.xlsx"))
