"""API of the risks app, under /api/v1/programmes/<slug>/…"""
from rest_framework.routers import SimpleRouter

from risks import api

app_name = "risks_api"

CHILDREN = {
    "risks": api.RiskViewSet,
    "risk-actions": api.RiskActionViewSet,
    "issues": api.IssueViewSet,
}

router = SimpleRouter(use_regex_path=False)
for segment, viewset in CHILDREN.items():
    router.register(f"programmes/<slug:programme_slug>/{segment}", viewset, basename=segment)

urlpatterns = router.urls
