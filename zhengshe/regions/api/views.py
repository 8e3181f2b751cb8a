from rest_framework.decorators import action
from rest_framework.response import Response

from zhengshe.core.api import ScopedReadOnlyViewSet

from .. import selectors
from ..filtersets import RegionFilterSet
from ..models import Region
from .serializers import RegionSerializer


class RegionViewSet(ScopedReadOnlyViewSet):
    """Regions within the caller's scope. ``/api/regions/{code}/`` looks up by code."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    lookup_field = "code"
    select_related = ("parent",)

    def get_queryset(self):
        return super().get_queryset().order_by("path")

    @action(detail=True)
    def totals(self, request, code=None):
        """Villages, population, households and centres ≥ 400 m² summed over the subtree."""
        region = self.get_object()
        return Response(selectors.totals(region.path))
