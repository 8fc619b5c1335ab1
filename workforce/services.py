"""Writes of the workforce app. Each validates the whole row and records who made the
change and why in the history (through `programmes.services.record_save`). Roster
uploads are written by `workforce.imports` through the upload pipeline."""
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from programmes.models import Programme
from programmes.services import record_delete, record_save
from workforce.models import (
    DEFAULT_READINESS_ITEMS,
    PERSONAL_FIELDS,
    EmployeeRecord,
    Establishment,
    EstablishmentLine,
    PersonalDataView,
    Readiness,
    ReadinessItem,
    Team,
    TransferRoster,
    WorkforceSettings,
)


def personal_data_viewed(*, programme: Programme, user, what: str, roster: TransferRoster | None = None,
                         record: EmployeeRecord | None = None) -> PersonalDataView:
    """Log that `user` looked at personal data (a list or one person's record). Not atomic
    on purpose: the log row is written even if the page that follows fails."""
    return PersonalDataView.objects.create(programme=programme, user=user, what=what[:120],
                                           roster=roster or (record.roster if record else None), record=record)


@transaction.atomic
def readiness_save(*, programme: Programme, employee_ref: str, done: list[int], user,
                   reason: str = "Readiness updated") -> Readiness:
    """Set which of the programme's day-one checks one person has done (the ids of its
    ReadinessItems), creating their readiness row if need be."""
    item = Readiness.objects.filter(programme=programme, employee_ref__iexact=employee_ref).first()
    item = item or Readiness(programme=programme, employee_ref=employee_ref)
    item.done = sorted(set(done))
    return record_save(instance=item, user=user, reason=reason)


def readiness_defaults_create(*, programme: Programme, user=None) -> list[ReadinessItem]:
    """Give a new programme the default day-one checks (models.DEFAULT_READINESS_ITEMS)."""
    items = [ReadinessItem(programme=programme, key=key, label=label, position=n)
             for n, (key, label) in enumerate(DEFAULT_READINESS_ITEMS)]
    return bulk_create_with_history(items, ReadinessItem, default_user=user,
                                    default_change_reason="The default day-one checks")


def programme_created(sender, instance, created, raw=False, **kwargs) -> None:
    """Connected to Programme's post_save (apps.py): every new programme starts with the
    default day-one checks, however it was made (page, API, demo or a test's factory)."""
    if created and not raw:
        readiness_defaults_create(programme=instance)


@transaction.atomic
def readiness_item_save(*, instance: ReadinessItem, user, reason: str) -> ReadinessItem:
    """Save a day-one check. A new one goes to the end of the list, with a key made from
    its label (unique in the programme) that stays when it is renamed."""
    if instance.pk is None:
        taken = set(ReadinessItem.objects.filter(programme=instance.programme).values_list("key", flat=True))
        stem = slugify(instance.label).replace("-", "_")[:50] or "check"
        key, n = stem, 1
        while key in taken:
            n += 1
            key = f"{stem}_{n}"
        instance.key = key
        last = ReadinessItem.objects.filter(programme=instance.programme).aggregate(m=Max("position"))["m"]
        instance.position = 0 if last is None else last + 1
    return record_save(instance=instance, user=user, reason=reason)


@transaction.atomic
def readiness_item_delete(*, instance: ReadinessItem, user, reason: str) -> None:
    """Take a check off the programme's list, and every person's tick of it with it (each
    change in their history, so the page can say who had it)."""
    ticked = [r for r in Readiness.objects.filter(programme_id=instance.programme_id) if instance.pk in r.done]
    for r in ticked:
        r.done = [pk for pk in r.done if pk != instance.pk]
    bulk_update_with_history(ticked, Readiness, ["done"], default_user=user,
                             default_change_reason=f"Check removed from the list: {instance.label}"[:100])
    record_delete(instance=instance, user=user, reason=reason)


@transaction.atomic
def teams_create(*, programme: Programme, teams: dict[str, str], user) -> list[Team]:
    """Create the named teams (name → service line), as the HR lead ticked them on an
    upload's preview; names already taken (in any case) are skipped."""
    taken = {t.lower() for t in Team.objects.filter(programme=programme).values_list("name", flat=True)}
    made = []
    for name, line in teams.items():
        if name.lower() in taken:
            continue
        made.append(record_save(instance=Team(programme=programme, name=name, service_line=line or "Not given"),
                                user=user, reason="Team created from an ELI upload"))
        taken.add(name.lower())
    return made


@transaction.atomic
def workforce_settings_save(*, programme: Programme, standard_weekly_hours: Decimal, user) -> WorkforceSettings:
    """Set the programme's standard full-time week."""
    settings = WorkforceSettings.objects.filter(programme=programme).first() or WorkforceSettings(programme=programme)
    settings.standard_weekly_hours = standard_weekly_hours
    return record_save(instance=settings, user=user, reason="Standard week set")


@transaction.atomic
def establishment_lines_save(*, establishment: Establishment, lines: dict[int, dict], user) -> Establishment:
    """Set the posts, FTE and redundancies of every team of a proposed establishment."""
    existing = {ln.team_id: ln for ln in establishment.lines.all()}
    for team_id, values in lines.items():
        line = existing.get(team_id) or EstablishmentLine(programme=establishment.programme,
                                                          establishment=establishment, team_id=team_id)
        if line.pk and all(getattr(line, k) == v for k, v in values.items()):
            continue
        for k, v in values.items():
            setattr(line, k, v)
        record_save(instance=line, user=user, reason="Establishment edited")
    return establishment


BLANKS = {"name": "", "annual_pay": None, "continuous_service_date": None, "base_location": "",
          "sickness_absence_days": None, "disciplinary_last_two_years": "", "grievance_last_two_years": "",
          "claims": ""}
assert set(BLANKS) == set(PERSONAL_FIELDS)


@transaction.atomic
def rosters_purge_personal_data(*, rosters: list[TransferRoster], user=None) -> int:
    """Blank the personal fields of every record of `rosters`, in the records and in their
    history rows, and delete the uploaded files they came from; team, grade, FTE, terms and
    the rest stay, so every summary still adds up. Returns the records purged.

    Written with UPDATE, not through full_clean: the point is to remove what validation
    would otherwise require (a person's name and pay)."""
    ids = [r.pk for r in rosters]
    n = EmployeeRecord.objects.filter(roster_id__in=ids).update(**BLANKS)
    EmployeeRecord.history.model.objects.filter(roster_id__in=ids).update(**BLANKS)
    now = timezone.now()
    for roster in rosters:
        if roster.upload_id and roster.upload and roster.upload.file:
            roster.upload.file.delete(save=False)
            type(roster.upload).objects.filter(pk=roster.upload_id).update(file="")
        roster.personal_data_purged_at = now
        roster._history_user = user
        roster._change_reason = "Personal data purged"
        roster.save(update_fields=["personal_data_purged_at"])
    return n
