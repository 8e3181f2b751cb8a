"""Labels of the events the organizations app records (``core.labels``); workflow moves are labelled by their table."""

from django.utils.translation import gettext_lazy as _

from zhengshe.core.labels import register_events

register_events({
    "organizations.annual_report_missing": _("年报未报"), "organizations.certificate_print": _("打印证书"),
    "organizations.change_request": _("申请变更登记"), "organizations.create": _("登记社会组织"),
    "organizations.credit_code_override": _("确认统一社会信用代码"), "organizations.credit_include": _("列入信用名单"),
    "organizations.credit_remove": _("移出信用名单"), "organizations.evidence_download": _("下载佐证材料"),
    "organizations.expert_score": _("专家评分"), "organizations.grade_application.start": _("申请等级评估"),
    "organizations.grade_awarded": _("授予评估等级"), "organizations.grade_expired": _("评估等级到期"),
    "organizations.import": _("导入社会组织"), "organizations.incubation_apply": _("申请入驻孵化"),
    "organizations.indicator_weights": _("调整指标权重"), "organizations.objection": _("提出等级评估异议"),
    "organizations.round_create": _("新建等级评估"), "organizations.update": _("修改社会组织信息"),
})
