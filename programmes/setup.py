"""The first things to do in a new programme, as the overview's task list shows them.

Each step's state is read from what the programme holds (the overview's own figures, so the
list costs no query), never ticked by hand: a step is done once its records exist. A member
whose role may do a step gets a link to the page that does it; anyone else sees the step and
its state, and who can do it, without a link. The list is shown until every step is done.
"""
from dataclasses import dataclass

from django.urls import reverse

from core.roles import Capability, roles_in_words
from programmes.access import ProgrammeAccess
from programmes.selectors import Overview


@dataclass(frozen=True)
class SetupStep:
    """One step: what to do, whether it is done, and where (for those who may)."""

    title: str
    done: bool
    url: str | None = None
    hint: str = ""
    blocked: bool = False  # it needs an earlier step first (GOV.UK's "Cannot start yet")

    @property
    def status(self) -> str:
        if self.done:
            return "Completed"
        return "Cannot start yet" if self.blocked else "Incomplete"


def _step(access: ProgrammeAccess, *, title: str, done: bool, url_name: str | None,
          capability: Capability | None, hint: str, blocked: bool = False) -> SetupStep:
    may = url_name is not None and capability is not None and access.can(capability)
    if not may and capability is not None and not done:
        hint = f"{hint} {roles_in_words(capability).capitalize()} can do this.".strip()
    return SetupStep(title=title, done=done, hint=hint, blocked=blocked and not done,
                     url=reverse(url_name, args=[access.programme.slug]) if may and not blocked else None)


def setup_steps(*, access: ProgrammeAccess, overview: Overview) -> list[SetupStep]:
    """The programme's first steps, in the order they are best done."""
    programme = access.programme
    has_workstreams = bool(overview.workstream_rows)
    return [
        _step(access, title="Set the programme’s dates", url_name="programmes:edit",
              capability=Capability.EDIT_PROGRAMME,
              done=programme.contract_end_date is not None and programme.transfer_date is not None,
              hint="When the contract ends and the new service goes live."),
        _step(access, title="Add the services and contracts in scope", url_name="programmes:services_create",
              capability=Capability.EDIT_PROGRAMME, done=bool(overview.services),
              hint="Each service the contract covers, with its share of the contract."),
        _step(access, title="Add workstreams", url_name="programmes:workstreams_create",
              capability=Capability.EDIT_PROGRAMME, done=has_workstreams,
              hint="HR, finance, IT and the others, each with its lead."),
        _step(access, title="Add milestones", url_name="programmes:milestone_create",
              capability=Capability.EDIT_PLAN, done=overview.milestone_total > 0,
              blocked=not has_workstreams,
              hint="Every milestone belongs to a workstream." if not has_workstreams else
                   "The plan's dates, each with its owner."),
        # No page of the programme adds members: the council's administrator does it.
        _step(access, title="Invite members", url_name=None, capability=None,
              done=len(overview.members) > 1,
              hint="Your council’s administrator adds the people who work on the programme."),
    ]


def setup_pending(steps: list[SetupStep]) -> bool:
    """Whether the list is still worth showing: some step is not done."""
    return any(not s.done for s in steps)
