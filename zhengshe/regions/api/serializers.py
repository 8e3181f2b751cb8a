from rest_framework import serializers

from ..models import Region


class RegionSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", read_only=True, default=None)
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "level_display", "urban_rural_code", "parent_code", "path", "depth",
                  "population", "households", "service_centre_area", "is_active", "updated_at"]
