from django.urls import path

from programmes import api

app_name = "api"

LIST = {"get": "list", "post": "create"}
DETAIL = {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}

urlpatterns = [
    path("programmes/", api.ProgrammeViewSet.as_view({"get": "list"}), name="programme-list"),
    path("programmes/<slug:slug>/",
         api.ProgrammeViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
         name="programme-detail"),
]

CHILDREN = {
    "workstreams": api.WorkstreamViewSet,
    "milestones": api.MilestoneViewSet,
    "decisions": api.DecisionViewSet,
    "lessons": api.LessonViewSet,
    "engagement-events": api.EngagementEventViewSet,
    "confidence-assessments": api.ConfidenceAssessmentViewSet,
}

for segment, viewset in CHILDREN.items():
    urlpatterns += [
        path(f"programmes/<slug:programme_slug>/{segment}/", viewset.as_view(LIST),
             name=f"{segment}-list"),
        path(f"programmes/<slug:programme_slug>/{segment}/<int:pk>/", viewset.as_view(DETAIL),
             name=f"{segment}-detail"),
    ]
