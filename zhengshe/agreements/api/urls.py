from rest_framework.routers import SimpleRouter

from .views import AgreementViewSet, DraftingJobViewSet, LedgerEntryViewSet, TemplateViewSet

router = SimpleRouter()
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("agreement-ledger", LedgerEntryViewSet, basename="agreement-ledger")
router.register("agreement-templates", TemplateViewSet, basename="agreement-template")
router.register("agreement-jobs", DraftingJobViewSet, basename="agreement-job")
urlpatterns = router.urls
