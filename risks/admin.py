from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import SettledRecordAdmin, loaded_from_a_file
from risks.models import Issue, Risk, RiskAction, RiskAppetite, RiskSettings
from risks.selectors import category_label


@admin.register(Risk)
class RiskAdmin(SettledRecordAdmin):
    list_display = ["reference", "title", "programme", "category_shown", "status"]
    list_filter = ["programme", "category", "status"]

    def get_queryset(self, request):
        # Each risk's category as its own council's list labels it, in the list's one query.
        return super().get_queryset(request).annotate(category_label=category_label())

    @admin.display(description="Category", ordering="category")
    def category_shown(self, obj) -> str:
        return obj.get_category_display()

    def is_settled(self, obj) -> bool:
        # A risk loaded from a register file leaves with its upload (rolled back as one);
        # edited one by one, it goes through the register's own pages.
        return loaded_from_a_file(obj)


for model in (RiskAction, Issue, RiskSettings, RiskAppetite):
    admin.site.register(model, SimpleHistoryAdmin)
