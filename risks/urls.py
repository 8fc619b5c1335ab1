"""Pages of the risk register, under /programmes/<slug>/risks/."""
from django.urls import path

from risks import views

UPLOADS = views.UPLOADS.views()

app_name = "risks"

urlpatterns = [
    path("", views.risk_register, name="register"),
    path("heat-map/", views.risk_heatmap, name="heatmap"),
    path("register.xlsx", views.risk_export, name="export"),
    path("new/", views.risk_edit, name="create"),
    path("import/", UPLOADS["receive"], name="import"),
    path("import/<int:upload_pk>/", UPLOADS["preview"], name="import_preview"),
    path("import/<int:upload_pk>/mapping/", UPLOADS["mapping"], name="import_mapping"),
    path("import/<int:upload_pk>/commit/", UPLOADS["commit"], name="import_commit"),
    path("uploads/", UPLOADS["uploads"], name="uploads"),
    path("uploads/<int:upload_pk>/", UPLOADS["rollback"], name="upload_rollback"),
    path("import/<int:upload_pk>/discard/", UPLOADS["discard"], name="import_discard"),
    path("import/<int:upload_pk>/errors.xlsx", UPLOADS["errors"], name="import_errors"),
    path("import/template.xlsx", UPLOADS["template"], name="import_template"),
    path("settings/", views.risk_settings, name="settings"),
    path("issues/", views.issue_list, name="issues"),
    path("issues/new/", views.issue_edit, name="issue_create"),
    path("issues/<int:pk>/edit/", views.issue_edit, name="issue_edit"),
    path("<int:pk>/", views.risk_detail, name="detail"),
    path("<int:pk>/edit/", views.risk_edit, name="edit"),
    path("<int:pk>/actions/new/", views.action_edit, name="action_create"),
    path("<int:pk>/actions/<int:action_pk>/edit/", views.action_edit, name="action_edit"),
]
