from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from zhengshe.core.views import floor_view

api_patterns = [
    path("", include("zhengshe.regions.api.urls")),
    path("", include("zhengshe.audit.api_urls")),
    path("", include("zhengshe.organizations.api.urls")),
    path("", include("zhengshe.catalog.api.urls")),
    path("", include("zhengshe.agreements.api.urls")),
    path("", include("zhengshe.evaluation.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("", include("zhengshe.dashboards.urls")),
    path("", include("zhengshe.core.urls")),
    path("accounts/", include("zhengshe.accounts.urls")),
    path("regions/", include("zhengshe.regions.urls")),
    path("audit/", include("zhengshe.audit.urls")),
    path("organizations/", include("zhengshe.organizations.urls")),
    path("catalog/", include("zhengshe.catalog.urls")),
    path("agreements/", include("zhengshe.agreements.urls")),
    path("evaluation/", include("zhengshe.evaluation.urls")),
    path("projects/", include("zhengshe.projects.urls")),
    path("api/", include(api_patterns)),
    # Public pages (no login): surveys, the organization directory, publications (公示).
    path("p/organizations/", include("zhengshe.organizations.public_urls")),
    path("p/catalog/", include("zhengshe.catalog.public_urls")),
    path("p/agreements/", include("zhengshe.agreements.public_urls")),
    path("p/evaluation/", include("zhengshe.evaluation.public_urls")),
    path("p/projects/", include("zhengshe.projects.public_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz/floor", floor_view, name="floor"),
]
