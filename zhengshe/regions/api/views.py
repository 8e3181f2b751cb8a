from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from zhengshe.core.api import ScopedReadOnlyViewSet

from .. import selectors, services
from ..filtersets import RegionFilterSet
from ..models import Region
from .serializers import RegionSerializer


class RegionFiguresSerializer(serializers.ModelSerializer):
    """What may change through the API: a region's name and figures (never its code or parent)."""

    expected_updated_at = serializers.CharField(required=False, allow_blank=True, write_only=True,
                                                help_text=_("读取时的 updated_at；若他人已修改则拒绝保存"))

    class Meta:
        model = Region
        fields = ["name", "urban_rural_code", "population", "households", "service_centre_area", "is_active",
                  "expected_updated_at"]


class RegionViewSet(ScopedReadOnlyViewSet):
    """Regions within the caller's scope. ``/api/regions/{code}/`` looks up by code; PATCH changes figures
    (district or system administrator above the region), audited like the page."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    lookup_field = "code"
    lookup_value_regex = r"[0-9A-Za-z-]+"
    select_related = ("parent",)
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        qs = super().get_queryset().order_by("path")
        if self.action == "list":  # the serializer's columns only (no created_at, no parent's own figures)
            qs = qs.only(*[f for f in RegionSerializer.Meta.fields if f not in ("level_display", "parent_code")],
                         "parent__code")
        return qs

    def get_serializer_class(self):
        return RegionFiguresSerializer if self.action == "partial_update" else RegionSerializer

    def partial_update(self, request, code=None):
        region = self.get_object()
        incoming = RegionFiguresSerializer(region, data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        expected = data.pop("expected_updated_at", "")
        region = services.region_update(actor=request.user, region=region, expected_updated_at=expected, **data)
        return Response(RegionSerializer(region).data)

    @action(detail=True)
    def totals(self, request, code=None):
        """Villages, population, households and centres ≥ 400 m² summed over the subtree."""
        region = self.get_object()
        return Response(selectors.totals(region.path))
