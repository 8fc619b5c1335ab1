from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import SettledRecordAdmin, loaded_from_a_file
from risks.models import Issue, Risk, RiskAction, RiskAppetite, RiskSettings


@admin.register(Risk)
class RiskAdmin(SettledRecordAdmin):
    list_display = ["reference", "title", "programme", "category", "status"]
    list_filter = ["programme", "category", "status"]

    def is_settled(self, obj) -> bool:
        # A risk loaded from a register file leaves with its upload (rolled back as one);
        # edited one by one, it goes through the register's own pages.
        return loaded_from_a_file(obj)


for model in (RiskAction, Issue, RiskSettings, RiskAppetite):
    admin.site.register(model, SimpleHistoryAdmin)
