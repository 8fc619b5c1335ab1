"""What the search box finds of the risk register (core.search): risks, their mitigating
actions and issues, each linked to the page that shows it."""
from django.urls import reverse

from core.search import SearchText, search_kind, searchable
from risks.models import Issue, Risk, RiskAction


def risk_text(risk: Risk) -> list[SearchText]:
    return [SearchText(kind="risk", title=f"{risk.reference} {risk.title}",
                       body="\n".join(p for p in (risk.cause, risk.event, risk.effect) if p),
                       url=reverse("risks:detail", args=[risk.programme.slug, risk.pk]))]


def action_text(action: RiskAction) -> list[SearchText]:
    return [SearchText(kind="risk_action", title=action.description, body="",
                       url=reverse("risks:detail", args=[action.programme.slug, action.risk_id]))]


def issue_text(issue: Issue) -> list[SearchText]:
    return [SearchText(kind="issue", title=issue.title,
                       body="\n".join(p for p in (issue.description, issue.resolution) if p),
                       url=reverse("risks:issues", args=[issue.programme.slug]) + f"#issue-{issue.pk}")]


def search_declare() -> None:
    """The register's searchable records (RisksConfig.ready)."""
    search_kind("risk", "Risks", order=30)
    search_kind("issue", "Issues", order=40)
    search_kind("risk_action", "Mitigating actions", order=50)
    searchable(Risk, risk_text, related=("programme",))
    searchable(RiskAction, action_text, related=("programme",))
    searchable(Issue, issue_text, related=("programme",))
