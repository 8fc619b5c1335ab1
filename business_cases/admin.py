from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from business_cases.models import (
    AppraisalLine,
    BusinessCase,
    BusinessCaseVersion,
    Criterion,
    CriticalSuccessFactor,
    MatrixCell,
    MatrixSettings,
    Option,
    PaperVersion,
    StrategicObjective,
)
from core.admin import SettledRecordAdmin, loaded_from_a_file

for model in (BusinessCase, StrategicObjective, CriticalSuccessFactor, Option, Criterion,
              MatrixCell, MatrixSettings):
    admin.site.register(model, SimpleHistoryAdmin)


@admin.register(BusinessCaseVersion)
class BusinessCaseVersionAdmin(SettledRecordAdmin):
    def is_settled(self, obj) -> bool:
        # A superseded version that was approved is still the record of that decision.
        return obj.status == BusinessCaseVersion.Status.APPROVED or obj.was_approved


@admin.register(AppraisalLine)
class AppraisalLineAdmin(SettledRecordAdmin):
    def is_settled(self, obj) -> bool:
        return loaded_from_a_file(obj)


@admin.register(PaperVersion)
class PaperVersionAdmin(SettledRecordAdmin):
    list_display = ["paper", "number", "made_by", "made_at", "pages", "exempt"]

    def is_settled(self, obj) -> bool:
        return True  # every version is what a job generated and people may have read

    def has_add_permission(self, request):
        return False
