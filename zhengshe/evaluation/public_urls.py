"""Public pages (no login) of this app, mounted under /p/evaluation/."""

app_name = "evaluation_public"
urlpatterns: list = []
