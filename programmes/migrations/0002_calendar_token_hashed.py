import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def hash_feed_tokens(apps, schema_editor):
    """Feed addresses already in calendars keep working: each stored secret becomes its
    hash, with a full lifetime from today."""
    Membership = apps.get_model("programmes", "Membership")
    expires = timezone.now() + timedelta(days=getattr(settings, "CALENDAR_TOKEN_LIFETIME_DAYS", 365))
    for pk, secret in Membership.objects.filter(calendar_token_hash__isnull=False).values_list(
            "pk", "calendar_token_hash"):
        Membership.objects.filter(pk=pk).update(calendar_token_hash=hashlib.sha256(secret.encode()).hexdigest(),
                                                calendar_token_expires_at=expires)


class Migration(migrations.Migration):

    dependencies = [
        ("programmes", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="membership", old_name="calendar_token", new_name="calendar_token_hash"),
        migrations.AlterField(
            model_name="membership",
            name="calendar_token_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="membership",
            name="calendar_token_expires_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="membership",
            name="calendar_token_last_used_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(hash_feed_tokens, migrations.RunPython.noop),
    ]
