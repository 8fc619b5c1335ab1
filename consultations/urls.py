"""Pages of the consultations app, under /programmes/<slug>/consultations/."""
from django.urls import path

from consultations import views
from consultations.resources import RESOURCES

app_name = "consultations"

urlpatterns = [
    path("", views.home, name="home"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("public/<int:pk>/", views.public_detail, name="public_detail"),
]

for key, record in RESOURCES.items():
    urlpatterns += record.urls(f"{key}/", steps=("create", "edit", "delete", "history"))
