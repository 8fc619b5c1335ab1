from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

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


for model in (models.Workstream, models.Milestone, models.Decision, models.Lesson,
              models.EngagementEvent, models.ConfidenceAssessment, models.Membership):
    admin.site.register(model, SimpleHistoryAdmin)
