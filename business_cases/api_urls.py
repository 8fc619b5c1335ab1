"""API of the business case app, under /api/v1/programmes/<slug>/…"""
from django.urls import path

from business_cases import api

app_name = "business_cases_api"

LIST = {"get": "list", "post": "create"}
DETAIL = {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}

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
}

urlpatterns = []
for segment, viewset in CHILDREN.items():
    urlpatterns += [
        path(f"programmes/<slug:programme_slug>/{segment}/", viewset.as_view(LIST), name=f"{segment}-list"),
        path(f"programmes/<slug:programme_slug>/{segment}/<int:pk>/", viewset.as_view(DETAIL),
             name=f"{segment}-detail"),
    ]
urlpatterns += [
    path("programmes/<slug:programme_slug>/business-case-versions/<int:pk>/submit/",
         api.VersionSubmitView.as_view(), name="business-case-version-submit"),
    path("programmes/<slug:programme_slug>/business-case-versions/<int:pk>/decide/",
         api.VersionDecideView.as_view(), name="business-case-version-decide"),
    path("programmes/<slug:programme_slug>/options-ranking/", api.RankingView.as_view(), name="options-ranking"),
    path("programmes/<slug:programme_slug>/economic-appraisal/", api.AppraisalView.as_view(),
         name="economic-appraisal"),
    path("programmes/<slug:programme_slug>/cabinet-papers/<int:pk>/generate/", api.PaperGenerateView.as_view(),
         name="cabinet-paper-generate"),
    path("programmes/<slug:programme_slug>/cabinet-papers/<int:pk>/jobs/<uuid:job_uuid>/", api.PaperJobView.as_view(),
         name="cabinet-paper-job"),
    path("programmes/<slug:programme_slug>/cabinet-papers/<int:pk>/jobs/<uuid:job_uuid>/retry/",
         api.PaperJobRetryView.as_view(), name="cabinet-paper-job-retry"),
]
