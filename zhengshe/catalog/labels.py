"""Labels of the events the catalog app records (``core.labels``); workflow moves are labelled by their table."""

from django.utils.translation import gettext_lazy as _

from zhengshe.core.labels import register_events

register_events({
    "catalog.admission.create": _("提出准入申请"), "catalog.admission.register": _("登记准入事项"),
    "catalog.ask.notice": _("发出未准入事项告知"), "catalog.ask.outcome": _("登记未准入事项结果"),
    "catalog.ask.record": _("登记未准入事项"), "catalog.ask.refuse": _("拒绝执行未准入事项"),
    "catalog.item.remove": _("删除清单事项"), "catalog.list.create": _("新建清单"),
    "catalog.list.import": _("导入清单"), "catalog.list.new_version": _("新建清单版本"),
})
