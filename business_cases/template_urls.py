"""The council's paper template, under /councils/<id>/paper-template/ (the council area)."""
from django.urls import path

from business_cases import template_views

app_name = "paper_templates"

urlpatterns = [
    path("", template_views.template_home, name="home"),
    path("sections/", template_views.template_sections_edit, name="sections"),
    path("front-sheet/", template_views.template_front_edit, name="front"),
    path("v<int:number>/", template_views.template_home, name="version"),
    path("v<int:number>/logo/", template_views.template_logo, name="logo"),
]
