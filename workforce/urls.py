"""Pages of the workforce app, under /programmes/<slug>/workforce/."""
from django.urls import path

from workforce import views

app_name = "workforce"
# The shared upload pages (programmes.upload_pages), a roster's or a readiness sheet's by
# the URL's kind.
UPLOADS = views.UPLOAD_VIEWS

urlpatterns = [
    path("", views.summary, name="summary"),
    path("breakdowns/", views.breakdowns, name="breakdowns"),
    path("versions/", views.versions, name="versions"),
    path("versions/<int:version>/people/", views.people, name="people"),
    path("versions/<int:version>/people.xlsx", views.people_export, name="people_export"),
    path("difference/", views.difference, name="difference"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/readiness/", views.readiness_edit, name="readiness_edit"),
    path("readiness/", views.readiness, name="readiness"),
    path("pensions/", views.pensions, name="pensions"),
    path("restructures/", views.restructures, name="restructures"),
    path("restructures/new/", views.establishment_create, name="establishment_create"),
    path("restructures/<int:pk>/", views.establishment, name="establishment"),
    path("restructures/<int:pk>/edit/", views.establishment_edit, name="establishment_edit"),
    path("workforce.xlsx", views.export, name="export"),
    path("eli-template.xlsx", views.template, name="template"),
    path("upload/<str:kind>/", UPLOADS["receive"], name="upload"),
    path("upload/<str:kind>/<int:upload_pk>/", UPLOADS["preview"], name="upload_preview"),
    path("upload/<str:kind>/<int:upload_pk>/mapping/", UPLOADS["mapping"], name="upload_mapping"),
    path("upload/<str:kind>/<int:upload_pk>/teams/", views.upload_teams, name="upload_teams"),
    path("upload/<str:kind>/<int:upload_pk>/commit/", UPLOADS["commit"], name="upload_commit"),
    path("upload/<str:kind>/<int:upload_pk>/discard/", UPLOADS["discard"], name="upload_discard"),
    path("upload/<str:kind>/<int:upload_pk>/errors.xlsx", UPLOADS["errors"], name="upload_errors"),
    path("upload/<str:kind>/template.xlsx", UPLOADS["template"], name="upload_template"),
    path("uploads/", views.uploads, name="uploads"),
    path("uploads/<int:upload_pk>/", views.upload_rollback, name="upload_rollback"),
    path("settings/", views.settings, name="settings"),
    path("teams/new/", views.team_create, name="team_create"),
    path("pay-scales/new/", views.pay_scale_create, name="pay_scale_create"),
    path("access-log/", views.access_log, name="access_log"),
    *views.READINESS_ITEMS.urls("readiness/checks/", steps=("create", "edit", "delete", "history")),
    *views.PENSION_RATES.urls("pensions/rates/", steps=("create", "edit", "delete", "history")),
]
