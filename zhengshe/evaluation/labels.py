"""Labels of the events the evaluation app records (``core.labels``); workflow moves are labelled by their table."""

from django.utils.translation import gettext_lazy as _

from zhengshe.core.labels import register_events

register_events({
    "evaluation.conflict_declare": _("申报利益冲突"), "evaluation.consequence_confirm": _("确认结果运用"),
    "evaluation.consequence_reject": _("否决结果运用"), "evaluation.consequence_propose": _("提出结果运用"),
    "evaluation.evidence_download": _("下载佐证材料"), "evaluation.objection_answer": _("答复异议"),
    "evaluation.objection_file": _("提出异议"), "evaluation.results_compute": _("计算评估结果"),
    "evaluation.results_rerank": _("重新排名"), "evaluation.round_create": _("新建评估轮次"),
    "evaluation.sheet_submit": _("提交评分表"), "evaluation.template_create": _("新建指标体系"),
    "evaluation.template_import": _("导入指标体系"), "evaluation.template_publish": _("发布指标体系"),
    "evaluation.units_built": _("生成参评单位"),
})
