"""Pages of the business case app, under /programmes/<slug>/business-cases/."""
from django.urls import path

from business_cases import views

app_name = "business_cases"

urlpatterns = [
    path("", views.home, name="home"),
]
