"""API of the finance app, under /api/v1/programmes/<slug>/finance/…"""
from django.urls import path

from finance import api

app_name = "finance_api"

LIST = {"get": "list", "post": "create"}
DETAIL = {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
BASE = "programmes/<slug:programme_slug>/finance"

urlpatterns = [
    path(f"{BASE}/report/", api.ReportView.as_view(), name="report"),
    path(f"{BASE}/ledger-uploads/", api.ledger_uploads, name="ledger-uploads"),
    path(f"{BASE}/ledger-uploads/<int:pk>/rollback/", api.ledger_upload_rollback, name="ledger-upload-rollback"),
    path(f"{BASE}/ledger-transactions/", api.LedgerTransactionViewSet.as_view({"get": "list"}),
         name="ledger-transactions-list"),
]
for segment, viewset in api.VIEWSETS.items():
    urlpatterns += [
        path(f"{BASE}/{segment}/", viewset.as_view(LIST), name=f"{segment}-list"),
        path(f"{BASE}/{segment}/<int:pk>/", viewset.as_view(DETAIL), name=f"{segment}-detail"),
    ]
