from django.utils.translation import gettext_lazy as _

from zhengshe.core.scoping import get_scoped_or_404
from zhengshe.core.tables import Column, Table
from zhengshe.core.views import ScopedDetailView, ScopedListView

from .filtersets import AuditEntryFilterSet
from .models import AuditEntry


class AuditEntryTable(Table):
    columns = [
        Column("seq", _("序号"), link="audit:detail"),
        Column("created_at", _("时间")),
        Column("actor_name", _("操作人")),
        Column("actor_roles", _("角色")),
        Column("ip", _("IP 地址")),
        Column("action", _("事件")),
        Column("object_type", _("对象类型")),
        Column("object_repr", _("对象")),
        Column("success", _("成功"), render=lambda e: _("是") if e.success else _("否")),
    ]


class AuditEntryListView(ScopedListView):
    model = AuditEntry
    table_class = AuditEntryTable
    filterset_class = AuditEntryFilterSet
    title = _("审计日志")
    export_filename = "审计日志"
    ordering = ("-seq",)


class AuditEntryDetailView(ScopedDetailView):
    model = AuditEntry
    template_name = "audit/entry_detail.html"

    def get_object(self, queryset=None):
        return get_scoped_or_404(AuditEntry, self.request.user, pk=self.kwargs["pk"])
