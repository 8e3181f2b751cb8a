from rest_framework import serializers

from zhengshe.regions.models import Region

from ..choices import AskKind, TargetMode
from ..models import AdmissionRequest, BurdenItem, Department, DutyList, ListItem, UnlistedAsk


class ListItemSerializer(serializers.ModelSerializer):
    identity_key = serializers.CharField(source="identity.key", read_only=True)

    class Meta:
        model = ListItem
        fields = ["id", "identity", "identity_key", "number", "category", "title", "description", "legal_basis",
                  "department", "funding_follows", "funding_basis", "funding_amount", "position"]


class DutyListSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = DutyList
        fields = ["id", "kind", "kind_display", "region_code", "year", "version", "title", "status", "status_display",
                  "document_number", "published_at", "superseded_at", "previous"]


class DutyListDetailSerializer(DutyListSerializer):
    items = ListItemSerializer(many=True, read_only=True)

    class Meta(DutyListSerializer.Meta):
        fields = DutyListSerializer.Meta.fields + ["items"]


class DepartmentSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = Department
        fields = ["id", "name", "short_name", "region_code", "active"]


class AdmissionSerializer(serializers.ModelSerializer):
    applicant_region_code = serializers.CharField(source="applicant_region.code", read_only=True)
    issuing_region_code = serializers.CharField(source="issuing_region.code", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    target_root_code = serializers.SlugRelatedField(source="target_root", slug_field="code", read_only=True)
    approved_root_code = serializers.SlugRelatedField(source="approved_root", slug_field="code", read_only=True)

    class Meta:
        model = AdmissionRequest
        fields = ["id", "title", "kind", "subtype", "department", "content", "legal_basis", "workload",
                  "workload_hours", "funding_follows", "funding_amount", "target_mode", "target_root_code",
                  "requested_from", "requested_until", "status", "status_display", "applicant_region_code",
                  "issuing_region_code", "approved_mode", "approved_root_code", "valid_from", "valid_until",
                  "register_number", "decision_comment", "version"]


class AdmissionCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AskKind.choices)
    subtype = serializers.CharField(required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=200)
    department = serializers.CharField(max_length=100, required=False)
    content = serializers.CharField()
    legal_basis = serializers.CharField()
    workload = serializers.CharField(required=False, allow_blank=True, default="")
    workload_hours = serializers.DecimalField(max_digits=8, decimal_places=1, required=False, default=0)
    funding_follows = serializers.BooleanField(required=False, default=False)
    funding_amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, default=0)
    target_mode = serializers.ChoiceField(choices=TargetMode.choices)
    target_root = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), required=False,
                                               allow_null=True)
    target_regions = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), many=True,
                                                  required=False)
    requested_from = serializers.DateField()
    requested_until = serializers.DateField()


class ApproveSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=TargetMode.choices)
    root = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), required=False,
                                        allow_null=True)
    regions = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all(), many=True, required=False)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class AskSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)

    class Meta:
        model = UnlistedAsk
        fields = ["id", "region_code", "received_on", "department", "asker", "channel", "kind", "title", "content",
                  "admission", "outcome", "outcome_display", "outcome_note", "rule_cited", "notice_number",
                  "refused_on"]


class AskCreateSerializer(serializers.Serializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    received_on = serializers.DateField()
    department = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=AskKind.choices)
    title = serializers.CharField(max_length=200)
    content = serializers.CharField(required=False, allow_blank=True, default="")
    asker = serializers.CharField(required=False, allow_blank=True, default="")
    channel = serializers.CharField(required=False, allow_blank=True, default="")


class RefuseSerializer(serializers.Serializer):
    rule_cited = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class BurdenItemSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = BurdenItem
        fields = ["id", "region_code", "kind", "subtype", "name", "department", "in_baseline", "started_on", "state",
                  "state_changed_on", "admission", "note"]
