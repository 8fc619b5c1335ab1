"""Pages of the finance app, under /programmes/<slug>/finance/."""
from django.urls import path

from finance import views

app_name = "finance"

urlpatterns = [
    path("", views.home, name="home"),
]
