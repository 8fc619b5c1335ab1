from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "risks"
    verbose_name = "Risks and issues"

    def ready(self) -> None:
        # Registers the overview panel, the demo risks, the scale step and the navigation
        # section with programmes, which cannot import this app.
        from core.uploads import upload_spec
        from programmes.council_lists import RISK_CATEGORY, list_used_by
        from programmes.navigation import nav_section
        from risks import demo, panels, scale  # noqa: F401
        from risks.imports import SPEC

        upload_spec(SPEC)
        # Where the council's risk categories are stored, so that one in use is not removed
        # (an appetite set for a category holds it too).
        list_used_by(RISK_CATEGORY, "risks.Risk", "category")
        list_used_by(RISK_CATEGORY, "risks.RiskAppetite", "category")
        nav_section("risks", "Risks", "risks:register", order=130)
        from programmes.reach import digest_section, duty_source
        from risks import duties

        duty_source("risks", duties.risk_duties)
        # What the search box finds of the register (core.search).
        from risks.search import search_declare

        search_declare()
        digest_section(40, duties.risks_moved)
