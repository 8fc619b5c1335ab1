from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "sso"
    verbose_name = "Sign-in with a council's own accounts"

    def ready(self) -> None:
        # The council area's navigation carries the sign-in settings page for its administrators.
        from programmes.navigation import council_nav_section, council_sign_in

        council_nav_section("sign_in", "Sign-in", "sso:settings", order=40)
        # An invitation's page offers "sign in with the council's account" through this.
        council_sign_in(sign_in_url)


def sign_in_url(council, next_url: str) -> str:
    """Where a person signs in with `council`'s own accounts and comes back to `next_url`, or
    "" while the council offers no such sign-in."""
    from urllib.parse import urlencode

    from django.urls import reverse

    from sso.selectors import enabled_sign_in

    if enabled_sign_in(council.pk) is None:
        return ""
    return (reverse("sso:login", kwargs={"organisation_id": council.pk})
            + "?" + urlencode({"next": next_url}))
