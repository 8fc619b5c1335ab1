"""API of the finance app, under /api/v1/programmes/<slug>/finance/…"""
from django.urls import path
from rest_framework.routers import SimpleRouter

from finance import api

app_name = "finance_api"

BASE = "programmes/<slug:programme_slug>/finance"

urlpatterns = [
    path(f"{BASE}/report/", api.ReportView.as_view(), name="report"),
    path(f"{BASE}/ledger-uploads/", api.ledger_uploads, name="ledger-uploads"),
    path(f"{BASE}/ledger-uploads/<int:pk>/rollback/", api.ledger_upload_rollback, name="ledger-upload-rollback"),
    path(f"{BASE}/ledger-transactions/", api.LedgerTransactionViewSet.as_view({"get": "list"}),
         name="ledger-transactions-list"),
]

router = SimpleRouter(use_regex_path=False)
for segment, viewset in api.VIEWSETS.items():
    router.register(f"{BASE}/{segment}", viewset, basename=segment)
urlpatterns += router.urls
