from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "risks"
    verbose_name = "Risks and issues"

    def ready(self) -> None:
        # Registers the overview panel, the demo risks, the scale step and the navigation
        # section with programmes, which cannot import this app.
        from core.uploads import upload_spec
        from programmes.navigation import nav_section
        from risks import demo, panels, scale  # noqa: F401
        from risks.imports import SPEC

        upload_spec(SPEC)
        nav_section("risks", "Risks", "risks:register", order=130)
