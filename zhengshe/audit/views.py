from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhengshe.core.permissions import RolesRequiredMixin
from zhengshe.core.scoping import get_scoped_or_404
from zhengshe.core.tables import Column, Table
from zhengshe.core.views import ScopedDetailView, ScopedListView

from .filtersets import AuditEntryFilterSet
from .models import AUDIT_READER_ROLES, AuditEntry


class AuditEntryTable(Table):
    columns = [
        Column("seq", _("序号"), link="audit:detail"),
        Column("created_at", _("时间"), render=lambda e: timezone.localtime(e.created_at).isoformat(timespec="seconds")),
        Column("actor_name", _("操作人")),
        Column("actor_roles", _("角色")),
        Column("source", _("来源")),
        Column("ip", _("IP 地址")),
        Column("action", _("事件")),
        Column("object_type", _("对象类型")),
        Column("object_id", _("对象编号")),
        Column("object_repr", _("对象")),
        Column("success", _("成功"), render=lambda e: gettext("是") if e.success else gettext("否")),
        Column("request_id", _("请求编号"), html=False),
        Column("before", _("变更前"), html=False, render=lambda e: "" if e.before is None else str(e.before)),
        Column("after", _("变更后"), html=False, render=lambda e: "" if e.after is None else str(e.after)),
    ]


class AuditEntryListView(RolesRequiredMixin, ScopedListView):
    """The trail within the reader's scope: audit administrators, district administrators, leaders."""

    required_roles = tuple(AUDIT_READER_ROLES)
    model = AuditEntry
    table_class = AuditEntryTable
    filterset_class = AuditEntryFilterSet
    title = _("审计日志")
    export_filename = "审计日志"
    ordering = ("-seq",)


class AuditEntryDetailView(RolesRequiredMixin, ScopedDetailView):
    required_roles = tuple(AUDIT_READER_ROLES)
    model = AuditEntry
    template_name = "audit/entry_detail.html"

    def get_object(self, queryset=None):
        return get_scoped_or_404(AuditEntry, self.request.user, pk=self.kwargs["pk"])
