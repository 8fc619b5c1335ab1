from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Programmes"

    def ready(self) -> None:
        # Registers the plan PDF job handler with core's job runner.
        from programmes import exports  # noqa: F401
