"""Find a programme for a user, applying the role rules of `core.roles`.

Every page and API endpoint that touches a programme comes through here: a programme the
user does not belong to answers 404 (its existence is not revealed), and a member whose
role lacks the capability gets 403.
"""
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404

from core.roles import Capability, CapabilityDenied, Role, role_can
from programmes.models import CouncilAdministrator, Membership, Organisation, Programme


@dataclass(frozen=True)
class ProgrammeAccess:
    """A user's standing in one programme."""

    programme: Programme
    membership: Membership | None
    is_superuser: bool = False

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    @property
    def role_label(self) -> str:
        if self.membership:
            return self.membership.get_role_display()
        return "Administrator" if self.is_superuser else ""

    @property
    def manages_jobs(self) -> bool:
        """Whether this member may try again work someone else asked for (a failed job):
        the pages and the API ask the same."""
        return self.is_superuser or self.role == Role.PROGRAMME_MANAGER

    def can(self, capability: Capability | str) -> bool:
        return role_can(self.role, Capability(capability), superuser=self.is_superuser)

    def require(self, capability: Capability | str) -> None:
        if not self.can(capability):
            raise CapabilityDenied(
                f"Your role ({self.role_label}) cannot {Capability(capability).label.lower()}.",
                capability=capability, context=self)

    # Templates ask `access.may.edit_plan`.
    @property
    def may(self) -> dict[str, bool]:
        return {c.value: self.can(c) for c in Capability}


def programmes_for_user(user) -> QuerySet[Programme]:
    """The programmes a user may see at all."""
    if not user.is_authenticated:
        return Programme.objects.none()
    if user.is_superuser:
        return Programme.objects.all()
    return Programme.objects.filter(memberships__user=user)


def programme_members(programme: Programme) -> QuerySet:
    """The people who belong to `programme`: the only ones its records may name (an owner,
    a lead, an assessor), so every form and serializer offers no one else (core.scoping)."""
    return get_user_model().objects.filter(memberships__programme=programme)


def programme_access(user, slug: str, capability: Capability = Capability.VIEW) -> ProgrammeAccess:
    """The programme with `slug` as `user` stands in it; 404 if they are not a member,
    403 if their role lacks `capability`."""
    if not user.is_authenticated:
        raise Http404("No such programme")
    programme = (
        Programme.objects.select_related("lead_organisation", "outgoing_provider")
        .filter(slug=slug).first()
    )
    if programme is None:
        raise Http404("No such programme")
    membership = Membership.objects.filter(programme=programme, user=user).first()
    if membership is None and not user.is_superuser:
        raise Http404("No such programme")
    access = ProgrammeAccess(programme, membership, is_superuser=user.is_superuser)
    access.require(capability)
    return access


def councils_administered(user) -> QuerySet[Organisation]:
    """The councils whose use of Insource `user` administers (every council, for a superuser)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    councils = Organisation.objects.filter(kind=Organisation.Kind.COUNCIL)
    if user.is_superuser:
        return councils
    return councils.filter(administrators__user=user)


def council_access(user, organisation_id: int) -> Organisation:
    """The council with `organisation_id`, for its administrator (or a superuser).

    Anyone else gets 404, as an outsider does for a programme: a council's administration
    pages do not reveal that another council uses the service."""
    council = councils_administered(user).filter(pk=organisation_id).first()
    if council is None:
        raise Http404("No such council")
    return council


def administers_council(user, organisation: Organisation | int | None) -> bool:
    """Whether `user` administers the council `organisation` (an instance or its id)."""
    if organisation is None or not user.is_authenticated:
        return False
    organisation_id = getattr(organisation, "pk", organisation)
    if user.is_superuser:
        return Organisation.objects.filter(pk=organisation_id,
                                           kind=Organisation.Kind.COUNCIL).exists()
    return CouncilAdministrator.objects.filter(organisation_id=organisation_id, user=user).exists()


def member_roles(user) -> dict[int, str]:
    """Programme id → role, for every programme the user belongs to (one query)."""
    return dict(Membership.objects.filter(user=user).values_list("programme_id", "role"))


__all__ = ["Capability", "ProgrammeAccess", "Role", "administers_council", "council_access",
           "councils_administered", "member_roles", "programme_access", "programme_members",
           "programmes_for_user"]
