from rest_framework import serializers

from ..choices import Level
from ..models import Region


class RegionSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", read_only=True, default=None)
    level_display = serializers.SerializerMethodField()

    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "level_display", "urban_rural_code", "parent_code", "path", "depth",
                  "population", "households", "service_centre_area", "is_active", "updated_at"]

    def get_level_display(self, obj) -> str:
        # Labels once per response (one serializer serves every row of a page), not a choices dict per row.
        labels = self.__dict__.get("_level_labels")
        if labels is None:
            labels = self.__dict__["_level_labels"] = {value: str(label) for value, label in Level.choices}
        return labels.get(obj.level, obj.level)
