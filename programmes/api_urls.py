"""API of the programme app, under /api/v1/…: the programmes, and each one's plan and logs."""
from django.urls import path
from rest_framework.routers import SimpleRouter

from programmes import api, members_api, plan_views

app_name = "api"

# URL segment under the programme → viewset; each gives `<segment>-list` and `<segment>-detail`.
CHILDREN = {
    "workstreams": api.WorkstreamViewSet,
    "contracts": api.ContractViewSet,
    "milestones": api.MilestoneViewSet,
    "baselines": api.BaselineViewSet,
    "decisions": api.DecisionViewSet,
    "lessons": api.LessonViewSet,
    "engagement-events": api.EngagementEventViewSet,
    "confidence-assessments": api.ConfidenceAssessmentViewSet,
}

router = SimpleRouter(use_regex_path=False)
router.register("programmes", api.ProgrammeViewSet, basename="programme")
router.register("organisations", api.OrganisationViewSet, basename="organisation")
for segment, viewset in CHILDREN.items():
    router.register(f"programmes/<slug:programme_slug>/{segment}", viewset, basename=segment)
# A programme's members, for the council's administrators (programmes.members_api).
# Beside the milestones, the dates worked out from other dates (programmes.deadlines).
router.register("programmes/<slug:programme_slug>/milestones/derived", api.DerivedDeadlineViewSet,
                basename="derived-deadlines")
router.register("programmes/<slug:programme_slug>/members", members_api.MemberViewSet, basename="members")

urlpatterns = [
    # A Microsoft Project plan, imported as the upload page imports it (programmes.mspdi).
    path("programmes/<slug:programme_slug>/plan-imports/", plan_views.plan_imports, name="plan-imports"),
    *router.urls,
]
