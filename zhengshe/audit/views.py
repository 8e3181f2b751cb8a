import json

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhengshe.core.labels import event_label, roles_label, source_label
from zhengshe.core.permissions import RolesRequiredMixin
from zhengshe.core.scoping import get_scoped_or_404
from zhengshe.core.tables import Column, Table
from zhengshe.core.views import ScopedDetailView, ScopedListView

from . import display
from .filtersets import AuditEntryFilterSet
from .models import AUDIT_READER_ROLES, AuditEntry


def _json(value) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False)


class AuditEntryTable(Table):
    columns = [
        Column("seq", _("序号"), link="audit:detail"),
        Column("created_at", _("时间"), render=lambda e: timezone.localtime(e.created_at).isoformat(timespec="seconds")),
        Column("actor_name", _("操作人")),
        Column("actor_roles", _("角色"), render=lambda e: roles_label(e.actor_roles)),
        Column("source", _("来源"), render=lambda e: source_label(e.source)),
        Column("ip", _("IP 地址")),
        Column("action", _("事件"), render=lambda e: event_label(e.action)),
        Column("object_type", _("对象类型"), render=lambda e: display.object_type_label(e.object_type)),
        Column("object_id", _("对象编号")),
        Column("object_repr", _("对象")),
        Column("success", _("成功"), render=lambda e: gettext("是") if e.success else gettext("否")),
        Column("request_id", _("请求编号"), html=False),
        Column("before", _("变更前"), html=False, render=lambda e: _json(e.before)),
        Column("after", _("变更后"), html=False, render=lambda e: _json(e.after)),
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

    def get_context_data(self, **kwargs):
        entry = self.object
        return super().get_context_data(**kwargs, labels=display.entry_labels(entry), changes=display.changes(entry),
                                        before_other=display.other_values(entry.before),
                                        after_other=display.other_values(entry.after))
