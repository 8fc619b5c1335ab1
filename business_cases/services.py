"""Writes to business cases. Each validates the whole row (full_clean) and records who made
the change and why in the history (through `programmes.services.record_save`)."""
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from business_cases import selectors
from business_cases.models import (
    DEFAULT_CHARACTERISTICS,
    SECTIONS,
    STAGE_ORDER,
    STAGE_SHORT,
    BusinessCase,
    BusinessCaseVersion,
    Criterion,
    EqualityAssessment,
    EqualityImpact,
    MatrixCell,
    Option,
)
from core.numbering import next_number, save_numbered
from core.protection import DeleteRefused
from programmes.models import Programme
from programmes.services import record_delete, record_save

Status = BusinessCaseVersion.Status


def snapshot_build(*, programme: Programme) -> dict:
    """The structured parts as they stand now, as plain data a later comparison can read:
    objectives, CSFs, options with their outcomes and ranks, criteria and the appraisal."""
    rank = selectors.ranking(programme=programme)
    results = selectors.appraisal(programme=programme, rank=rank)
    return {
        "objectives": {o.code: o.text for o in selectors.objectives(programme=programme)},
        "csfs": {c.code: c.text for c in selectors.csfs(programme=programme)},
        "criteria": {c.title: c.get_kind_display() for c in rank.criteria},
        "options": {r.option.code: {"title": r.option.title, "outcome": r.outcome_label,
                                    "computed": r.computed_label, "rank": r.rank, "total": str(r.total)}
                    for r in rank.results},
        "appraisal": {a.code: {"pv_costs": str(a.pv_costs), "pv_benefits": str(a.pv_benefits),
                               "npsv": str(a.npsv), "bcr": None if a.bcr is None else str(a.bcr)}
                      for a in results.appraisals if a.has_lines},
    }


@transaction.atomic
def version_create(*, programme: Programme, stage: str, user, summary: str = "") -> BusinessCaseVersion:
    """Start a new version of the stage's document, copying the text of the latest one.
    The latest is superseded (its structured parts frozen first if it was still a draft)."""
    case = BusinessCase.objects.filter(programme=programme, stage=stage).first()
    if case is None:
        case = record_save(instance=BusinessCase(programme=programme, stage=stage), user=user,
                           reason=f"{STAGE_SHORT[stage]} started")
    BusinessCase.objects.select_for_update().filter(pk=case.pk).first()
    latest = case.versions.order_by("-number").first()
    top = case.versions.aggregate(n=Max("number"))["n"] or 0
    version = BusinessCaseVersion(programme=programme, business_case=case, number=top + 1, summary=summary)
    if latest is not None:
        for name, _ in SECTIONS:
            setattr(version, name, getattr(latest, name))
        if not latest.snapshot:
            latest.snapshot = snapshot_build(programme=programme)
        latest.status = Status.SUPERSEDED
        record_save(instance=latest, user=user, reason=f"Superseded by version {version.number}")
    return record_save(instance=version, user=user, reason=f"Version {version.number} started")


@transaction.atomic
def version_save(*, version: BusinessCaseVersion, user, reason: str) -> BusinessCaseVersion:
    """Save a draft's text. Only drafts change; a version in review or decided is fixed."""
    if version.pk and BusinessCaseVersion.objects.get(pk=version.pk).status != Status.DRAFT:
        raise ValidationError("Only a draft can be edited: start a new version to change it.")
    return record_save(instance=version, user=user, reason=reason)


def statement_next_number(*, model, programme: Programme) -> int:
    """The number a new objective or CSF (`model`) is offered: the one after the highest."""
    return next_number(model.objects.filter(programme=programme))


def statement_save(*, instance, user, reason: str):
    """Save a strategic objective or critical success factor. A new one whose number was
    taken meanwhile (two people adding one at once, both offered the same next number)
    takes the next free number, which the page's message then names; an edit keeps the
    number it was given."""
    return save_numbered(instance, siblings=type(instance).objects.filter(programme_id=instance.programme_id),
                         save=lambda: record_save(instance=instance, user=user, reason=reason),
                         renumber=instance.pk is None)


# Deleting versions and stages. A version that went to review (or further) is part of the
# record of how the case was decided, so only drafts may go; a stage goes with its versions,
# so only a stage whose versions are all drafts. The API and the admin ask these, and say
# the refusal as it is.

def version_delete_refusal(version: BusinessCaseVersion) -> str:
    """Why `version` may not be deleted, or "" if it may."""
    if version.status != Status.DRAFT:
        return "Only a draft version can be deleted."
    return ""


def stage_delete_refusal(case: BusinessCase) -> str:
    """Why the stage `case` (with all its versions) may not be deleted, or "" if it may."""
    if case.versions.exclude(status=Status.DRAFT).exists():
        return "This stage has versions that went to review; it cannot be deleted."
    return ""


