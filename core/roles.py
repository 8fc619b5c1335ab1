"""The one place that says which programme role may do what.

Pages, the API and exports all ask `role_can`; nothing else decides permissions. The
helpers that find a programme for a user (and answer 404 to outsiders) are in
`programmes.access`, which applies these rules to a membership.
"""
from django.core.exceptions import PermissionDenied
from django.db import models


class Role(models.TextChoices):
    PROGRAMME_MANAGER = "programme_manager", "Programme manager"
    FINANCE_OFFICER = "finance_officer", "Finance officer"
    HR_LEAD = "hr_lead", "HR lead"
    DIRECTOR = "director", "Director"
    VIEWER = "viewer", "Viewer"


class Capability(models.TextChoices):
    VIEW = "view", "See the programme, its plan and logs"
    EDIT_PROGRAMME = "edit_programme", "Change the programme's details and services"
    EDIT_PLAN = "edit_plan", "Change milestones, workstreams and the logs"
    UPDATE_MILESTONE_STATUS = "update_milestone_status", "Update a milestone's status"
    EXPORT = "export", "Export the plan (PDF, spreadsheet, calendar)"
    EDIT_FINANCE = "edit_finance", "Change budgets and upload ledger exports"
    EDIT_WORKFORCE = "edit_workforce", "Load rosters and change workforce records"
    VIEW_PERSONAL_DATA = "view_personal_data", "See staff names and personal fields"
    EDIT_RISKS = "edit_risks", "Change the risk and issue register"
    EDIT_STAFF_CONSULTATION = "edit_staff_consultation", "Record staff consultations"
    EDIT_BUSINESS_CASE = "edit_business_case", "Write business cases and appraisals"
    APPROVE_BUSINESS_CASE = "approve_business_case", "Approve a business-case stage"
    GENERATE_PAPER = "generate_paper", "Generate Cabinet papers"
    VIEW_EXEMPT_PAPER = "view_exempt_paper", "See the exempt parts of Cabinet papers"
    PUBLISH_PAPER = "publish_paper", "Mark a version of a Cabinet paper final"
    BASELINE_PLAN = "baseline_plan", "Baseline the plan, or re-baseline it"


_PM = Role.PROGRAMME_MANAGER
_FIN = Role.FINANCE_OFFICER
_HR = Role.HR_LEAD
_DIR = Role.DIRECTOR
_VIEW = Role.VIEWER

RULES: dict[Capability, frozenset[Role]] = {
    Capability.VIEW: frozenset(Role),
    Capability.EDIT_PROGRAMME: frozenset({_PM, _DIR}),
    Capability.EDIT_PLAN: frozenset({_PM, _DIR}),
    # Workstream leads in finance and HR keep their own milestones moving.
    Capability.UPDATE_MILESTONE_STATUS: frozenset({_PM, _DIR, _FIN, _HR}),
    Capability.EXPORT: frozenset(Role),
    Capability.EDIT_FINANCE: frozenset({_FIN, _PM}),
    Capability.EDIT_WORKFORCE: frozenset({_HR}),
    Capability.VIEW_PERSONAL_DATA: frozenset({_HR}),
    Capability.EDIT_RISKS: frozenset({_PM, _DIR}),
    # A collective consultation is run by the programme with HR: HR holds the
    # representatives and the meetings, the programme manager the proposals and letters.
    Capability.EDIT_STAFF_CONSULTATION: frozenset({_PM, _HR}),
    Capability.EDIT_BUSINESS_CASE: frozenset({_PM, _DIR}),
    Capability.APPROVE_BUSINESS_CASE: frozenset({_DIR}),
    Capability.GENERATE_PAPER: frozenset({_PM, _DIR}),
    # Schedule 12A information: the officers who write and present the paper.
    Capability.VIEW_EXEMPT_PAPER: frozenset({_PM, _DIR}),
    # The director signs the paper off: until then every version is marked "Draft".
    Capability.PUBLISH_PAPER: frozenset({_DIR}),
    # Moving the dates slippage is measured against is the programme manager's call.
    Capability.BASELINE_PLAN: frozenset({_PM}),
}


def role_can(role: str | None, capability: Capability, *, superuser: bool = False) -> bool:
    """Whether a member with `role` has `capability`. Superusers have every capability."""
    if superuser:
        return True
    if role is None:
        return False
    return Role(role) in RULES[capability]


def roles_with(capability: Capability | str) -> list[Role]:
    """The roles that have `capability`, in the order Role lists them."""
    allowed = RULES[Capability(capability)]
    return [role for role in Role if role in allowed]


def _with_article(label: str) -> str:
    # "an HR lead": the article follows the sound, and HR is read "aitch-R".
    return f"{'an' if label[0] in 'AEIOU' or label.startswith('HR') else 'a'} {label}"


def roles_in_words(capability: Capability | str) -> str:
    """Who may do it, as a sentence says it: "a programme manager or a director"."""
    labels = [_with_article(role.label.lower() if not role.label.startswith("HR") else role.label)
              for role in roles_with(capability)]
    if len(labels) <= 1:
        return "".join(labels)
    return f"{', '.join(labels[:-1])} or {labels[-1]}"


class CapabilityDenied(PermissionDenied):
    """A member asked for something their role may not do. It carries the capability, so the
    403 page can say which roles have it, and (as `context`) the user's standing in the
    programme, so the page keeps the programme's frame. Its message is the only argument,
    so the API's 403 answer is the same as for any other refusal."""

    def __init__(self, message: str, *, capability: Capability | str, context=None):
        super().__init__(message)
        self.capability = Capability(capability)
        self.context = context
