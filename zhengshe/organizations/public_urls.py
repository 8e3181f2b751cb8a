"""Public pages (no login) of this app, mounted under /p/organizations/."""

from django.urls import path

from .views import public

app_name = "organizations_public"
urlpatterns = [
    path("", public.directory, name="directory"),
    path("notice/", public.notice, name="notice"),
    path("notice/<int:pk>/objection/", public.objection, name="objection"),
    path("<int:pk>/", public.public_detail, name="detail"),
]