@transaction.atomic
def version_delete(*, version: BusinessCaseVersion, user, reason: str) -> None:
    """Delete a draft version, or refuse (DeleteRefused) one that left draft. The stage row
    is locked first, so a submit of the same version cannot slip in between."""
    BusinessCase.objects.select_for_update().filter(pk=version.business_case_id).first()
    version = BusinessCaseVersion.objects.get(pk=version.pk)
    if refusal := version_delete_refusal(version):
        raise DeleteRefused(refusal)
    record_delete(instance=version, user=user, reason=reason)


@transaction.atomic
def stage_delete(*, case: BusinessCase, user, reason: str) -> None:
    """Delete a stage and its versions (each in its history with the same user and reason),
    or refuse (DeleteRefused) a stage that has a version beyond draft."""
    case = BusinessCase.objects.select_for_update().get(pk=case.pk)
    if refusal := stage_delete_refusal(case):
        raise DeleteRefused(refusal)
    for version in case.versions.all():
        record_delete(instance=version, user=user, reason=reason)
    record_delete(instance=case, user=user, reason=reason)


def missing_before_review(*, version: BusinessCaseVersion) -> list[str]:
    """What the version's stage still needs before it can go to review."""
    programme = version.programme
    views = selectors.stage_views(programme=programme)
    view = next(v for v in views if v.stage == version.business_case.stage)
    return view.missing


@transaction.atomic
def version_submit(*, version: BusinessCaseVersion, user) -> BusinessCaseVersion:
    """Send a draft to review. Refused, listing what is missing, until the stage has what it
    needs; the structured parts are frozen in the version's snapshot."""
    if version.status != Status.DRAFT:
        raise ValidationError("Only a draft can be sent to review.")
    missing = missing_before_review(version=version)
    if missing:
        raise ValidationError(["This version cannot go to review yet:"] + missing)
    version.status = Status.IN_REVIEW
    version.snapshot = snapshot_build(programme=version.programme)
    return record_save(instance=version, user=user, reason="Sent to review")


def _previous_stage_unapproved(version: BusinessCaseVersion) -> str | None:
    index = STAGE_ORDER.index(version.business_case.stage)
    if index == 0:
        return None
    previous = STAGE_ORDER[index - 1]
    case = BusinessCase.objects.filter(programme=version.programme, stage=previous).first()
    if not selectors.stage_is_approved(business_case=case):
        return (f"The {STAGE_SHORT[previous]} has not been approved: a stage cannot be approved "
                f"before the one before it.")
    return None


@transaction.atomic
def version_decide(*, version: BusinessCaseVersion, user, approve: bool, approving_body: str,
                   meeting_date: date, decision_reference: str, notes: str = "") -> BusinessCaseVersion:
    """Record the decision on a version in review: approved (only once the stage before it
    has been approved) or rejected, with the body, meeting date, reference and recording user.
    Whether the user may approve is the caller's check (APPROVE_BUSINESS_CASE)."""
    if version.status != Status.IN_REVIEW:
        raise ValidationError("Only a version in review can be approved or rejected.")
    if approve:
        problem = _previous_stage_unapproved(version)
        if problem:
            raise ValidationError(problem)
    version.status = Status.APPROVED if approve else Status.REJECTED
    version.was_approved = approve
    version.approving_body, version.meeting_date = approving_body, meeting_date
    version.decision_reference, version.decision_notes = decision_reference, notes
    version.decided_by, version.decided_at = user, timezone.now()
    if approve:
        version.snapshot = {**version.snapshot, "approved": True}
    version.full_clean()  # the decision's own fields first: the body, the date and the reference
    version.decision = _decision_logged(version=version, user=user, approve=approve)
    return record_save(instance=version, user=user, reason="Approved" if approve else "Rejected")


def _decision_logged(*, version: BusinessCaseVersion, user, approve: bool):
    """The decision in the programme's decision log: the meeting's own entry where the log
    already has one (the same body on the same day), told what was decided, or a new one."""
    from programmes.models import Decision

    stage = version.business_case.get_stage_display()
    what = (f"{'Approved' if approve else 'Did not approve'} the {stage}, version {version.number}"
            + (f" ({version.decision_reference})" if version.decision_reference else "") + ".")
    if version.decision_notes.strip():
        what += f" {version.decision_notes.strip()}"
    found = (Decision.objects.select_for_update()
             .filter(programme=version.programme, meeting_date=version.meeting_date,
                     body__iexact=version.approving_body.strip()).order_by("pk").first())
    if found is not None:
        if what not in found.decision:
            found.decision = f"{found.decision.strip()}\n\n{what}".strip()
        if not found.forward_plan_ref and version.decision_reference:
            found.forward_plan_ref = version.decision_reference[:40]
        return record_save(instance=found, user=user, reason=f"{stage} {'approved' if approve else 'rejected'}")
    return record_save(instance=Decision(
        programme=version.programme, body=version.approving_body.strip()[:200], meeting_date=version.meeting_date,
        title=f"{stage}, version {version.number}: {'approved' if approve else 'not approved'}"[:200],
        forward_plan_ref=version.decision_reference[:40], decision=what),
        user=user, reason=f"{stage} {'approved' if approve else 'rejected'}")


