"""Public pages (no login) of this app, mounted under /p/evaluation/."""

from django.urls import path

from . import public_views

app_name = "evaluation_public"
urlpatterns = [
    path("", public_views.publicity_list_view, name="publicity_list"),
    path("s/<str:token>/", public_views.survey_view, name="survey"),
    path("s/<str:token>/thanks/", public_views.survey_thanks_view, name="survey_thanks"),
    path("publicity/<int:pk>/", public_views.publicity_view, name="publicity"),
]
