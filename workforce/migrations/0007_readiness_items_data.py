"""Every programme gets the five default day-one checks as its own list, and each
person's five ticks (the old boolean fields) become the ids of the checks done, in the
history too (so rolling back an earlier readiness sheet still restores its ticks)."""
from django.db import migrations

DEFAULTS = (
    ("on_payroll", "On the council's payroll"),
    ("network_account", "Network account created"),
    ("laptop", "Laptop handed over"),
    ("phone", "Phone handed over"),
    ("induction_booked", "Induction booked"),
)


def forwards(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    Item = apps.get_model("workforce", "ReadinessItem")
    Readiness = apps.get_model("workforce", "Readiness")
    HistoricalReadiness = apps.get_model("workforce", "HistoricalReadiness")
    ids: dict[int, dict[str, int]] = {}
    for programme in Programme.objects.all():
        made = {}
        for n, (key, label) in enumerate(DEFAULTS):
            made[key] = Item.objects.create(programme=programme, key=key, label=label, position=n).pk
        ids[programme.pk] = made
    for model in (Readiness, HistoricalReadiness):
        changed = []
        for r in model.objects.all().iterator():
            made = ids.get(r.programme_id)
            if made is None:
                continue
            r.done = sorted(made[key] for key, _ in DEFAULTS if getattr(r, key))
            changed.append(r)
        model.objects.bulk_update(changed, ["done"], batch_size=500)


def backwards(apps, schema_editor):
    Item = apps.get_model("workforce", "ReadinessItem")
    Readiness = apps.get_model("workforce", "Readiness")
    HistoricalReadiness = apps.get_model("workforce", "HistoricalReadiness")
    keys = {i.pk: i.key for i in Item.objects.all()}
    for model in (Readiness, HistoricalReadiness):
        for r in model.objects.all().iterator():
            done = {keys.get(pk) for pk in r.done or []}
            for key, _ in DEFAULTS:
                setattr(r, key, key in done)
            r.save(update_fields=[key for key, _ in DEFAULTS])
    Item.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("workforce", "0006_readiness_items"), ("programmes", "0012_statutory_deadlines")]

    operations = [migrations.RunPython(forwards, backwards)]
