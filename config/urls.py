from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from core.views import api_token
from sso.views import LoginView

urlpatterns = [
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/api-token/", api_token, name="api_token"),
    path("admin/", admin.site.urls),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/", include("programmes.api_urls")),
    path("api/v1/", include("risks.api_urls")),
    path("api/v1/", include("workforce.api_urls")),
    path("api/v1/", include("finance.api_urls")),
    path("api/v1/", include("consultations.api_urls")),
    path("api/v1/", include("business_cases.api_urls")),
    path("programmes/<slug:slug>/risks/", include("risks.urls")),
    path("programmes/<slug:slug>/workforce/", include("workforce.urls")),
    path("programmes/<slug:slug>/finance/", include("finance.urls")),
    path("programmes/<slug:slug>/consultations/", include("consultations.urls")),
    path("programmes/<slug:slug>/business-case/", include("business_cases.urls")),
    path("councils/<int:organisation_id>/paper-template/", include("business_cases.template_urls")),
    path("", include("sso.urls")),
    path("", include("programmes.urls")),
]

# Dead ends in the service's frame (the API answers its own JSON and never reaches these).
handler403 = "programmes.errors.forbidden"
handler404 = "programmes.errors.not_found"
handler500 = "core.views.server_error"
