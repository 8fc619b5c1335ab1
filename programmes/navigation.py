"""The programme's sections: the links in the service navigation of every programme page.

Programmes knows nothing of the apps built on it, so it cannot list their pages. Each app
(programmes too) declares its own sections in its AppConfig.ready with `nav_section`: a key
(what a page passes as `active` to be marked current), the label, the URL name (reversed
with the programme's slug), the place in the order, and the capability a member needs to
see it (None: every member). Rendering stays in templates/base.html.
"""
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from core.roles import Capability


@dataclass(frozen=True)
class NavSection:
    key: str
    label: str
    url_name: str
    order: int
    capability: Capability | None = None
    # The name of a Programme property that must be true for the section to show, as
    # "has_staff_transfer" for the TUPE pages ("": every programme).
    requires: str = ""


_sections: dict[str, NavSection] = {}


def nav_section(key: str, label: str, url_name: str, *, order: int,
                capability: Capability | None = None, requires: str = "") -> NavSection:
    """Declare a section of the programme's navigation. Declaring the same section again
    (a module imported twice) is harmless; a different section under a key already taken,
    or at an order already taken, is a mistake and refused."""
    section = NavSection(key, label, url_name, order, Capability(capability) if capability else None, requires)
    known = _sections.get(key)
    if known == section:
        return section
    if known is not None:
        raise ImproperlyConfigured(f"Navigation section {key!r} is declared twice, differently.")
    clash = next((s for s in _sections.values() if s.order == order), None)
    if clash is not None:
        raise ImproperlyConfigured(f"Navigation sections {clash.key!r} and {key!r} share order {order}.")
    _sections[key] = section
    return section


def nav_sections() -> list[NavSection]:
    """Every declared section, in order."""
    return sorted(_sections.values(), key=lambda s: s.order)


def programme_nav(access, active: str) -> list[dict]:
    """The sections `access` (a ProgrammeAccess) may see, as the template draws them: label,
    URL and whether it is the `active` one."""
    slug = access.programme.slug
    return [
        {"label": s.label, "url": reverse(s.url_name, args=[slug]), "active": s.key == active}
        for s in nav_sections()
        if (s.capability is None or access.can(s.capability))
        and (not s.requires or getattr(access.programme, s.requires))
    ]


# The council area ------------------------------------------------------------------------
# A council administrator's pages (/councils/<organisation_id>/...) have their own
# navigation, declared the same way: any app may hang a page on it (the council's sign-in
# settings, its own lists) with `council_nav_section`; the URL name is reversed with the
# organisation's id as `organisation_id`. Only council administrators reach these pages.

_council_sections: dict[str, NavSection] = {}


def council_nav_section(key: str, label: str, url_name: str, *, order: int) -> NavSection:
    """Declare a section of the council area's navigation (the same rules as nav_section)."""
    section = NavSection(key, label, url_name, order)
    known = _council_sections.get(key)
    if known == section:
        return section
    if known is not None:
        raise ImproperlyConfigured(f"Council section {key!r} is declared twice, differently.")
    clash = next((s for s in _council_sections.values() if s.order == order), None)
    if clash is not None:
        raise ImproperlyConfigured(f"Council sections {clash.key!r} and {key!r} share order {order}.")
    _council_sections[key] = section
    return section


def council_nav(council, active: str) -> list[dict]:
    """The council area's sections for `council`, as the template draws them."""
    return [
        {"label": s.label, "url": reverse(s.url_name, kwargs={"organisation_id": council.pk}),
         "active": s.key == active}
        for s in sorted(_council_sections.values(), key=lambda s: s.order)
    ]


# Sign-in with a council's own accounts lives in an app above programmes (sso), which tells
# programmes how to reach it: `council_sign_in(func)`, where func(council, next_url) returns
# the URL that signs a person in with that council's identity provider and sends them to
# next_url, or "" when the council has none set up. The invitation page offers it.
_sign_in: list = []


def council_sign_in(func):
    """Register how to sign in with a council's own accounts (one function; the last wins)."""
    _sign_in[:] = [func]
    return func


def council_sign_in_url(council, *, next_url: str) -> str:
    return _sign_in[0](council, next_url) if _sign_in else ""
