"""Pages of the finance app, under /programmes/<slug>/finance/."""
from django.urls import path

from finance import views
from finance.resources import RESOURCES

UPLOADS = views.UPLOADS.views()

app_name = "finance"

urlpatterns = [
    path("", views.home, name="home"),
    path("finance.xlsx", views.export, name="export"),
    path("budget/", views.budget, name="budget"),
    path("budget/from-figure/", views.budget_line_from_figure_view, name="budget_line_from_figure"),
    path("codes/", views.codes, name="codes"),
    path("benefits/", views.benefits, name="benefits"),
    path("kpis/", views.kpis, name="kpis"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/upload/", UPLOADS["receive"], name="ledger_upload"),
    path("ledger/upload/<int:upload_pk>/", UPLOADS["preview"], name="ledger_preview"),
    path("ledger/upload/<int:upload_pk>/mapping/", UPLOADS["mapping"], name="ledger_mapping"),
    path("ledger/upload/<int:upload_pk>/commit/", views.ledger_commit_view, name="ledger_commit"),
    path("ledger/jobs/<uuid:job_uuid>/", views.ledger_job, name="ledger_job"),
    path("ledger/jobs/<uuid:job_uuid>/retry/", views.ledger_job_retry, name="ledger_job_retry"),
    path("ledger/uploads/<int:upload_pk>/", UPLOADS["rollback"], name="ledger_rollback"),
    path("ledger/upload/<int:upload_pk>/discard/", UPLOADS["discard"], name="ledger_discard"),
    path("ledger/upload/<int:upload_pk>/errors.xlsx", UPLOADS["errors"], name="ledger_errors"),
    path("ledger/template.xlsx", UPLOADS["template"], name="ledger_template"),
]

for key, record in RESOURCES.items():
    urlpatterns += record.urls(f"{key}/", steps=("create", "edit", "delete"))
