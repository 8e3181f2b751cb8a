"""Public pages (no login) of this app, mounted under /p/catalog/."""

app_name = "catalog_public"
urlpatterns: list = []
