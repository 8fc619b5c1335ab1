"""The programme's outgoing provider and contract end date now live in its contract register
(0005 copied them there); the programme keeps only its go-live day."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0005_first_contract_from_programme'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='historicalprogramme',
            name='contract_end_date',
        ),
        migrations.RemoveField(
            model_name='historicalprogramme',
            name='outgoing_provider',
        ),
        migrations.RemoveField(
            model_name='programme',
            name='contract_end_date',
        ),
        migrations.RemoveField(
            model_name='programme',
            name='outgoing_provider',
        ),
    ]
