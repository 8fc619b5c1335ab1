from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "Consultations"

    def ready(self) -> None:
        # Registers the navigation section and the demo consultations with programmes,
        # which cannot import this app.
        from consultations import demo  # noqa: F401
        from programmes.navigation import nav_section

        nav_section("consultations", "Consultations", "consultations:home", order=55)
