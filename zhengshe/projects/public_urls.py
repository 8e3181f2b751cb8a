from django.urls import path

from . import views

app_name = "projects_public"

urlpatterns = [
    path("calls/", views.public_call_list_view, name="call_list"),
    path("calls/<str:number>/", views.public_call_view, name="call"),
]
