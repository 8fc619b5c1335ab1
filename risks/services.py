"""Writes to the risk register. Each validates the whole row and records who made the
change and why in the history (through `programmes.services.record_save`)."""
from django.core.exceptions import ValidationError
from django.db import transaction

from core.numbering import next_number, save_numbered
from programmes.council_lists import RISK_CATEGORY, active_choices
from programmes.models import Programme
from programmes.services import record_delete, record_save
from risks.models import Risk, RiskAction, RiskAppetite, RiskSettings


def risk_next_number(*, programme: Programme) -> int:
    """The next free risk number of the programme. The programme row is locked first (on
    databases that lock rows) so two risks added at once do not take the same number; the
    unique constraint, and risk_save's retry, catch anything else."""
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    return next_number(Risk.objects.filter(programme=programme))


@transaction.atomic
def risk_save(*, risk: Risk, user, reason: str) -> Risk:
    """Save a risk, numbering it (R-001, R-002…) within its programme when it is new; one
    whose number another save took meanwhile takes the next."""
    numbering = not risk.number
    if numbering:
        risk.number = risk_next_number(programme=risk.programme)
    return save_numbered(risk, siblings=Risk.objects.filter(programme_id=risk.programme_id),
                         save=lambda: record_save(instance=risk, user=user, reason=reason),
                         renumber=numbering, assigned=numbering)


@transaction.atomic
def risk_action_save(*, action: RiskAction, user, reason: str) -> RiskAction:
    """Save a mitigating action; it always belongs to its risk's programme."""
    action.programme_id = action.risk.programme_id
    return record_save(instance=action, user=user, reason=reason)


def risk_settings_for(*, programme: Programme) -> RiskSettings:
    """The programme's thresholds, or the defaults (unsaved) if it has set none."""
    found = RiskSettings.objects.filter(programme=programme).first()
    return found or RiskSettings(programme=programme)


@transaction.atomic
def risk_settings_save(*, programme: Programme, green_max: int, amber_max: int,
                       appetites: dict[str, int | None], user) -> RiskSettings:
    """Set the RAG thresholds and the appetite for each category (None, or a category
    left out, removes it). The categories are the council's offered ones and any other
    the programme already holds an appetite for (a retired one keeps it until cleared);
    an appetite for any other code — another council's, say — is refused."""
    existing = {a.category: a for a in RiskAppetite.objects.filter(programme=programme)}
    offered = [value for value, _ in active_choices(programme.lead_organisation_id, RISK_CATEGORY)]
    categories = [*offered, *sorted(set(existing) - set(offered))]
    unknown = sorted(set(appetites) - set(categories))
    if unknown:
        raise ValidationError(f"The council's risk categories have no {', '.join(unknown)}.")
    settings = risk_settings_for(programme=programme)
    settings.green_max, settings.amber_max = green_max, amber_max
    record_save(instance=settings, user=user, reason="Risk thresholds set")
    for category in categories:
        value = appetites.get(category)
        current = existing.get(category)
        if value is None:
            if current is not None:
                record_delete(instance=current, user=user, reason="Risk appetite removed")
        elif current is None or current.max_residual_score != value:
            appetite = current or RiskAppetite(programme=programme, category=category)
            appetite.max_residual_score = value
            record_save(instance=appetite, user=user, reason="Risk appetite set")
    return settings
