from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("", views.RegionListView.as_view(), name="list"),
    path("import/", views.region_import_view, name="import"),
    path("import/template.xlsx", views.region_template_view, name="import_template"),
    path("export.xlsx", views.region_export_view, name="export"),
    path("lookup/", views.region_lookup_view, name="lookup"),
    path("new/", views.region_create_view, name="create"),
    path("<str:code>/edit/", views.region_edit_view, name="edit"),
    path("<str:code>/", views.RegionDetailView.as_view(), name="detail"),
]
