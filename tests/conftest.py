"""The cast every test can call on: one member per role in one programme, and an
outsider who belongs only to another council's programme."""
from dataclasses import dataclass

import pytest
from django.test import Client

from core.roles import Role
from tests.factories import (
    MembershipFactory,
    MilestoneFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
    WorkstreamFactory,
)

ROLE_USERNAMES = {
    Role.PROGRAMME_MANAGER: "pm",
    Role.FINANCE_OFFICER: "finance",
    Role.HR_LEAD: "hr",
    Role.DIRECTOR: "director",
    Role.VIEWER: "viewer",
}
# Every role, plus "outsider" (a member of another council's programme) and "anonymous".
CAST = [*ROLE_USERNAMES.values(), "outsider", "anonymous"]

@dataclass
class Cast:
    programme: object
    other_programme: object
    users: dict
    workstream: object
    milestone: object

    def client(self, who: str) -> Client:
        client = Client()
        if who != "anonymous":
            client.force_login(self.users[who])
        return client


@pytest.fixture
def cast(db) -> Cast:
    council = OrganisationFactory(name="Test Council")
    programme = ProgrammeFactory(slug="home", lead_organisation=council)
    users = {}
    for role, username in ROLE_USERNAMES.items():
        users[username] = UserFactory(username=username)
        MembershipFactory(programme=programme, user=users[username], role=role)
    other = ProgrammeFactory(slug="elsewhere",
                             lead_organisation=OrganisationFactory(name="Other Council"))
    users["outsider"] = UserFactory(username="outsider")
    MembershipFactory(programme=other, user=users["outsider"], role=Role.PROGRAMME_MANAGER)
    workstream = WorkstreamFactory(programme=programme, name="HR")
    milestone = MilestoneFactory(programme=programme, workstream=workstream, title="Consultation")
    return Cast(programme, other, users, workstream, milestone)


@pytest.fixture
def pm_client(cast) -> Client:
    return cast.client("pm")


@pytest.fixture
def back_to_latest():
    """For a test that migrates the database back to test a data migration: whatever it
    does, the database ends at the latest migrations, so the tests that follow in this
    process see every column."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
