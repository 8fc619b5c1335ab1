"""API of the workforce app, under /api/v1/programmes/<slug>/…"""
app_name = "workforce_api"

urlpatterns: list = []
