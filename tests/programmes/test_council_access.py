"""A council administrator administers one council, and only that one; it is not a
programme role and reveals nothing of another council's."""
import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from programmes.access import administers_council, council_access, councils_administered
from programmes.models import CouncilAdministrator, Organisation
from tests.factories import CouncilAdministratorFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_administrator_reaches_their_own_council_and_no_other():
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    admin = CouncilAdministratorFactory(organisation=mine).user

    assert council_access(admin, mine.pk) == mine
    with pytest.raises(Http404):
        council_access(admin, theirs.pk)
    assert list(councils_administered(admin)) == [mine]
    assert administers_council(admin, mine) and administers_council(admin, mine.pk)
    assert not administers_council(admin, theirs)


def test_someone_who_administers_nothing_gets_404_and_a_superuser_reaches_every_council():
    council = OrganisationFactory()
    with pytest.raises(Http404):
        council_access(UserFactory(), council.pk)
    root = UserFactory(is_superuser=True, is_staff=True)
    assert council_access(root, council.pk) == council
    provider = OrganisationFactory(kind=Organisation.Kind.OUTGOING_PROVIDER)
    with pytest.raises(Http404):  # a provider is not a council: it has no administration
        council_access(root, provider.pk)


def test_only_a_council_has_administrators_and_a_grant_is_in_the_history():
    provider = OrganisationFactory(kind=Organisation.Kind.OUTGOING_PROVIDER)
    with pytest.raises(ValidationError) as refused:
        CouncilAdministrator(organisation=provider, user=UserFactory()).full_clean()
    assert "Only a council has administrators." in refused.value.message_dict["organisation"]

    grant = CouncilAdministratorFactory()
    assert grant.history.count() == 1
