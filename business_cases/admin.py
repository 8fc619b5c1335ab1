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
from business_cases.services import stage_delete, stage_delete_refusal, version_delete, version_delete_refusal
from core.admin import ServiceDeleteAdmin, SettledRecordAdmin, loaded_from_a_file

for model in (StrategicObjective, CriticalSuccessFactor, Option, Criterion,
              MatrixCell, MatrixSettings):
    admin.site.register(model, SimpleHistoryAdmin)


@admin.register(BusinessCase)
class BusinessCaseAdmin(ServiceDeleteAdmin):
    def delete_refusal(self, obj) -> str:
        return stage_delete_refusal(obj)

    def delete_record(self, obj, *, user, reason: str) -> None:
        stage_delete(case=obj, user=user, reason=reason)


@admin.register(BusinessCaseVersion)
class BusinessCaseVersionAdmin(ServiceDeleteAdmin, SettledRecordAdmin):
    def is_settled(self, obj) -> bool:
        # A superseded version that was approved is still the record of that decision.
        return obj.status == BusinessCaseVersion.Status.APPROVED or obj.was_approved

    def delete_refusal(self, obj) -> str:
        return version_delete_refusal(obj)

    def delete_record(self, obj, *, user, reason: str) -> None:
        version_delete(version=obj, user=user, reason=reason)


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
