"""The workforce pages and API exist only where staff transfer: a programme whose kind or
contracts move no one (a transformation, say) has no transfer list, and answers 404 for
them as it does for any page it does not have."""
from django.http import Http404

from core.roles import Capability
from programmes.access import ProgrammeAccess, programme_access


def workforce_access(user, slug: str, capability: Capability = Capability.VIEW) -> ProgrammeAccess:
    """`programme_access` (404 for an outsider), then 404 if no staff transfer under the
    programme's contracts (for every member: the page is not there, whoever asks), then
    403 for a role without `capability`."""
    access = programme_access(user, slug, Capability.VIEW)
    if not access.programme.has_staff_transfer:
        raise Http404("No staff transfer under this programme's contracts")
    access.require(capability)
    return access
