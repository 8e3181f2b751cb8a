"""The region import as a background job when its file is large (``core.importjobs``)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengshe.core.importjobs import Importer, register

from . import services


def done_message(report) -> str:
    return _("导入成功：新增 %(c)d 条，更新 %(u)d 条。") % {"c": report.created, "u": report.updated}


def _run(upload, *, actor, params):
    report = services.import_regions(upload, actor=actor, update_existing=bool(params.get("update_existing")))
    return report, reverse("regions:list") if report.ok else ""


REGIONS = register(Importer(
    "regions", gettext_lazy("行政区划"), frozenset(services.MANAGE_ROLES), _run,
    page=lambda params: reverse("regions:import"), done=done_message, report_name="区划导入错误报告.xlsx"))
