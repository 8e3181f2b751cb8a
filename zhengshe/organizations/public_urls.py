"""Public pages (no login) of this app, mounted under /p/organizations/."""

app_name = "organizations_public"
urlpatterns: list = []
