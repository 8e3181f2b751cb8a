from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/totp/", views.login_totp_view, name="login_totp"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("totp/", views.totp_setup_view, name="totp_setup"),
    path("token/", views.api_token_view, name="api_token"),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("people/lookup/", views.people_lookup_view, name="people_lookup"),
    path("users/new/", views.user_create_view, name="user_create"),
    path("users/<int:pk>/", views.user_detail_view, name="user_detail"),
    path("users/<int:pk>/active/", views.user_set_active_view, name="user_set_active"),
    path("users/<int:pk>/unlock/", views.user_unlock_view, name="user_unlock"),
    path("users/<int:pk>/password/", views.user_password_reset_view, name="user_password_reset"),
    path("grants/<int:pk>/revoke/", views.role_revoke_view, name="role_revoke"),
    path("addresses/", views.address_list_view, name="address_list"),
    path("addresses/unlock/", views.address_unlock_view, name="address_unlock"),
]
