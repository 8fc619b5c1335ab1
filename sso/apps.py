from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "sso"
    verbose_name = "Sign-in with a council's own accounts"

    def ready(self) -> None:
        # The council area's navigation carries the sign-in settings page for its administrators.
        from programmes.navigation import council_nav_section

        council_nav_section("sign_in", "Sign-in", "sso:settings", order=40)
