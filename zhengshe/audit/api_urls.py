from rest_framework import serializers
from rest_framework.routers import SimpleRouter

from zhengshe.core.api import ScopedReadOnlyViewSet

from .filtersets import AuditEntryFilterSet
from .models import AuditEntry


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = ["seq", "created_at", "actor_name", "actor_roles", "source", "ip", "request_id", "action",
                  "object_type", "object_id", "object_repr", "success", "before", "after", "hash"]


class AuditEntryViewSet(ScopedReadOnlyViewSet):
    """The audit trail within the caller's scope (read only; entries are never edited)."""

    queryset = AuditEntry.objects.all()
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilterSet

    def get_queryset(self):
        return AuditEntry.objects.restrict(self.request.user).order_by("-seq")


router = SimpleRouter()
router.register("audit", AuditEntryViewSet, basename="audit-entry")
urlpatterns = router.urls
