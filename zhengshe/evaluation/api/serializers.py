from rest_framework import serializers

from ..models import Consequence, Indicator, IndicatorTemplate, Objection, Round, Score, ScoreSheet, Unit, UnitResult


class IndicatorSerializer(serializers.ModelSerializer):
    rule_text = serializers.CharField(read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "code", "group", "name", "description", "weight", "rule", "max_points", "checklist", "deduction",
                  "source_key", "mapping", "rule_text"]


class TemplateSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)
    region_code = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = IndicatorTemplate
        fields = ["id", "title", "direction", "version", "status", "region_code", "published_at", "indicators"]


class RoundSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Round
        fields = ["id", "title", "year", "region_code", "status", "status_display", "template_committee",
                  "template_government", "template_department", "template_residents_committee",
                  "template_residents_government", "departments", "self_start", "self_end", "scoring_end",
                  "survey_start", "survey_end", "publicity_start", "publicity_end", "grade_bands", "min_sample",
                  "residents_weight", "missing_rule", "results_computed_at"]


class UnitSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "round", "kind", "name", "region_code", "department"]


class ResultSerializer(serializers.ModelSerializer):
    unit = UnitSerializer(read_only=True)
    final_total = serializers.DecimalField(max_digits=7, decimal_places=2, read_only=True)

    class Meta:
        model = UnitResult
        fields = ["id", "round", "unit", "main_score", "residents_score", "self_score", "total", "adjusted_total",
                  "final_total", "grade", "rank_town", "rank_district", "sample_size", "insufficient_sample",
                  "previous_total", "scorers", "explanation"]


class ScoreSerializer(serializers.ModelSerializer):
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)

    class Meta:
        model = Score
        fields = ["indicator", "indicator_code", "value", "checked", "points", "comment", "evidence_link"]


class SheetSerializer(serializers.ModelSerializer):
    scores = ScoreSerializer(many=True, read_only=True)
    on_behalf_code = serializers.CharField(source="on_behalf.code", read_only=True, default=None)
    scorer = serializers.CharField(source="scorer.username", read_only=True)

    class Meta:
        model = ScoreSheet
        fields = ["id", "round", "unit", "kind", "scorer", "on_behalf_code", "status", "submitted_at", "comment",
                  "scores"]


class ObjectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objection
        fields = ["id", "round", "unit", "text", "status", "response", "responded_at", "changes", "confirmed_at",
                  "confirm_note", "previous_total", "adjusted_total", "created_at"]
        read_only_fields = fields


class ObjectionCreateSerializer(serializers.Serializer):
    text = serializers.CharField()


class ConsequenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Consequence
        fields = ["id", "round", "unit", "kind", "amount", "reason", "status", "agreement_id", "ledger_reference",
                  "next_year", "decided_at", "decision_note"]
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RoundTransitionSerializer(serializers.Serializer):
    action = serializers.CharField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")
