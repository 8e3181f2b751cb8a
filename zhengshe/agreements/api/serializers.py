from rest_framework import serializers

from ..models import (
    Agreement,
    AgreementItem,
    AgreementTemplate,
    Amendment,
    AmendmentItem,
    DraftingJob,
    Instalment,
    LedgerEntry,
)


class AgreementItemSerializer(serializers.ModelSerializer):
    identity_key = serializers.CharField(source="identity.key", read_only=True)

    class Meta:
        model = AgreementItem
        fields = ["id", "identity_key", "list_item", "number", "category", "title", "requirements", "deadline",
                  "conditions_money", "conditions_staff", "conditions_training", "conditions_equipment",
                  "conditions_information", "funding_basis", "funding_standard", "funding_quantity",
                  "funding_amount", "payment_schedule", "indicator", "weight", "removed", "added_by"]


class AmendmentItemSerializer(serializers.ModelSerializer):
    """One item change of a supplementary agreement (read-only): base = the terms it replaced."""

    class Meta:
        model = AmendmentItem
        fields = ["id", "kind", "item", "list_item", "number", "category", "title", "requirements", "deadline",
                  "conditions_money", "conditions_staff", "conditions_training", "conditions_equipment",
                  "conditions_information", "funding_amount", "payment_schedule", "indicator", "weight", "ends_on",
                  "reason", "base", "funding_change"]
        read_only_fields = fields


class AmendmentSerializer(serializers.ModelSerializer):
    items = AmendmentItemSerializer(many=True, read_only=True)

    class Meta:
        model = Amendment
        fields = ["id", "number", "title", "content", "funding_delta", "status", "a_signer_name", "a_signed_at",
                  "b_signer_name", "b_signed_at", "items"]
        read_only_fields = fields


class InstalmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Instalment
        fields = ["id", "number", "label", "amount", "due_date", "paid_on"]


class AgreementSerializer(serializers.ModelSerializer):
    party_a_code = serializers.CharField(source="party_a.code", read_only=True)
    party_b_code = serializers.CharField(source="party_b.code", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Agreement
        fields = ["id", "number", "kind", "title", "year", "term_start", "term_end", "party_a_code", "party_a_name",
                  "party_a_department", "party_b_code", "party_b_name", "council", "status", "status_display",
                  "b_signs_first", "total_funding", "revision", "version", "confirmed_a_revision",
                  "confirmed_b_revision", "a_signer_name", "a_signed_at", "a_seal_number", "b_signer_name",
                  "b_signed_at", "b_seal_number", "terminated_reason", "updated_at"]


class AgreementDetailSerializer(AgreementSerializer):
    items = AgreementItemSerializer(many=True, read_only=True)
    instalments = InstalmentSerializer(many=True, read_only=True)
    amendments = AmendmentSerializer(many=True, read_only=True)

    class Meta(AgreementSerializer.Meta):
        fields = AgreementSerializer.Meta.fields + ["clause_purpose", "clause_evaluation", "clause_breach_a",
                                                    "clause_breach_b", "clause_dispute", "clause_other", "items",
                                                    "instalments", "amendments"]


class LedgerEntrySerializer(serializers.ModelSerializer):
    party_b_code = serializers.CharField(source="agreement.party_b.code", read_only=True)

    class Meta:
        model = LedgerEntry
        fields = ["id", "agreement", "party_b_code", "kind", "amount", "item", "instalment", "amendment", "entry_date",
                  "voucher_number", "reason", "source", "reference"]


class AgreementTemplateSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = AgreementTemplate
        fields = ["id", "region_code", "kind", "year", "title", "party_a_name", "party_a_department", "term_start",
                  "term_end", "b_signs_first", "instalment_plan", "version"]


class DraftingJobSerializer(serializers.ModelSerializer):
    class Meta:
        model = DraftingJob
        fields = ["id", "template", "year", "status", "total", "done", "created_count", "skipped_count", "message",
                  "percent", "started_at", "finished_at"]


class AgreementTransitionSerializer(serializers.Serializer):
    action = serializers.CharField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class SignSerializer(serializers.Serializer):
    signer_name = serializers.CharField(max_length=50)
    seal_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    seal_image = serializers.FileField(required=False, allow_null=True, default=None,
                                       help_text="PNG/JPEG ≤ 2 MB (multipart); a seal image or a seal number is needed")


class NoteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)
    item = serializers.IntegerField(required=False, allow_null=True)
    field = serializers.CharField(required=False, allow_blank=True, default="")
    proposed_value = serializers.CharField(required=False, allow_blank=True, default="")


class ProgressSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["done", "in_progress", "not_done"])
    note = serializers.CharField(required=False, allow_blank=True, default="")
