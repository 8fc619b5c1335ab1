"""Pages of the business case app, under /programmes/<slug>/business-case/."""
from django.urls import path

from business_cases import paper_views, views

UPLOADS = views.UPLOADS.views()

app_name = "business_cases"

urlpatterns = [
    path("", views.home, name="home"),
    *views.OBJECTIVES.urls("objectives/", steps=("create", "edit")),
    *views.CSFS.urls("csfs/", steps=("create", "edit")),
    path("matrix/", views.matrix, name="matrix"),
    path("matrix.xlsx", views.matrix_export, name="matrix_export"),
    path("matrix/scoring/", views.matrix_settings, name="matrix_settings"),
    *views.OPTIONS.urls("options/", steps=("create", "edit")),
    path("options/<int:pk>/scores/", views.option_cells, name="option_cells"),
    *views.CRITERIA.urls("criteria/", steps=("create", "edit")),
    path("appraisal/", views.appraisal, name="appraisal"),
    *views.LINES.urls("appraisal/lines/", steps=("create", "edit", "delete")),
    path("appraisal/import/", UPLOADS["receive"], name="import"),
    path("appraisal/import/<int:upload_pk>/", UPLOADS["preview"], name="import_preview"),
    path("appraisal/import/<int:upload_pk>/mapping/", UPLOADS["mapping"], name="import_mapping"),
    path("appraisal/import/<int:upload_pk>/commit/", UPLOADS["commit"], name="import_commit"),
    path("appraisal/uploads/", UPLOADS["uploads"], name="uploads"),
    path("appraisal/uploads/<int:upload_pk>/", UPLOADS["rollback"], name="upload_rollback"),
    path("appraisal/import/<int:upload_pk>/discard/", UPLOADS["discard"], name="import_discard"),
    path("appraisal/import/<int:upload_pk>/errors.xlsx", UPLOADS["errors"], name="import_errors"),
    path("appraisal/import/template.xlsx", UPLOADS["template"], name="import_template"),
    path("papers/", paper_views.paper_list, name="papers"),
    path("papers/new/", paper_views.paper_edit, name="paper_create"),
    path("papers/<int:pk>/", paper_views.paper_detail, name="paper"),
    path("papers/<int:pk>/edit/", paper_views.paper_edit, name="paper_edit"),
    path("papers/<int:pk>/history/", paper_views.paper_history, name="paper_history"),
    path("papers/<int:pk>/preview/", paper_views.paper_preview, name="paper_preview"),
    path("papers/<int:pk>/generate/", paper_views.paper_generate_view, name="paper_generate"),
    path("papers/<int:pk>/jobs/<uuid:job_uuid>/", paper_views.paper_job, name="paper_job"),
    path("papers/<int:pk>/jobs/<uuid:job_uuid>/retry/", paper_views.paper_job_retry, name="paper_job_retry"),
    path("papers/<int:pk>/v<int:number>/<str:fmt>/", paper_views.paper_download, name="paper_download"),
    path("equality/", views.equality, name="equality"),
    path("equality/<int:pk>/", views.equality_assessment, name="eia"),
    *views.EIAS.urls("equality/", steps=("create", "edit", "delete", "history")),
    *views.EIA_IMPACTS.urls("equality/lines/", steps=("create", "edit", "delete", "history")),
    *views.EIA_MITIGATIONS.urls("equality/mitigations/", steps=("create", "edit", "delete", "history")),
    path("<str:stage>/", views.stage, name="stage"),
    path("<str:stage>/new-version/", views.version_create, name="version_create"),
    path("<str:stage>/compare/", views.compare, name="compare"),
    path("<str:stage>/v<int:number>/", views.version_detail, name="version"),
    path("<str:stage>/v<int:number>/edit/", views.version_edit, name="version_edit"),
    path("<str:stage>/v<int:number>/submit/", views.version_submit, name="version_submit"),
    path("<str:stage>/v<int:number>/decide/", views.version_decide, name="version_decide"),
]
