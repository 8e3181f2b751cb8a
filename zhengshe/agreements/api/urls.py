from rest_framework.routers import SimpleRouter

from .views import AgreementJobViewSet, AgreementLedgerViewSet, AgreementTemplateViewSet, AgreementViewSet

router = SimpleRouter()
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("agreement-ledger", AgreementLedgerViewSet, basename="agreement-ledger")
router.register("agreement-templates", AgreementTemplateViewSet, basename="agreement-template")
router.register("agreement-jobs", AgreementJobViewSet, basename="agreement-job")
urlpatterns = router.urls
