"""Milestones gain a kind (milestone or activity) with start dates, and their RAG follows
the dates and status instead of being typed. A typed RAG that differs from the one the
dates give becomes an override, with a reason saying it was carried over, so nobody's
judgement is lost; a typed Green on a milestone that is late is not carried over, since
nothing late may show Green."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone



def _derived(m, today):
    # The rule of Milestone.derived_rag as it stood when this migration was written (every
    # row is a milestone here, with no start dates), copied so that later changes to the
    # model cannot change what this migration did.
    if m.status in ("complete", "cancelled"):
        return "green"
    if m.forecast_date < today:
        return "red"
    if m.status == "at_risk" or m.forecast_date > m.baseline_date:
        return "amber"
    return "green"


def carry_over_typed_rag(apps, schema_editor):
    Milestone = apps.get_model("programmes", "Milestone")
    today = timezone.localdate()
    now = timezone.now()
    labels = {"green": "Green", "amber": "Amber", "red": "Red"}
    changed = []
    for m in Milestone.objects.only("pk", "status", "forecast_date", "baseline_date", "rag").iterator():
        derived = _derived(m, today)
        if m.rag == derived or (m.rag == "green" and derived == "red"):
            continue
        m.rag_override = m.rag
        m.rag_override_reason = (f"Carried over: typed as {labels.get(m.rag, m.rag)} before the RAG "
                                 f"followed the dates (which give {labels[derived]}).")
        m.rag_override_at = now
        changed.append(m)
    Milestone.objects.bulk_update(changed, ["rag_override", "rag_override_reason", "rag_override_at"],
                                  batch_size=500)
    # Each carried-over override is in the milestone's history, as a change with its reason.
    History = apps.get_model("programmes", "HistoricalMilestone")
    fields = [f.attname for f in Milestone._meta.concrete_fields]
    History.objects.bulk_create([
        History(**{name: getattr(m, name) for name in fields}, history_date=now, history_type="~",
                history_change_reason="RAG override carried over from the typed RAG")
        for m in Milestone.objects.filter(pk__in=[m.pk for m in changed]).iterator()
    ], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0006_programme_dates_live_in_contracts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalmilestone',
            name='baseline_start_date',
            field=models.DateField(blank=True, help_text='Activities only: the start agreed when the plan was baselined.', null=True),
        ),
        migrations.AddField(
            model_name='historicalmilestone',
            name='forecast_start_date',
            field=models.DateField(blank=True, help_text='Activities only: the day it is now expected to start.', null=True),
        ),
        migrations.AddField(
            model_name='historicalmilestone',
            name='kind',
            field=models.CharField(choices=[('milestone', 'Milestone'), ('activity', 'Activity')], default='milestone', help_text='A milestone is one date; an activity runs from a start date to an end date.', max_length=10),
        ),
        migrations.AddField(
            model_name='historicalmilestone',
            name='rag_override',
            field=models.CharField(blank=True, choices=[('green', 'Green'), ('amber', 'Amber'), ('red', 'Red')], help_text='Leave empty to let the RAG follow the dates and status.', max_length=10, verbose_name='RAG override'),
        ),
        migrations.AddField(
            model_name='historicalmilestone',
            name='rag_override_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='historicalmilestone',
            name='rag_override_by',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalmilestone',
            name='rag_override_reason',
            field=models.CharField(blank=True, help_text='Why the RAG is not the one the dates give.', max_length=300, verbose_name='reason for the RAG override'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='baseline_start_date',
            field=models.DateField(blank=True, help_text='Activities only: the start agreed when the plan was baselined.', null=True),
        ),
        migrations.AddField(
            model_name='milestone',
            name='forecast_start_date',
            field=models.DateField(blank=True, help_text='Activities only: the day it is now expected to start.', null=True),
        ),
        migrations.AddField(
            model_name='milestone',
            name='kind',
            field=models.CharField(choices=[('milestone', 'Milestone'), ('activity', 'Activity')], default='milestone', help_text='A milestone is one date; an activity runs from a start date to an end date.', max_length=10),
        ),
        migrations.AddField(
            model_name='milestone',
            name='rag_override',
            field=models.CharField(blank=True, choices=[('green', 'Green'), ('amber', 'Amber'), ('red', 'Red')], help_text='Leave empty to let the RAG follow the dates and status.', max_length=10, verbose_name='RAG override'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='rag_override_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='milestone',
            name='rag_override_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='milestone',
            name='rag_override_reason',
            field=models.CharField(blank=True, help_text='Why the RAG is not the one the dates give.', max_length=300, verbose_name='reason for the RAG override'),
        ),
        migrations.AlterField(
            model_name='historicalmilestone',
            name='actual_date',
            field=models.DateField(blank=True, help_text="The date it was met (an activity's end).", null=True),
        ),
        migrations.AlterField(
            model_name='historicalmilestone',
            name='baseline_date',
            field=models.DateField(help_text="The date agreed when the plan was baselined (an activity's end)."),
        ),
        migrations.AlterField(
            model_name='historicalmilestone',
            name='forecast_date',
            field=models.DateField(help_text="The date it is now expected (an activity's end)."),
        ),
        migrations.AlterField(
            model_name='milestone',
            name='actual_date',
            field=models.DateField(blank=True, help_text="The date it was met (an activity's end).", null=True),
        ),
        migrations.AlterField(
            model_name='milestone',
            name='baseline_date',
            field=models.DateField(help_text="The date agreed when the plan was baselined (an activity's end)."),
        ),
        migrations.AlterField(
            model_name='milestone',
            name='forecast_date',
            field=models.DateField(help_text="The date it is now expected (an activity's end)."),
        ),
        migrations.RunPython(carry_over_typed_rag, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='historicalmilestone',
            name='rag',
        ),
        migrations.RemoveField(
            model_name='milestone',
            name='rag',
        ),
        migrations.AddConstraint(
            model_name='milestone',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('forecast_start_date__isnull', True), ('forecast_start_date__lte', models.F('forecast_date')), _connector='OR'), models.Q(('baseline_start_date__isnull', True), ('baseline_start_date__lte', models.F('baseline_date')), _connector='OR')), name='milestone_start_not_after_end'),
        ),
        migrations.AddConstraint(
            model_name='milestone',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('baseline_start_date__isnull', True), ('forecast_start_date__isnull', True), ('kind', 'milestone')), models.Q(('baseline_start_date__isnull', False), ('forecast_start_date__isnull', False), ('kind', 'activity')), _connector='OR'), name='milestone_starts_match_kind'),
        ),
        migrations.AddConstraint(
            model_name='milestone',
            constraint=models.CheckConstraint(condition=models.Q(('rag_override', ''), models.Q(('rag_override_reason', ''), _negated=True), _connector='OR'), name='milestone_override_has_reason'),
        ),
    ]
