from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "workforce"
    verbose_name = "Workforce"

    def ready(self) -> None:
        # Registers the upload kinds, the overview panel, the demo step, the offered figures and the navigation
        # section with core and programmes, which cannot import this app.
        from django.db.models.signals import post_save

        from core.figures import offer_figure
        from core.uploads import upload_spec
        from programmes.deadlines import deadline_source
        from programmes.models import Programme
        from programmes.navigation import nav_section
        from programmes.personal_data import personal_data_logger
        from programmes.reach import duty_source
        from workforce import demo, duties, panels  # noqa: F401 (demo and panels register themselves)
        from workforce.deadlines import collective_redundancy_deadlines
        from workforce.figures import FIGURES
        from workforce.imports import READINESS_SPEC, ROSTER_SPEC
        from workforce.services import personal_data_viewed, programme_created

        # The one log of looks at personal data, for the apps that cannot import this one.
        personal_data_logger(personal_data_viewed)
        # Every new programme starts with the default day-one checks.
        post_save.connect(programme_created, sender=Programme, dispatch_uid="workforce-readiness-defaults")
        # The day-one checks each responsible member is to see done (My actions, reminders).
        duty_source("readiness", duties.readiness_duties)
        upload_spec(ROSTER_SPEC)
        upload_spec(READINESS_SPEC)
        # A restructure's collective-redundancy dates, among the programme's derived deadlines.
        deadline_source("collective-redundancy", collective_redundancy_deadlines)
        # The pension cost, for finance to carry into the budget (core.figures).
        for figure in FIGURES:
            offer_figure(figure)
        # The team summary, which every member may see (its people pages are HR's only),
        # where staff transfer at all.
        nav_section("workforce", "Workforce", "workforce:summary", order=110, requires="has_staff_transfer")
