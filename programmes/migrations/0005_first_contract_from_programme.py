"""Each programme's outgoing provider, contract end date and transfer date become the first
contract of its register, covering all its services, with staff transferring on the transfer
date (the only shape a programme had), so nothing is lost when 0006 drops the old fields."""
from django.db import migrations


def first_contracts(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    Contract = apps.get_model("programmes", "Contract")
    HistoricalContract = apps.get_model("programmes", "HistoricalContract")
    for programme in Programme.objects.select_related("outgoing_provider").prefetch_related("services"):
        if Contract.objects.filter(programme=programme).exists():
            continue  # run twice: already done
        provider = programme.outgoing_provider
        contract = Contract.objects.create(
            programme=programme,
            title=f"Contract with {provider.name}" if provider else "Existing contract",
            counterparty=provider,
            end_date=programme.contract_end_date,
            staff_transfer=programme.transfer_date is not None,
            transfer_date=programme.transfer_date,
        )
        contract.services.set(programme.services.all())
        # The register's history starts with the row the migration made, so a contract's
        # history page shows where it came from.
        HistoricalContract.objects.create(
            id=contract.pk, programme_id=programme.pk, title=contract.title,
            counterparty_id=contract.counterparty_id, end_date=contract.end_date,
            staff_transfer=contract.staff_transfer, transfer_date=contract.transfer_date,
            created_at=contract.created_at, updated_at=contract.updated_at,
            history_date=contract.updated_at, history_type="+",
            history_change_reason="Made from the programme's contract end date and provider",
        )


def back_to_programme(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    Contract = apps.get_model("programmes", "Contract")
    for programme in Programme.objects.all():
        first = Contract.objects.filter(programme=programme).order_by("end_date", "pk").first()
        if first is not None:
            programme.outgoing_provider_id = first.counterparty_id
            programme.contract_end_date = first.end_date
            programme.save(update_fields=["outgoing_provider", "contract_end_date"])


class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0004_contracts_and_kinds'),
    ]

    operations = [
        migrations.RunPython(first_contracts, back_to_programme),
    ]
