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
    StrategicObjective,
)

for model in (BusinessCase, BusinessCaseVersion, StrategicObjective, CriticalSuccessFactor, Option, Criterion,
              MatrixCell, MatrixSettings, AppraisalLine):
    admin.site.register(model, SimpleHistoryAdmin)
