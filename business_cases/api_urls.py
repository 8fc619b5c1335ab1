"""API of the business case app, under /api/v1/programmes/<slug>/…"""
app_name = "business_cases_api"

urlpatterns: list = []
