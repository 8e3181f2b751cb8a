"""The indicator import as a background job when its file is large (``core.importjobs``)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengshe.core.importjobs import Importer, register

from . import selectors, services
from .models import MANAGERS


def done_message(report) -> str:
    return _("导入成功：%d 个指标。") % report.created


def _run(upload, *, actor, params):
    template = selectors.template_for(actor, params.get("template"))  # 404 unless the importer still sees it
    report = services.template_import(actor=actor, template=template, upload=upload)
    return report, template.get_absolute_url() if report.ok else ""


INDICATORS = register(Importer(
    "evaluation.template", gettext_lazy("评估指标"), frozenset(MANAGERS), _run,
    page=lambda params: reverse("evaluation:template_import", kwargs={"pk": params.get("template")}),
    done=done_message, report_name="指标导入错误报告.xlsx"))
