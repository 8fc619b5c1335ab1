"""Reads of councils' sign-in settings."""
from django.db.models import QuerySet

from programmes.models import Organisation
from sso.models import CouncilSignIn


def councils_offering_sign_in() -> QuerySet[CouncilSignIn]:
    """The councils whose staff may sign in with the council's account, for the sign-in page."""
    return (CouncilSignIn.objects.filter(enabled=True, organisation__kind=Organisation.Kind.COUNCIL)
            .select_related("organisation").order_by("organisation__name"))


def enabled_sign_in(organisation_id: int) -> CouncilSignIn | None:
    """The council's sign-in settings if it offers sign-in with its accounts, else None."""
    return councils_offering_sign_in().filter(organisation_id=organisation_id).first()


def council_sign_in(council: Organisation) -> CouncilSignIn | None:
    """The council's sign-in settings, switched on or not (None if never saved)."""
    return CouncilSignIn.objects.filter(organisation=council).select_related("organisation").first()
