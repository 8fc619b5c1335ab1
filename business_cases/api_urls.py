"""API of the business case app, under /api/v1/programmes/<slug>/…"""
from django.urls import path
from rest_framework.routers import SimpleRouter

from business_cases import api

app_name = "business_cases_api"

CHILDREN = {
    "business-cases": api.BusinessCaseViewSet,
    "business-case-versions": api.VersionViewSet,
    "strategic-objectives": api.ObjectiveViewSet,
    "critical-success-factors": api.CsfViewSet,
    "options": api.OptionViewSet,
    "appraisal-criteria": api.CriterionViewSet,
    "matrix-cells": api.MatrixCellViewSet,
    "appraisal-lines": api.AppraisalLineViewSet,
    "cabinet-papers": api.CabinetPaperViewSet,
    "equality-assessments": api.EqualityAssessmentViewSet,
    "equality-impacts": api.EqualityImpactViewSet,
    "equality-mitigations": api.EqualityMitigationViewSet,
    "highlight-reports": api.HighlightReportViewSet,
}

router = SimpleRouter(use_regex_path=False)
for segment, viewset in CHILDREN.items():
    router.register(f"programmes/<slug:programme_slug>/{segment}", viewset, basename=segment)

urlpatterns = router.urls + [
    path("programmes/<slug:programme_slug>/business-case-versions/<int:pk>/submit/",
         api.VersionSubmitView.as_view(), name="business-case-version-submit"),
    path("programmes/<slug:programme_slug>/business-case-versions/<int:pk>/decide/",
         api.VersionDecideView.as_view(), name="business-case-version-decide"),
    path("programmes/<slug:programme_slug>/options-ranking/", api.RankingView.as_view(), name="options-ranking"),
    path("programmes/<slug:programme_slug>/economic-appraisal/", api.AppraisalView.as_view(),
         name="economic-appraisal"),
    path("programmes/<slug:programme_slug>/highlight-reports/<int:pk>/generate/",
         api.HighlightGenerateView.as_view(), name="highlight-report-generate"),
    path("programmes/<slug:programme_slug>/highlight-reports/<int:pk>/jobs/<uuid:job_uuid>/",
         api.HighlightJobView.as_view(), name="highlight-report-job"),
    path("programmes/<slug:programme_slug>/cabinet-papers/<int:pk>/generate/", api.PaperGenerateView.as_view(),
         name="cabinet-paper-generate"),
    path("programmes/<slug:programme_slug>/cabinet-papers/<int:pk>/versions/<int:number>/final/",
         api.PaperFinalView.as_view(), name="cabinet-paper-final"),
    path("programmes/<slug:programme_slug>/cabinet-papers/<int:pk>/compare/", api.PaperCompareView.as_view(),
         name="cabinet-paper-compare"),
    path("programmes/<slug:programme_slug>/cabinet-papers/<int:pk>/jobs/<uuid:job_uuid>/", api.PaperJobView.as_view(),
         name="cabinet-paper-job"),
    path("programmes/<slug:programme_slug>/cabinet-papers/<int:pk>/jobs/<uuid:job_uuid>/retry/",
         api.PaperJobRetryView.as_view(), name="cabinet-paper-job-retry"),
]
