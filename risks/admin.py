from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from risks.models import Issue, Risk, RiskAction, RiskAppetite, RiskSettings


@admin.register(Risk)
class RiskAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "title", "programme", "category", "status"]
    list_filter = ["programme", "category", "status"]


for model in (RiskAction, Issue, RiskSettings, RiskAppetite):
    admin.site.register(model, SimpleHistoryAdmin)
