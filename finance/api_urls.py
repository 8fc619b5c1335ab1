"""API of the finance app, under /api/v1/programmes/<slug>/…"""
app_name = "finance_api"

urlpatterns: list = []
