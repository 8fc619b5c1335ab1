from django.urls import path

from sso import views

app_name = "sso"

urlpatterns = [
    path("accounts/sso/<int:organisation_id>/", views.SignInStart.as_view(), name="login"),
    path("accounts/sso/callback/", views.SignInCallback.as_view(), name="callback"),
    path("accounts/no-access/", views.no_access, name="no_access"),
    path("councils/<int:organisation_id>/sign-in/", views.council_sign_in_settings, name="settings"),
]
