"""Public pages (no login) of this app, mounted under /p/agreements/."""

app_name = "agreements_public"
urlpatterns: list = []
