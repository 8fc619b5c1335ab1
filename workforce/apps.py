from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "workforce"
    verbose_name = "Workforce"

    def ready(self) -> None:
        # Registers the upload kinds, the overview panel and the demo step with core and
        # programmes, which cannot import this app.
        from core.uploads import upload_spec
        from workforce import demo, panels  # noqa: F401
        from workforce.imports import READINESS_SPEC, ROSTER_SPEC

        upload_spec(ROSTER_SPEC)
        upload_spec(READINESS_SPEC)
