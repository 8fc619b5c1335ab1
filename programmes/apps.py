from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Programmes"

    def ready(self) -> None:
        # exports registers the plan PDF job handler with core's job runner; duties, what
        # members owe (My actions, the reminders): the plan's dates and the deadlines.
        from core.uploads import upload_spec
        from programmes import duties, exports  # noqa: F401
        from programmes.council_lists import ENGAGEMENT_KIND, list_used_by
        from programmes.mspdi import PLAN_SPEC
        from programmes.navigation import council_nav_section, nav_section
        from programmes.reach import digest_section, duty_source
        from programmes.search import search_declare

        # What the search box finds of the programme's own records (core.search).
        search_declare()
        # Plans from Microsoft Project, through the one upload pipeline.
        upload_spec(PLAN_SPEC)
        duty_source("milestones", duties.milestone_duties)
        duty_source("deadlines", duties.deadline_duties)
        digest_section(10, duties.plan_changes)
        digest_section(20, duties.plan_late_and_due)
        digest_section(30, duties.deadlines_near)

        # Where the council's engagement kinds are stored, so that one in use is not removed.
        list_used_by(ENGAGEMENT_KIND, "programmes.EngagementEvent", "kind")

        # The programme's own sections; the apps built on it declare theirs between
        # services (80) and exports (200).
        nav_section("overview", "Overview", "programmes:overview", order=10)
        nav_section("milestones", "Milestones", "programmes:tracker", order=20)
        nav_section("decisions", "Decisions", "programmes:decisions_list", order=30)
        nav_section("lessons", "Lessons", "programmes:lessons_list", order=40)
        nav_section("engagement", "Engagement", "programmes:engagement_list", order=50)
        nav_section("confidence", "Confidence", "programmes:confidence_list", order=60)
        nav_section("workstreams", "Workstreams", "programmes:workstreams_list", order=70)
        nav_section("services", "Services", "programmes:services_list", order=80)
        nav_section("contract", "Contracts", "programmes:contract_list", order=85)
        nav_section("exports", "Exports", "programmes:exports", order=200)
        # The council area (programmes.council_views); other apps add theirs between.
        council_nav_section("programmes", "Programmes", "programmes:council_home", order=10)
        council_nav_section("access", "Who has access", "programmes:council_access", order=20)
        council_nav_section("organisations", "Organisations", "programmes:council_organisations", order=25)
        council_nav_section("administrators", "Administrators", "programmes:council_administrators",
                            order=30)
        council_nav_section("log", "Access log", "programmes:council_log", order=90)
