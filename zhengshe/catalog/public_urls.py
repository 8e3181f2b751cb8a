"""Public pages (no login) of this app, mounted under /p/catalog/: the published lists (政务公开)."""

from django.urls import path

from . import public_views

app_name = "catalog_public"
urlpatterns = [
    path("", public_views.public_lists, name="lists"),
    path("lists/<int:pk>/", public_views.public_list_detail, name="list_detail"),
]
