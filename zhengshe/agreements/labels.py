"""Labels of the events the agreements app records (``core.labels``); workflow moves are labelled by their table."""

from django.utils.translation import gettext_lazy as _

from zhengshe.core.labels import register_events

register_events({
    "agreement.bulk_draft_requested": _("申请批量起草协议"), "agreement.bulk_drafted": _("批量起草协议"),
    "agreement.confirmed": _("确认协议"), "agreement.confirmed_on_behalf": _("代为确认协议"),
    "agreement.drafted": _("起草协议"), "agreement.export_requested": _("申请导出协议"),
    "agreement.item_updated": _("修改协议事项"), "agreement.pdf": _("生成协议文本"),
    "agreement.progress": _("报告履约进度"), "agreement.proposal": _("提出修改意见"),
    "agreement.comment": _("提出协商意见"), "agreement.proposal_accepted": _("采纳修改意见"),
    "agreement.proposal_rejected": _("不采纳修改意见"), "agreement.signed_on_behalf": _("代为签署协议"),
    "agreement.updated": _("修改协议"), "agreement_template.created": _("新建协议模板"),
    "amendment.created": _("新建补充协议"), "amendment.in_force": _("补充协议生效"),
    "amendment.item_added": _("补充协议增加事项"), "amendment.item_changed": _("补充协议变更事项"),
    "amendment.item_removed": _("补充协议删除事项"), "amendment.item_withdrawn": _("撤回补充协议事项"),
    "amendment.pdf": _("生成补充协议文本"), "amendment.signed_on_behalf": _("代为签署补充协议"),
    "ledger.allocated": _("核定经费"), "ledger.allocate": _("核定经费"), "ledger.pay": _("拨付经费"),
    "ledger.withhold": _("扣减经费"), "ledger.award": _("奖励经费"),
})
