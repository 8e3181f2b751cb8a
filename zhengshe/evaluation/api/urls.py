from rest_framework.routers import SimpleRouter

from .views import ConsequenceViewSet, ObjectionViewSet, ResultViewSet, RoundViewSet, SheetViewSet, TemplateViewSet

router = SimpleRouter()
router.register("evaluation/templates", TemplateViewSet, basename="evaluation-template")
router.register("evaluation/rounds", RoundViewSet, basename="evaluation-round")
router.register("evaluation/results", ResultViewSet, basename="evaluation-result")
router.register("evaluation/sheets", SheetViewSet, basename="evaluation-sheet")
router.register("evaluation/objections", ObjectionViewSet, basename="evaluation-objection")
router.register("evaluation/consequences", ConsequenceViewSet, basename="evaluation-consequence")
urlpatterns = router.urls
