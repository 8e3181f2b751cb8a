"""Catalog API: scoped reads; each workflow move is one small endpoint calling its service."""

from django.core.exceptions import PermissionDenied
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from zhengshe.core.actions import action_endpoint
from zhengshe.core.api import ScopedReadOnlyViewSet, ScopedViewSetMixin
from zhengshe.core.scoping import get_scoped_or_404
from zhengshe.regions.models import Region

from .. import selectors, services
from ..filtersets import AdmissionFilterSet, AskFilterSet, BurdenFilterSet, DutyListFilterSet, RegisterFilterSet
from ..models import AdmissionRequest, BurdenItem, Department, DutyList, UnlistedAsk
from . import serializers as s


class DutyListViewSet(ScopedReadOnlyViewSet):
    """List versions visible to the caller (a county's lists are read by its whole subtree), with items."""

    queryset = DutyList.objects.all()
    filterset_class = DutyListFilterSet
    select_related = ("region",)

    def get_serializer_class(self):
        return s.DutyListDetailSerializer if self.action == "retrieve" else s.DutyListSerializer

    def get_queryset(self):
        qs = super().get_queryset().order_by("region__path", "kind", "-version")
        return qs.prefetch_related("items__identity") if self.action == "retrieve" else qs

    @action(detail=True)
    def diff(self, request, pk=None):
        """Added, removed and changed items against ``?against=<id>`` (default: the previous version)."""
        new = self.get_object()
        against = request.query_params.get("against") or new.previous_id
        old = get_scoped_or_404(DutyList.objects.filter(region_id=new.region_id, kind=new.kind), request.user,
                                "view", pk=against)
        d = selectors.diff_lists(old, new)
        return Response({
            "old": old.pk, "new": new.pk, "unchanged": d["unchanged"],
            "added": s.ListItemSerializer(d["added"], many=True).data,
            "removed": s.ListItemSerializer(d["removed"], many=True).data,
            "changed": [{"identity": c["item"].identity_id, "number": c["item"].number,
                         "fields": [{"field": f["field"], "old": str(f["old"]), "new": str(f["new"])} for f in c["fields"]]}
                        for c in d["changed"]],
        })


class DepartmentViewSet(ScopedReadOnlyViewSet):
    queryset = Department.objects.all()
    serializer_class = s.DepartmentSerializer
    select_related = ("region",)


class AdmissionViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Admission requests of the caller's units; review moves are POSTs to submit/return/reject/withdraw/approve."""

    queryset = AdmissionRequest.objects.all()
    serializer_class = s.AdmissionSerializer
    filterset_class = AdmissionFilterSet
    select_related = ("applicant_region", "issuing_region", "target_root", "approved_root")

    def get_queryset(self):
        return super().get_queryset().order_by("-created_at", "-id") if self.action != "create" else \
            AdmissionRequest.objects.none()

    def create(self, request, *args, **kwargs):
        data = s.AdmissionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        regions = fields.pop("target_regions", [])
        obj = services.admission_create(actor=request.user, regions=regions, **fields)
        return Response(s.AdmissionSerializer(obj).data, status=status.HTTP_201_CREATED)

    submit, return_for_info, reject, withdraw = (
        action_endpoint(name, services.admission_move, obj_arg="admission", body=s.CommentSerializer,
                        reply=s.AdmissionSerializer, fixed={"action": move}, url_path=move,
                        doc=f"POST: the admission's workflow move “{move}” (comment = reason).")
        for name, move in (("submit", "submit"), ("return_for_info", "return"), ("reject", "reject"),
                           ("withdraw", "withdraw")))

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        obj = self.get_object()
        body = s.ApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        approved = services.admission_approve(actor=request.user, admission=obj, **body.validated_data)
        return Response(s.AdmissionSerializer(approved).data)


class RegisterViewSet(viewsets.ReadOnlyModelViewSet):
    """The admitted register for the caller's part of the tree (a village sees only what applies to it)."""

    serializer_class = s.AdmissionSerializer
    filterset_class = RegisterFilterSet

    def get_queryset(self):
        return selectors.register_for_user(self.request.user).order_by("-valid_until", "-pk")


class AskViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Asks recorded by communities outside the lists and the register; POST …/refuse/ refuses one."""

    queryset = UnlistedAsk.objects.all()
    serializer_class = s.AskSerializer
    filterset_class = AskFilterSet
    select_related = ("region",)

    def get_queryset(self):
        return super().get_queryset().order_by("-received_on", "-id")

    def create(self, request, *args, **kwargs):
        data = s.AskCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        region = get_scoped_or_404(Region, request.user, "view", pk=fields.pop("region").pk)
        ask = services.ask_record(actor=request.user, region=region, **fields)
        return Response(s.AskSerializer(ask).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        ask = get_scoped_or_404(UnlistedAsk, request.user, "change", pk=pk)
        body = s.RefuseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(s.AskSerializer(services.ask_refuse(actor=request.user, ask=ask, **body.validated_data)).data)


class BurdenItemViewSet(ScopedReadOnlyViewSet):
    """The burden registry rows; ``/api/burden/rollup/?region=<code>`` gives the rollup of a subtree."""

    queryset = BurdenItem.objects.all()
    serializer_class = s.BurdenItemSerializer
    filterset_class = BurdenFilterSet
    select_related = ("region",)

    def get_queryset(self):
        return super().get_queryset().order_by("region__path", "kind", "subtype", "id")

    @action(detail=False)
    def rollup(self, request):
        root = selectors.burden_root_for(request.user, request.query_params.get("region"))
        if root is None:
            raise PermissionDenied
        summary = selectors.burden_summary(root.path)
        return Response({
            "region": root.code, "communities": summary["communities"], "by_subtype": summary["rows"],
            "by_kind": summary["by_kind"], "score_per_community": str(summary["score_per_community"]),
            "baseline_per_community": str(summary["baseline_per_community"]),
            "reduction": str(summary["reduction"]) if summary["reduction"] is not None else None,
            "children": [{"region": c["region"].code, "name": c["region"].name,
                          **{k: (str(v) if k in ("score", "score_per_community", "reduction") else v)
                             for k, v in c.items() if k != "region"}} for c in selectors.burden_by_child(root)],
        })



