from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("catalog/lists", views.DutyListViewSet, basename="dutylist")
router.register("catalog/departments", views.DepartmentViewSet, basename="catalog-department")
router.register("catalog/admission", views.AdmissionViewSet, basename="admission")
router.register("catalog/register", views.RegisterViewSet, basename="catalog-register")
router.register("catalog/asks", views.AskViewSet, basename="unlistedask")
router.register("catalog/burden", views.BurdenItemViewSet, basename="burdenitem")
urlpatterns = router.urls
