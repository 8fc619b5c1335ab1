"""API of the consultations app, under /api/v1/programmes/<slug>/…"""
from rest_framework.routers import SimpleRouter

from consultations import api

app_name = "consultations_api"

router = SimpleRouter(use_regex_path=False)
for segment, viewset in api.VIEWSETS.items():
    router.register(f"programmes/<slug:programme_slug>/{segment}", viewset, basename=segment)

urlpatterns = router.urls
