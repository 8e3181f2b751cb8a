from rest_framework.decorators import action
from rest_framework.response import Response

from zhengshe.core.api import ScopedReadOnlyViewSet

from .. import selectors
from ..filtersets import OrganizationFilterSet
from ..models import Organization
from .serializers import OrganizationSerializer


class OrganizationViewSet(ScopedReadOnlyViewSet):
    """Organizations within the caller's scope (by region, or the caller's own organization)."""

    queryset = Organization.objects.all()
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet
    select_related = ("region",)

    def get_queryset(self):
        return super().get_queryset().order_by("name", "id")

    @action(detail=True)
    def eligibility(self, request, pk=None):
        """``?min_grade=3A&on=YYYY-MM-DD``: whether the organization may take part, and why not."""
        from datetime import date

        org = self.get_object()
        on = request.query_params.get("on")
        try:
            day = date.fromisoformat(on) if on else None
        except ValueError:
            day = None
        ok, reasons = selectors.eligibility(org, min_grade=request.query_params.get("min_grade", "3A"), on_date=day)
        return Response({"eligible": ok, "reasons": reasons})
