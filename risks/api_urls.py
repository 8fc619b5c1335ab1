from django.urls import path

from risks import api

app_name = "risks_api"

LIST = {"get": "list", "post": "create"}
DETAIL = {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}

CHILDREN = {
    "risks": api.RiskViewSet,
    "risk-actions": api.RiskActionViewSet,
    "issues": api.IssueViewSet,
}

urlpatterns = []
for segment, viewset in CHILDREN.items():
    urlpatterns += [
        path(f"programmes/<slug:programme_slug>/{segment}/", viewset.as_view(LIST), name=f"{segment}-list"),
        path(f"programmes/<slug:programme_slug>/{segment}/<int:pk>/", viewset.as_view(DETAIL),
             name=f"{segment}-detail"),
    ]
