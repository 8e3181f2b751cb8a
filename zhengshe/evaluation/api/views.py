"""Evaluation API: scoped reads; each write is one small endpoint calling a service."""

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from zhengshe.core.actions import action_endpoint
from zhengshe.core.api import ScopedReadOnlyViewSet
from zhengshe.core.scoping import Scope

from .. import selectors, services
from ..models import Consequence, IndicatorTemplate, Objection, Round, ScoreSheet, UnitResult
from . import serializers as s


class TemplateViewSet(ScopedReadOnlyViewSet):
    """Indicator systems (with their indicators) visible to the caller."""

    queryset = IndicatorTemplate.objects.all()
    serializer_class = s.TemplateSerializer
    select_related = ("region",)
    prefetch_related = ("indicators",)

    def get_queryset(self):
        return super().get_queryset().order_by("id")


class RoundViewSet(viewsets.ReadOnlyModelViewSet):
    """Rounds visible to the caller; ``results`` lists the unit results they may see."""

    queryset = Round.objects.none()  # names the model for the schema; get_queryset is what serves
    serializer_class = s.RoundSerializer

    def get_queryset(self):
        return selectors.rounds_for(self.request.user).order_by("-year", "id")

    @action(detail=True)
    def results(self, request, pk=None):
        round_ = self.get_object()
        qs = selectors.results_for(request.user, round_).order_by("unit__kind", "rank_district", "unit_id")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.ResultSerializer(page, many=True).data)

    transition = action_endpoint("transition", services.round_transition, obj_arg="round_",
                                 body=s.RoundTransitionSerializer, reply=s.RoundSerializer,
                                 doc="POST: move the round through its workflow (action, comment).")


class ResultViewSet(viewsets.ReadOnlyModelViewSet):
    """Unit results the caller may see (own unit, own subtree, or published rounds they can see)."""

    queryset = UnitResult.objects.none()  # the schema's model; get_queryset serves
    serializer_class = s.ResultSerializer

    def get_queryset(self):
        scoped = UnitResult.objects.restrict(self.request.user, "view")
        if not Scope.for_user(self.request.user).has_role(*selectors.EARLY_READERS):
            scoped = scoped.filter(round__status__in=selectors.PUBLISHED)
        scoped = scoped.values("pk")
        published = UnitResult.objects.filter(round__in=selectors.rounds_for(self.request.user).filter(
            status__in=selectors.PUBLISHED)).values("pk")
        from django.db.models import Q

        return (UnitResult.objects.filter(Q(pk__in=scoped) | Q(pk__in=published))
                .select_related("unit", "unit__region").order_by("round_id", "unit_id"))

    @extend_schema(request=s.ObjectionCreateSerializer, responses=s.ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def objection(self, request, pk=None):
        result = self.get_object()
        data = s.ObjectionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objection = services.objection_file(actor=request.user, unit=result.unit, text=data.validated_data["text"])
        return Response(s.ObjectionSerializer(objection).data, status=201)


class SheetViewSet(viewsets.ReadOnlyModelViewSet):
    """Sheets the caller filled, those of their committee (scores it gave), and those about their subtree."""

    queryset = ScoreSheet.objects.none()  # the schema's model; get_queryset serves
    serializer_class = s.SheetSerializer

    def get_queryset(self):
        return selectors.sheets_for(self.request.user).prefetch_related("scores__indicator").order_by("id")


class ObjectionViewSet(ScopedReadOnlyViewSet):
    queryset = Objection.objects.all()
    serializer_class = s.ObjectionSerializer

    def get_queryset(self):
        return super().get_queryset().order_by("id")


class ConsequenceViewSet(ScopedReadOnlyViewSet):
    """Proposed and decided consequences; ``confirm``/``reject`` are the only way money moves."""

    queryset = Consequence.objects.all()
    serializer_class = s.ConsequenceSerializer

    def get_queryset(self):
        return super().get_queryset().order_by("id")

    confirm = action_endpoint("confirm", services.consequence_decide, obj_arg="consequence",
                              body=s.DecisionSerializer, reply=s.ConsequenceSerializer, fixed={"confirm": True},
                              doc="POST: confirm the proposed consequence (money moves on the funds ledger).")
    reject = action_endpoint("reject", services.consequence_decide, obj_arg="consequence",
                             body=s.DecisionSerializer, reply=s.ConsequenceSerializer, fixed={"confirm": False},
                             doc="POST: reject the proposed consequence.")
