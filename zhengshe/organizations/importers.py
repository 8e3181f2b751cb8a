"""The register import as a background job when its file is large (``core.importjobs``)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengshe.core.importjobs import Importer, register

from . import imports


def done_message(report) -> str:
    return _("导入成功：新增 %d 家社会组织。") % report.created


def _run(upload, *, actor, params):
    report = imports.import_register(upload, actor=actor, override_reason=params.get("override_reason", ""))
    return report, reverse("organizations:list") if report.ok else ""


REGISTER = register(Importer(
    "organizations", gettext_lazy("社会组织名册"), frozenset(imports.IMPORT_ROLES), _run,
    page=lambda params: reverse("organizations:import"), done=done_message, report_name="社会组织导入错误报告.xlsx"))
