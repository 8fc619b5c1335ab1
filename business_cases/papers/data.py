"""Reading the figures: everything a paper shows, read once in one consistent snapshot."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone

from business_cases import reporting, selectors
from business_cases.models import CabinetPaper, PaperVersion
from business_cases.paper_templates import template_logo
from business_cases.papers.versions import latest_final, version_source
from consultations import selectors as consultations
from finance import reporting as finance
from programmes.models import ConfidenceAssessment, Programme
from programmes.selectors import contract_register, plan_rows
from risks.models import Risk
from risks.selectors import decorate, heatmap_counts, scored
from risks.services import risk_settings_for
from workforce import reporting as workforce
from workforce.models import TransferRoster


@dataclass
class PaperData:
    paper: CabinetPaper
    snapshot_at: datetime
    today: date
    stage: selectors.StageView | None
    matrix: dict
    appraisal: dict
    spend: finance.MobilisationSpend
    budget: finance.BudgetReport
    soc: finance.PlanAgainstActual | None
    reserves: list
    benefits: finance.CostsAndBenefits
    kpis: list  # finance.KpiSummary
    roster: TransferRoster | None
    teams: workforce.TeamSummary
    breakdowns: list
    open_risks: list
    heatmap: dict
    risk_settings: object
    milestones: list
    derived: list
    workstreams: list
    confidence: ConfidenceAssessment | None
    services: list
    contracts: list
    # Whether staff transfer under any contract: without, the paper leaves out the TUPE
    # deadlines, the workforce figures and their appendix.
    staff_transfer: bool
    # The staff and public consultations, each with its records (consultations.selectors).
    staff_consultations: list
    public_consultations: list
    # The equality impact assessments (selectors.AssessmentView), the programme's first.
    equality: list
    # The version last marked final, and what it printed: a draft made after it lists
    # the figures that have changed since.
    final: PaperVersion | None = None
    final_source: dict | None = None
    # The business case attached as the last appendix (business_cases.case_document.CaseData).
    case: object | None = None
    # The front sheet's council name and logo, from the paper's template.
    organisation: str = ""
    logo: object | None = None  # core.documents.Logo

    @property
    def unmitigated_by_option(self) -> dict[int, list[str]]:
        """Option id → the characteristics its assessment finds harmed with no mitigation."""
        return {v.assessment.option_id: [i.label for i in v.unmitigated] for v in self.equality
                if v.assessment.option_id and v.unmitigated}

    @property
    def programme(self):
        return self.paper.programme


def _snapshot() -> None:
    """Make the current transaction read one snapshot of the database throughout."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")


def paper_data(*, paper: CabinetPaper, today: date) -> PaperData:
    """Everything the paper shows, read once and as at one moment. Called inside a
    transaction that has already read (a test's), it reads in that one instead."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            _snapshot()
        snapshot_at = timezone.now()
        programme = paper.programme
        rank = selectors.ranking(programme=programme)
        results = selectors.appraisal(programme=programme, rank=rank)
        stage = None
        if paper.business_case_id:
            stage = next((v for v in selectors.stage_views(programme=programme, rank=rank, results=results)
                          if v.stage == paper.business_case.stage), None)
        facts = finance.ledger_facts(programme=programme)
        roster = paper.roster or (TransferRoster.objects.filter(programme=programme)
                                  .select_related("programme").order_by("-version").first())
        rows = workforce.roster_rows(roster)
        settings = risk_settings_for(programme=programme)
        open_risks = list(scored(Risk.objects.filter(programme=programme, status=Risk.Status.OPEN))
                          .select_related("workstream").order_by("-residual", "-inherent", "number"))
        decorate(open_risks, settings=settings, today=today)
        milestones, derived = plan_rows(programme=programme, today=today)
        contracts = contract_register(programme=programme)
        staff_transfer = (programme.kind in Programme.KINDS_WITH_STAFF_TRANSFER
                          and any(c.staff_transfer for c in contracts))
        final = latest_final(paper)
        case = None
        if paper.attach_business_case and paper.business_case_id:
            # Here, not at the top: case_document builds on this package's appendices.
            from business_cases.case_document import CaseData

            latest = (paper.business_case.versions.select_related("programme__lead_organisation", "business_case")
                      .order_by("-number").first())
            if latest is not None:
                case = CaseData(version=latest, snapshot_at=snapshot_at,
                                objectives=selectors.objectives(programme=programme),
                                csfs=selectors.csfs(programme=programme), matrix=None, appraisal=None, budget=None)
        data = PaperData(
            final=final, final_source=version_source(final) if final else None,
            paper=paper, snapshot_at=snapshot_at, today=today, stage=stage,
            matrix=reporting.matrix_table_from(rank), appraisal=reporting.appraisal_summary_from(results),
            spend=finance.mobilisation_spend(programme=programme, facts=facts),
            budget=finance.budget_against_actual(programme=programme, facts=facts),
            soc=finance.soc_against_actual(programme=programme, facts=facts),
            reserves=finance.reserve_positions(programme=programme),
            benefits=finance.costs_and_benefits(programme=programme),
            kpis=finance.kpi_summaries(programme=programme),
            roster=roster, teams=workforce.team_summary(roster, personal=False, rows=rows),
            breakdowns=workforce.breakdowns(roster, personal=False, rows=rows),
            open_risks=open_risks, heatmap=heatmap_counts(programme=programme), risk_settings=settings,
            milestones=milestones, derived=derived, workstreams=list(programme.workstreams.all()),
            confidence=programme.confidence_assessments.order_by("-period_end").first(),
            services=list(programme.services.all()),
            contracts=contracts, staff_transfer=staff_transfer,
            staff_consultations=consultations.staff_consultations_in_full(programme=programme),
            public_consultations=consultations.public_consultations_in_full(programme=programme),
            equality=selectors.equality_views(programme=programme),
        )
        if case is not None:  # the same figures as the paper's own appendices
            case.matrix, case.appraisal, case.budget = data.matrix, data.appraisal, data.budget
        data.case = case
        template = paper.template
        data.organisation = template.council_name if template else programme.lead_organisation.name
        data.logo = template_logo(template)
        return data
