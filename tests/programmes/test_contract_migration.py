"""Migration 0005 turns a programme's outgoing provider, contract end date and transfer date
into the first contract of its register, so nothing is lost when 0006 drops them."""
from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("programmes", "0004_contracts_and_kinds")]
AFTER = [("programmes", "0006_programme_dates_live_in_contracts")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest")
def test_each_programmes_provider_and_dates_become_its_first_contract():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Organisation, Programme = old.get_model("programmes", "Organisation"), old.get_model("programmes", "Programme")
    Service = old.get_model("programmes", "ServiceInScope")
    council = Organisation.objects.create(name="Bath Council", kind="council")
    provider = Organisation.objects.create(name="HCRG Care Group", kind="outgoing_provider")
    programme = Programme.objects.create(name="ASC transfer", slug="asc", lead_organisation=council,
                                         outgoing_provider=provider, contract_end_date=date(2024, 3, 31),
                                         transfer_date=date(2024, 4, 1))
    Service.objects.create(programme=programme, code="PD01", name="Social work")
    Programme.objects.create(name="No provider named", slug="bare", lead_organisation=council,
                             contract_end_date=date(2025, 9, 30), transfer_date=date(2025, 10, 1))

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Contract = new.get_model("programmes", "Contract")
    c = Contract.objects.get(programme__slug="asc")
    assert (c.title, c.counterparty.name, c.end_date, c.staff_transfer, c.transfer_date) == (
        "Contract with HCRG Care Group", "HCRG Care Group", date(2024, 3, 31), True, date(2024, 4, 1))
    assert [s.code for s in c.services.all()] == ["PD01"]
    assert new.get_model("programmes", "HistoricalContract").objects.get(id=c.pk).history_type == "+"
    bare = Contract.objects.get(programme__slug="bare")
    assert (bare.title, bare.counterparty_id, bare.end_date) == ("Existing contract", None, date(2025, 9, 30))
    p = new.get_model("programmes", "Programme").objects.get(slug="asc")
    assert p.transfer_date == date(2024, 4, 1) and p.kind == "in_house"
