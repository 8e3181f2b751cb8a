"""API: scoped reads; each write is one small endpoint calling the service (same errors as the pages)."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from zhengshe.core.actions import action_endpoint
from zhengshe.core.api import ScopedReadOnlyViewSet
from zhengshe.core.scoping import get_scoped_or_404

from .. import selectors, services
from ..filtersets import AgreementFilterSet, LedgerFilterSet, TemplateFilterSet
from ..models import Agreement, AgreementItem, AgreementTemplate, DraftingJob, LedgerEntry
from . import serializers as s


def _fresh(view, agreement) -> dict:
    """The agreement as the caller now sees it (after a move), in the list shape."""
    return s.AgreementSerializer(selectors.get_agreement(view.request.user, agreement.pk)).data


class AgreementViewSet(ScopedReadOnlyViewSet):
    """Agreements whose party B lies in the caller's scope."""

    queryset = Agreement.objects.all()
    serializer_class = s.AgreementSerializer
    filterset_class = AgreementFilterSet
    select_related = ("party_a", "party_b")

    def get_queryset(self):
        qs = super().get_queryset().order_by("party_b__path", "-year", "id")
        if self.action == "retrieve":
            qs = qs.prefetch_related("items__identity", "instalments", "amendments__items")
        return qs

    def get_serializer_class(self):
        return s.AgreementDetailSerializer if self.action == "retrieve" else s.AgreementSerializer

    def _done(self, agreement):
        return Response(_fresh(self, agreement))

    transition = action_endpoint(
        "transition", services.agreement_transition, obj_arg="agreement", body=s.AgreementTransitionSerializer,
        reply=lambda view, agreement: _fresh(view, agreement), reply_schema=s.AgreementSerializer,
        doc="Submit for negotiation, redraft, activate, evaluate, close or terminate (comment = reason).")

    @extend_schema(request=None, responses=s.AgreementSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        agreement = self.get_object()
        services.agreement_confirm(actor=request.user, agreement=agreement,
                                   revision=request.data.get("revision", agreement.revision))
        return self._done(agreement)

    sign = action_endpoint(
        "sign", services.agreement_sign, obj_arg="agreement", body=s.SignSerializer,
        reply=lambda view, agreement: _fresh(view, agreement), reply_schema=s.AgreementSerializer,
        doc="Sign for the caller's side: signer, and a seal number and/or a seal image (multipart).")

    @extend_schema(request=s.NoteSerializer, responses=None)
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        agreement = self.get_object()
        data = s.NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        item_id = values.pop("item", None)
        item = get_scoped_or_404(AgreementItem, request.user, pk=item_id, agreement=agreement) if item_id else None
        note = services.note_add(actor=request.user, agreement=agreement, item=item, **values)
        return Response({"id": note.pk, "status": note.status}, status=201)

    @extend_schema(request=s.ProgressSerializer, responses=None)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        agreement = self.get_object()
        data = s.ProgressSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = get_scoped_or_404(AgreementItem.objects.select_related("agreement__party_a", "agreement__party_b"),
                                 request.user, pk=data.validated_data["item"], agreement=agreement)
        report = services.progress_report(actor=request.user, item=item, status=data.validated_data["status"],
                                          note=data.validated_data["note"])
        return Response({"id": report.pk, "status": report.status}, status=201)

    @extend_schema(request=None, responses=None)
    @action(detail=True, methods=["get"])
    def funds(self, request, pk=None):
        """Allocated, paid, withheld, awarded and balance of one agreement."""
        return Response({k: str(v) for k, v in selectors.ledger_totals(self.get_object()).items()})


class AgreementLedgerViewSet(ScopedReadOnlyViewSet):
    queryset = LedgerEntry.objects.all()
    serializer_class = s.LedgerEntrySerializer
    filterset_class = LedgerFilterSet
    select_related = ("agreement__party_b",)

    def get_queryset(self):
        return super().get_queryset().order_by("-entry_date", "-id")


class AgreementTemplateViewSet(ScopedReadOnlyViewSet):
    queryset = AgreementTemplate.objects.all()
    serializer_class = s.AgreementTemplateSerializer
    filterset_class = TemplateFilterSet
    select_related = ("region",)

    def get_queryset(self):
        return super().get_queryset().order_by("-year", "id")

    @extend_schema(request=None, responses=s.DraftingJobSerializer)
    @action(detail=True, methods=["post"])
    def draft(self, request, pk=None):
        """Start bulk drafting; poll /api/agreement-jobs/{id}/ for progress."""
        job = services.drafting_start(actor=request.user, template=self.get_object())
        return Response(s.DraftingJobSerializer(job).data, status=202)


class AgreementJobViewSet(ScopedReadOnlyViewSet):
    queryset = DraftingJob.objects.all()
    serializer_class = s.DraftingJobSerializer

    def get_queryset(self):
        return super().get_queryset().order_by("-created_at")
