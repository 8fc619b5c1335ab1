from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import SettledRecordAdmin
from core.models import Upload
from programmes import models


class MembershipInline(admin.TabularInline):
    model = models.Membership
    extra = 1
    exclude = ["calendar_token_hash", "calendar_token_expires_at", "calendar_token_last_used_at"]
    autocomplete_fields = ["user"]


class ServiceInline(admin.TabularInline):
    model = models.ServiceInScope
    extra = 0


@admin.register(models.Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "lead_organisation", "transfer_date", "status"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline, ServiceInline]
    filter_horizontal = ["partners"]


@admin.register(models.Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind"]
    search_fields = ["name"]


@admin.register(models.CouncilAdministrator)
class CouncilAdministratorAdmin(SimpleHistoryAdmin):
    # Users are found by username and email as well as name: two people may share a name.
    list_display = ["user", "organisation"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name",
                     "organisation__name"]
    autocomplete_fields = ["user"]


@admin.register(models.Milestone)
class MilestoneAdmin(SettledRecordAdmin):
    list_display = ["title", "programme", "kind", "forecast_date", "status"]
    list_filter = ["programme", "kind", "status"]

    def is_settled(self, obj) -> bool:
        # A milestone a plan import added leaves with its upload (rolled back as one);
        # otherwise it is edited on the plan's own pages.
        return obj.import_upload_id is not None and obj.import_upload.status == Upload.Status.COMMITTED


for model in (models.Workstream, models.Decision, models.Lesson,
              models.EngagementEvent, models.ConfidenceAssessment, models.Membership):
    admin.site.register(model, SimpleHistoryAdmin)
