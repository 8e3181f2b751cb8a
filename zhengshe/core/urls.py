from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "core"
urlpatterns = [
    path("elder/", views.set_elder_mode, name="elder"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("imports/<int:pk>/", views.import_job_view, name="import_job"),
    path("imports/<int:pk>/status.json", views.import_job_status, name="import_job_status"),
    path("imports/<int:pk>/errors.xlsx", views.import_job_errors, name="import_job_errors"),
    # Browsers ask for /favicon.ico on every site; answer with the static icon instead of a 404.
    path("favicon.ico", RedirectView.as_view(url=static("zhengshe/favicon.ico"), permanent=True)),
]
