from rest_framework import serializers

from zhengshe.core.protected import masked

from ..models import Organization


class OrganizationSerializer(serializers.ModelSerializer):
    """Registry facts; the contact phone is masked (as on screen)."""

    region_code = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    org_type_display = serializers.CharField(source="get_org_type_display", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    contact_phone = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = ["id", "name", "credit_code", "filing_number", "org_type", "org_type_display", "category",
                  "category_display", "registration_kind", "registration_level", "registration_authority",
                  "region_code", "region_name", "founded_on", "registered_on", "legal_representative",
                  "contact_phone", "members", "full_time_staff", "social_workers", "volunteers", "has_party_org",
                  "status", "status_display", "grade", "grade_valid_from", "grade_valid_to"]

    def get_contact_phone(self, obj) -> str:
        """Always the mask (138****5678): the full number is shown only on the page, on request, audited."""
        return masked(obj, "contact_phone")