@transaction.atomic
def cells_save(*, option: Option, values: dict[int, dict], user) -> int:
    """Set one option's cells: criterion id → the cell's fields (None removes the cell).
    Every cell is validated; one bad cell writes none. Returns the number changed."""
    existing = {c.criterion_id: c for c in MatrixCell.objects.filter(option=option)}
    criteria = {c.pk: c for c in Criterion.objects.filter(programme=option.programme)}
    changed = 0
    for criterion_id, fields in values.items():
        cell = existing.get(criterion_id)
        if fields is None:
            if cell is not None:
                record_delete(instance=cell, user=user, reason=f"Score of {option.code} cleared")
                changed += 1
            continue
        cell = cell or MatrixCell(programme=option.programme, option=option, criterion=criteria[criterion_id])
        before = {k: getattr(cell, k) for k in fields}
        for k, v in fields.items():
            setattr(cell, k, v)
        if cell.pk and before == fields:
            continue
        record_save(instance=cell, user=user, reason=f"Matrix scores of {option.code} set")
        changed += 1
    return changed


@transaction.atomic
def equality_impact_delete(*, instance: EqualityImpact, user, reason: str) -> None:
    """Delete a line of an assessment, or refuse (DeleteRefused) one of the nine protected
    characteristics: the Equality Act 2010 asks about each, so each keeps its line (its
    impact may be neutral)."""
    if instance.is_protected:
        raise DeleteRefused(f"{instance.label} is a protected characteristic under the Equality Act 2010, so "
                            "the assessment keeps its line: record its impact as neutral if there is none.")
    record_delete(instance=instance, user=user, reason=reason)


@transaction.atomic
def assessment_save(*, instance: EqualityAssessment, user, reason: str) -> EqualityAssessment:
    """Save an equality impact assessment. A new one starts with a line for each of the
    nine protected characteristics and the two groups councils usually add (carers and
    socio-economic disadvantage), each with its impact not known yet, so that none is
    forgotten; every line is in the history, with the user."""
    new = instance.pk is None
    record_save(instance=instance, user=user, reason=reason)
    if new:
        for characteristic in DEFAULT_CHARACTERISTICS:
            record_save(instance=EqualityImpact(programme=instance.programme, assessment=instance,
                                                characteristic=characteristic),
                        user=user, reason="Line started with the assessment")
    return instance


# --- Paper templates --------------------------------------------------------------------------

KEEP_LOGO = "keep"


def template_save(*, council, user, change: str, sections=None, council_name: str | None = None,
                  logo=KEEP_LOGO, logo_alt: str | None = None):
    """A new version of the council's paper template: the latest one's sections, name and
    logo, with the given ones changed (`logo`: a core.images.CheckedImage, None to remove it,
    or KEEP_LOGO). The sections are checked (paper_templates.check_sections) first."""
    from django.core.files.base import ContentFile

    from business_cases.models import PaperTemplate
    from business_cases.paper_templates import DEFAULT_SECTIONS, check_sections, template_sections
    from programmes.models import Organisation

    with transaction.atomic():
        # One new number at a time for the council.
        Organisation.objects.select_for_update().filter(pk=council.pk).first()
        latest = PaperTemplate.objects.filter(organisation=council).order_by("-number").first()
        rows = check_sections(list(sections if sections is not None else
                                   (template_sections(latest) if latest else DEFAULT_SECTIONS)))
        template = PaperTemplate(
            organisation=council, number=(latest.number + 1) if latest else 1, made_by=user, change=change[:200],
            council_name=(council_name if council_name is not None else
                          latest.council_name if latest else council.name).strip(),
            sections=[r.as_json() for r in rows],
            logo_alt=(logo_alt if logo_alt is not None else latest.logo_alt if latest else "").strip())
        if not template.council_name:
            raise ValidationError({"council_name": "Enter the council's name as the front sheet shows it"})
        if logo == KEEP_LOGO:
            if latest and latest.logo:
                template.logo.name, template.logo_type = latest.logo.name, latest.logo_type
        elif logo is not None:
            template.logo_type = logo.content_type
        if template.logo_type and not template.logo_alt:
            template.logo_alt = template.council_name
        template.full_clean(exclude=["logo"])
        # The file last, once the row is known to be good.
        if logo not in (KEEP_LOGO, None):
            template.logo.save(f"logo{logo.extension}", ContentFile(logo.content), save=False)
        template.save()
        return template
