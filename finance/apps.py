from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = "Finance"

    def ready(self) -> None:
        # Registers the ledger upload kind with core.uploads, the ledger commit job with
        # core.jobs, and the overview panel and demo step with programmes, none of which
        # may import this app.
        from core.uploads import upload_spec
        from finance import demo, panels, services  # noqa: F401
        from finance.ledger import SPEC
        from programmes.council_lists import COST_TYPE, SAVINGS_CATEGORY, list_used_by
        from programmes.navigation import nav_section

        upload_spec(SPEC)
        # Where the council's savings categories are stored, so that one in use is not removed.
        list_used_by(SAVINGS_CATEGORY, "finance.SavingsLine", "category")
        list_used_by(SAVINGS_CATEGORY, "finance.RealisedSaving", "category")
        # And its cost types.
        list_used_by(COST_TYPE, "finance.BudgetLine", "cost_type")
        list_used_by(COST_TYPE, "finance.Forecast", "cost_type")
        list_used_by(COST_TYPE, "finance.AccountCode", "cost_type")
        nav_section("finance", "Finance", "finance:home", order=120)
