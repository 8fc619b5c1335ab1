"""Pages of the workforce app, under /programmes/<slug>/workforce/."""
from django.urls import path

from workforce import views

app_name = "workforce"

urlpatterns = [
    path("", views.summary, name="summary"),
]
