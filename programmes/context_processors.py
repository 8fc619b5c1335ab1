"""What the page frame (templates/base.html) needs from programmes on every page."""
from functools import cache

from django.http import HttpRequest

from programmes.access import programmes_for_user
from programmes.models import Organisation


def council(request: HttpRequest) -> dict:
    """The council whose name heads a page that belongs to no programme (a programme's own
    pages are headed by its lead organisation): the one council that leads every programme
    the user may see. Someone who sees programmes of several councils, or none, gets the
    service's name instead (`user_council` is None).

    `user_council` is a function, which the template calls only where it is shown, so the
    query runs on those pages alone, and once."""

    @cache
    def user_council() -> Organisation | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        leads = list(
            Organisation.objects.filter(led_programmes__in=programmes_for_user(user))
            .distinct().order_by("pk")[:2]
        )
        return leads[0] if len(leads) == 1 else None

    return {"user_council": user_council}
