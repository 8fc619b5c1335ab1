from django.urls import path

from programmes import council_views, views
from programmes.resources import RESOURCES

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("programmes/new/", views.programme_create, name="create"),
    path("programmes/<slug:slug>/", views.programme_overview, name="overview"),
    path("programmes/<slug:slug>/edit/", views.programme_edit, name="edit"),
    path("programmes/<slug:slug>/history/", views.programme_history, name="history"),
    path("programmes/<slug:slug>/milestones/", views.milestone_tracker, name="tracker"),
    path("programmes/<slug:slug>/milestones/new/", views.milestone_edit, name="milestone_create"),
    path("programmes/<slug:slug>/milestones/<int:pk>/", views.milestone_detail,
         name="milestone_detail"),
    path("programmes/<slug:slug>/milestones/<int:pk>/edit/", views.milestone_edit,
         name="milestone_edit"),
    path("programmes/<slug:slug>/milestones/<int:pk>/status/", views.milestone_status,
         name="milestone_status"),
    path("programmes/<slug:slug>/milestones/<int:pk>/delete/", views.milestone_delete,
         name="milestone_delete"),
    path("programmes/<slug:slug>/exports/", views.exports_page, name="exports"),
    path("programmes/<slug:slug>/exports/plan.xlsx", views.plan_xlsx, name="plan_xlsx"),
    path("programmes/<slug:slug>/exports/plan-pdf/", views.plan_pdf_request, name="plan_pdf"),
    path("programmes/<slug:slug>/exports/plan-pdf/<uuid:job_uuid>/", views.plan_pdf_job,
         name="plan_pdf_job"),
    path("programmes/<slug:slug>/exports/plan-pdf/<uuid:job_uuid>/retry/", views.plan_pdf_retry,
         name="plan_pdf_retry"),
    path("programmes/<slug:slug>/exports/plan-pdf/<uuid:job_uuid>/download/",
         views.plan_pdf_download, name="plan_pdf_download"),
    path("programmes/<slug:slug>/exports/calendar/", views.calendar_token,
         name="calendar_token"),
    path("councils/<int:organisation_id>/lists/", views.council_lists, name="council_lists"),
    path("councils/<int:organisation_id>/lists/<slug:key>/<slug:value>/", views.council_list_value,
         name="council_list_value"),
    path("councils/<int:organisation_id>/lists/<slug:key>/<slug:value>/remove/", views.council_list_value_delete,
         name="council_list_value_delete"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    # The council area and a programme's members (programmes.council_views).
    path("councils/", council_views.council_list, name="council_list"),
    path("councils/<int:organisation_id>/", council_views.council_home, name="council_home"),
    path("councils/<int:organisation_id>/programmes/new/", council_views.council_programme_create,
         name="council_programme_create"),
    path("councils/<int:organisation_id>/organisations/", council_views.council_organisations,
         name="council_organisations"),
    path("councils/<int:organisation_id>/access/", council_views.council_access_page,
         name="council_access"),
    path("councils/<int:organisation_id>/administrators/", council_views.council_administrators,
         name="council_administrators"),
    path("councils/<int:organisation_id>/administrators/<int:pk>/remove/",
         council_views.council_administrator_remove, name="council_administrator_remove"),
    path("councils/<int:organisation_id>/log/", council_views.council_log, name="council_log"),
    path("programmes/<slug:slug>/members/", council_views.members, name="members"),
    path("programmes/<slug:slug>/members/add/", council_views.member_add_view, name="member_add"),
    path("programmes/<slug:slug>/members/invite/", council_views.member_invite, name="member_invite"),
    path("programmes/<slug:slug>/members/<int:pk>/role/", council_views.member_role, name="member_role"),
    path("programmes/<slug:slug>/members/<int:pk>/remove/", council_views.member_remove_view,
         name="member_remove"),
    path("programmes/<slug:slug>/invitations/<int:pk>/resend/", council_views.invitation_resend_view,
         name="invitation_resend"),
    path("programmes/<slug:slug>/invitations/<int:pk>/revoke/", council_views.invitation_revoke_view,
         name="invitation_revoke"),
    path("invitations/<str:token>/", council_views.invitation_accept_view, name="invitation_accept"),
]

for key, record in RESOURCES.items():
    urlpatterns += record.urls(f"programmes/<slug:slug>/{key}/")
