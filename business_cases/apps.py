from django.apps import AppConfig


class BusinessCasesConfig(AppConfig):
    name = "business_cases"
    verbose_name = "Business cases"

    def ready(self) -> None:
        # Registers the demo business cases, the scale step and the appraisal-line upload
        # with programmes and core, which cannot import this app.
        # papers registers the Cabinet paper job with core.jobs (a worker loads no URLs).
        from business_cases import case_document, demo, highlight, papers, scale  # noqa: F401
        from business_cases.imports import SPEC
        from core.uploads import upload_spec
        from programmes.navigation import council_nav_section, nav_section

        upload_spec(SPEC)
        from business_cases import duties
        from programmes.reach import duty_source

        duty_source("business_cases", duties.decision_duties)
        # What the search box finds of the business case (core.search).
        from business_cases.search import search_declare

        search_declare()
        nav_section("business_cases", "Business case", "business_cases:home", order=90)
        nav_section("equality", "Equality", "business_cases:equality", order=95)
        nav_section("papers", "Cabinet papers", "business_cases:papers", order=100)
        nav_section("highlights", "Highlight reports", "business_cases:highlights", order=105)
        council_nav_section("paper_template", "Paper template", "paper_templates:home", order=45)
