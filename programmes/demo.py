"""The demo programme: a council bringing Adult Social Care back in-house when its
community services contract ends. Figures (dates, services, decisions, trade unions)
follow a real transfer completed on 1 April 2024; names of people are invented.

Dates are written as they happened and moved together by whole years (see `demo_shift`),
so that today falls in the financial year that began on transfer day: the year whose
ledger, savings and readings the reference figures run to. Everything dated on or before
today has happened; nothing after it is recorded as done.
"""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.financial_year import FinancialYear
from core.roles import Role
from programmes.baselines import baseline_take
from programmes.deadlines import derived_deadlines
from programmes.models import (
    ConfidenceAssessment,
    Contract,
    CouncilAdministrator,
    Decision,
    EngagementEvent,
    Lesson,
    Membership,
    Milestone,
    Organisation,
    Programme,
    ServiceInScope,
    Workstream,
)
from programmes.services import deadline_mark_done

DEMO_SLUG = "bnes-asc-transfer"
OTHER_SLUG = "northmoor-reablement"
REAL_TRANSFER = date(2024, 4, 1)

DEMO_USERS = [
    # username, first, last, role in the demo programme
    ("demo-pm", "Priya", "Shah", Role.PROGRAMME_MANAGER),
    ("demo-finance", "Tom", "Okafor", Role.FINANCE_OFFICER),
    ("demo-hr", "Helen", "Marsh", Role.HR_LEAD),
    ("demo-director", "Graham", "Ellis", Role.DIRECTOR),
    ("demo-viewer", "Sam", "Reid", Role.VIEWER),
]
OUTSIDER = ("demo-outsider", "Olu", "Adeyemi")
# B&NES's council administrator: not a superuser and no member of any programme, so the
# demo shows that administering the council grants nothing inside a programme.
COUNCIL_ADMIN = ("demo-admin", "Alex", "Morgan")

WORKSTREAMS = [
    ("Governance", Workstream.Kind.GOVERNANCE, "demo-pm"),
    ("HR", Workstream.Kind.HR, "demo-hr"),
    ("Payroll", Workstream.Kind.PAYROLL, "demo-hr"),
    ("Finance", Workstream.Kind.FINANCE, "demo-finance"),
    ("IT & systems", Workstream.Kind.IT, "demo-pm"),
    ("Estates", Workstream.Kind.ESTATES, "demo-pm"),
    ("Legal", Workstream.Kind.LEGAL, "demo-director"),
    ("Procurement", Workstream.Kind.PROCUREMENT, "demo-finance"),
    ("Communications & engagement", Workstream.Kind.COMMUNICATIONS, "demo-pm"),
    ("Service operations", Workstream.Kind.OPERATIONS, "demo-director"),
    ("Regulation (CQC registration)", Workstream.Kind.REGULATION, "demo-director"),
]

C, P, R, N = "complete", "in_progress", "at_risk", "not_started"
# The milestones that record a business-case stage's approval; business_cases' demo approves
# each stage on the milestone's date, and the consistency test holds the two together.
SOC_APPROVED = "Strategic Outline Case approved by Cabinet"
OBC_SIGNED_OFF = "Outline Business Case signed off"
FBC_SIGNED_OFF = "Full Business Case signed off"
# The statutory Employee Liability Information came 28 days before transfer and the final
# list a week before (the dates the workforce demo's rosters are received on).
ELI_RECEIVED = REAL_TRANSFER - timedelta(days=28)
FINAL_LIST_RECEIVED = REAL_TRANSFER - timedelta(days=7)

# (workstream, title, baseline, forecast or None if on baseline, status, owner, depends on)
MILESTONES = [
    ("Governance", "Decision not to extend the community services contract", date(2022, 5, 26), None, C, "demo-director", []),
    ("Governance", "Programme board terms of reference agreed", date(2022, 7, 1), None, C, "demo-pm", []),
    ("Governance", SOC_APPROVED, date(2022, 11, 10), None, C, "demo-director", []),
    ("Governance", OBC_SIGNED_OFF, date(2023, 3, 30), date(2023, 4, 27), C, "demo-director", ["Strategic Outline Case approved by Cabinet"]),
    ("Governance", FBC_SIGNED_OFF, date(2023, 10, 12), date(2023, 11, 9), C, "demo-director", [OBC_SIGNED_OFF]),
    ("Governance", "Transfer assurance board set up", date(2024, 1, 15), None, N, "demo-pm", []),
    ("Governance", "Go/no-go decision by programme board", date(2024, 3, 11), None, N, "demo-director", ["Business Transfer Agreement signed", "CQC registration confirmed"]),
    ("Governance", "Post-transfer assurance board closes", date(2024, 9, 30), None, N, "demo-pm", []),
    # The first year's close-down: due after the demo's today on any day it is loaded (the
    # demo stands in the year after transfer), so the plan always has open work.
    ("Governance", "Post-implementation review reported to Cabinet", date(2025, 6, 26), None, N, "demo-director", ["Post-transfer assurance board closes"]),
    ("HR", "Staff engagement roadshows at every base", date(2023, 10, 16), None, C, "demo-hr", []),
    ("HR", "HR policy comparison with provider terms", date(2023, 11, 10), date(2023, 11, 24), P, "demo-hr", []),
    ("HR", "Formal TUPE consultation with trade unions starts", date(2023, 11, 20), date(2023, 12, 4), P, "demo-hr", []),
    ("HR", "Measures letter sent to the outgoing provider", date(2024, 1, 19), None, N, "demo-hr", []),
    ("HR", "Draft Employee Liability Information received", date(2023, 12, 15), ELI_RECEIVED, R, "demo-hr", []),
    ("HR", "Job mapping to council structure complete", date(2024, 2, 9), None, N, "demo-hr", ["Draft Employee Liability Information received"]),
    ("HR", "Final staff list received from provider", date(2024, 3, 4), FINAL_LIST_RECEIVED, N, "demo-hr", ["Draft Employee Liability Information received"]),
    ("HR", "Buddies assigned to every transferring manager", date(2024, 3, 15), None, N, "demo-hr", []),
    ("HR", "Day-one inductions booked", date(2024, 3, 22), None, N, "demo-hr", []),
    ("Payroll", "Payroll data template agreed with provider", date(2023, 11, 30), None, P, "demo-hr", []),
    ("Payroll", "NHS Pension Scheme direction approved", date(2024, 2, 29), None, N, "demo-hr", []),
    ("Payroll", "Parallel payroll run 1", date(2024, 2, 16), None, N, "demo-hr", ["Payroll data template agreed with provider"]),
    ("Payroll", "Parallel payroll run 2", date(2024, 3, 8), None, N, "demo-hr", ["Parallel payroll run 1", "Final staff list received from provider"]),
    ("Payroll", "First council payroll for transferred staff", date(2024, 4, 26), None, N, "demo-hr", ["Parallel payroll run 2"]),
    ("Finance", "Mobilisation budget agreed from the ASC reserve", date(2022, 11, 10), None, C, "demo-finance", []),
    ("Finance", "Mobilisation spend report to lead member", date(2023, 12, 14), None, N, "demo-finance", []),
    ("Finance", "Cost centres and ledger codes set up", date(2024, 1, 31), None, N, "demo-finance", []),
    ("Finance", "Budget transfer from the ICB agreed", date(2024, 2, 29), date(2024, 3, 15), R, "demo-finance", []),
    ("IT & systems", "Discovery of provider systems complete", date(2023, 9, 29), None, C, "demo-pm", []),
    ("IT & systems", "Data sharing agreement signed", date(2023, 11, 17), None, P, "demo-pm", []),
    ("IT & systems", "Case records migration test", date(2024, 1, 12), date(2024, 2, 2), R, "demo-pm", ["Data sharing agreement signed"]),
    ("IT & systems", "Network accounts created for transferring staff", date(2024, 3, 18), None, N, "demo-pm", ["Final staff list received from provider"]),
    ("IT & systems", "Laptops and phones handed over at each base", date(2024, 3, 28), None, N, "demo-pm", ["Network accounts created for transferring staff"]),
    ("IT & systems", "Final case records migration and cut-over", date(2024, 3, 29), None, N, "demo-pm", ["Case records migration test"]),
    ("IT & systems", "Legacy case system decommissioned", date(2025, 2, 28), date(2025, 5, 30), R, "demo-pm", ["Final case records migration and cut-over"]),
    ("Estates", "Base locations confirmed", date(2023, 10, 31), None, C, "demo-pm", []),
    ("Estates", "Licence to occupy provider sites agreed", date(2024, 2, 23), None, N, "demo-pm", []),
    ("Estates", "Signage and building passes in place", date(2024, 3, 25), None, N, "demo-pm", []),
    ("Legal", "Business Transfer Agreement first draft", date(2023, 11, 3), None, C, "demo-director", []),
    ("Legal", "Exit plan agreed with the outgoing provider", date(2023, 12, 8), None, P, "demo-director", []),
    ("Legal", "Business Transfer Agreement signed", date(2024, 2, 16), date(2024, 3, 8), R, "demo-director", ["Final staff list received from provider"]),
    ("Procurement", "Provider supplier contracts listed", date(2023, 12, 15), None, P, "demo-finance", []),
    ("Procurement", "Supplier contracts novated or re-let", date(2024, 3, 1), None, N, "demo-finance", ["Provider supplier contracts listed"]),
    ("Communications & engagement", "Stakeholder engagement plan agreed", date(2023, 1, 31), None, C, "demo-pm", []),
    ("Communications & engagement", "Monthly trade union sessions begin", date(2023, 9, 5), None, C, "demo-hr", []),
    ("Communications & engagement", "Letters to people who use services and carers", date(2024, 3, 4), None, N, "demo-pm", []),
    ("Communications & engagement", "Lead member readiness briefing", date(2024, 3, 14), None, N, "demo-pm", []),
    ("Service operations", "Service specifications for PD01 and SD43 finalised", date(2023, 11, 17), None, C, "demo-director", []),
    ("Service operations", "Operational readiness review", date(2024, 2, 28), None, N, "demo-director", []),
    ("Service operations", "Day-one business continuity plan tested", date(2024, 3, 20), None, N, "demo-director", []),
    ("Service operations", "Services live under the council", date(2024, 4, 1), None, N, "demo-director", ["Go/no-go decision by programme board", "Final case records migration and cut-over"]),
    ("Regulation (CQC registration)", "CQC registration application submitted", date(2023, 11, 1), date(2023, 11, 24), C, "demo-director", []),
    ("Regulation (CQC registration)", "Registered manager interviews with CQC", date(2024, 1, 26), None, N, "demo-director", ["CQC registration application submitted"]),
    ("Regulation (CQC registration)", "CQC registration confirmed", date(2024, 3, 15), None, R, "demo-director", ["Registered manager interviews with CQC"]),
]

# Activities, which run from a start to an end: (workstream, title, baseline start,
# baseline end, forecast start and end or None if on baseline, status, owner, depends on).
# Their statuses are settled against today as the milestones' are, and their RAG follows:
# the consultation, the agency tender and the data cleansing have slipped (Amber while
# open).
ACTIVITIES = [
    ("HR", "Staff consultation under TUPE regulation 13", date(2023, 11, 20), date(2024, 1, 5),
     (date(2023, 11, 27), date(2024, 1, 12)), P, "demo-hr", []),
    ("Procurement", "Tender period: agency and interim cover from day one", date(2023, 10, 2), date(2023, 11, 24),
     (date(2023, 10, 2), date(2023, 12, 15)), P, "demo-finance", []),
    ("Procurement", "Tender period: supplier contracts to re-let", date(2024, 1, 8), date(2024, 2, 23),
     None, N, "demo-finance", ["Provider supplier contracts listed"]),
    ("IT & systems", "Case records data cleansing", date(2023, 10, 2), date(2023, 11, 24),
     (date(2023, 10, 16), date(2023, 12, 1)), P, "demo-pm", []),
    ("Communications & engagement", "Engagement period with people who use services", date(2024, 1, 8),
     date(2024, 2, 16), None, N, "demo-pm", []),
]

# The RAG a programme manager set by hand, with the reason, where the dates say otherwise.
RAG_OVERRIDES = {
    "Budget transfer from the ICB agreed": (
        "red", "The ICB's finance committee deferred the decision to its next meeting, after the budget is set."),
}

DECISIONS = [
    dict(body="Cabinet and CCG Governing Body", meeting_date=date(2022, 5, 26), key_decision=True,
         title="Community services contract: not to extend",
         decision="Not to take up the three-year extension of the community services contract "
                  "(option 3), and to plan new arrangements from 1 April 2024.",
         wards="All"),
    dict(body="Cabinet", meeting_date=date(2022, 9, 8), key_decision=False,
         title="Community services design update",
         decision="Meeting cancelled; the update was carried into the November report.",
         wards="All"),
    dict(body="Cabinet", meeting_date=date(2022, 11, 10), key_decision=True, forward_plan_ref="E3393",
         published_on=date(2022, 11, 14),
         title="Strategic Outline Case for adult social care services",
         decision="To proceed to Outline and Full Business Cases on the basis of bringing "
                  "PD01 and SD43 in-house.",
         delegations="Director of Adult Social Services, with the lead Cabinet member and the "
                     "Chief Financial Officer, to sign off the Outline and Full Business Cases.",
         wards="All"),
    dict(body="Director of Adult Social Services (delegated)", meeting_date=date(2023, 4, 27),
         key_decision=True, title="Outline Business Case sign-off",
         decision="Outline Business Case approved under the November 2022 delegation; the Full "
                  "Business Case to follow on the in-sourcing option.",
         wards="All"),
    dict(body="Director of Adult Social Services (delegated)", meeting_date=date(2023, 11, 9),
         key_decision=True, title="Full Business Case sign-off",
         decision="Full Business Case approved under the November 2022 delegation.",
         wards="All"),
]

LESSONS = [
    ("Monthly lead-member briefings keep decisions moving", "went_well", date(2023, 6, 30), "Governance",
     "Short monthly briefings meant no decision waited for a Cabinet cycle.",
     "Keep the monthly slot until the assurance board closes."),
    ("Trade union sessions every month build trust", "went_well", date(2023, 10, 31), "Communications & engagement",
     "Unison, Unite and GMB representatives raised issues early and in one place.",
     "Carry on after transfer day."),
    ("Subject-matter experts should meet across workstreams earlier", "to_improve", date(2023, 9, 30), "Governance",
     "Payroll, pensions and IT found shared problems late.",
     "Fortnightly cross-workstream meeting from now to transfer."),
    ("Ask for staff information well before the statutory deadline", "to_improve", date(2023, 11, 30), "HR",
     "The provider will only commit to the statutory 28 days, which squeezes the transfer agreement.",
     "Agree an earlier draft date in the exit plan; escalate through the contract manager."),
    ("Check corporate support running-cost estimates", "to_improve", date(2023, 11, 15), "Finance",
     "Mobilisation estimates for corporate support services were light on detail.",
     "Each support service to confirm its estimate in writing."),
    ("One programme plan replaced five spreadsheets", "went_well", date(2023, 7, 31), "Governance",
     "Workstream leads now update their own milestones.", ""),
]

ENGAGEMENT = [
    (date(2023, 9, 5), "trade_union", "Unison, Unite and GMB", "Trade union engagement session", 9),
    (date(2023, 10, 3), "trade_union", "Unison, Unite and GMB", "Trade union engagement session", 8),
    (date(2023, 10, 16), "staff_briefing", "Transferring staff, Bath bases", "Staff roadshow", 64),
    (date(2023, 10, 19), "staff_briefing", "Transferring staff, learning disability services", "Staff roadshow", 71),
    (date(2023, 11, 7), "trade_union", "Unison, Unite and GMB", "Trade union engagement session", 10),
    (date(2023, 11, 14), "partner", "BSW Integrated Care Board", "Transfer planning meeting", 7),
    (date(2023, 11, 21), "member", "Lead Cabinet member for adult services", "Monthly lead-member briefing", 4),
    (date(2023, 11, 28), "public", "Carers' forum", "What the change means for carers", 23),
    (date(2023, 12, 5), "trade_union", "Unison, Unite and GMB", "Start of formal TUPE consultation", 11),
    (date(2024, 1, 9), "trade_union", "Unison, Unite and GMB", "Trade union engagement session", None),
    (date(2024, 2, 6), "trade_union", "Unison, Unite and GMB", "Trade union engagement session", None),
]

CONFIDENCE = [
    (date(2023, 6, 30), "amber", "Business case on track; workstream leads in place."),
    (date(2023, 7, 31), "amber", "Payroll and pensions route agreed in principle."),
    (date(2023, 8, 31), "amber_green", "Full Business Case drafting on schedule."),
    (date(2023, 9, 30), "amber_green", "Engagement with staff and unions going well."),
    (date(2023, 10, 31), "amber", "Business Transfer Agreement negotiation slower than planned."),
    (date(2023, 11, 30), "amber_red", "Staff information is late and CQC registration is not yet "
                                      "confirmed; both are on the critical path."),
    (date(2024, 1, 31), "amber_red", "Case records migration test slipped three weeks."),
    (date(2024, 2, 29), "amber", "Migration test passed; staff information promised for the statutory date."),
    (date(2024, 3, 31), "amber_green", "Go decision taken; the final staff list came a week before transfer."),
    (date(2024, 6, 30), "green", "Services running under the council; the first payrolls were paid on time."),
    (date(2024, 9, 30), "green", "Post-transfer assurance board closed; lessons handed to business as usual."),
]


def add_years(day: date, years: int) -> date:
    """`day` moved by whole calendar years; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Shift:
    """How the demo's historical dates are moved, and the day the demo stands on.

    The move is in whole years, never in days: every date keeps its day and month, so it
    stays in the same accounting period of the same (moved) financial year, transfer day
    stays on 1 April — the first day of a financial year, as the contract's end on 31 March
    made it — and a reference figure for "2023/24" stays the figure for the year in which
    the same events fall. `today` is the demo's present, in the moved calendar: what is
    dated on or before it has happened, what is after it is still to come."""

    years: int
    today: date

    def __call__(self, d: date | None) -> date | None:
        return add_years(d, self.years) if d else None

    def fy(self, year: str | int | FinancialYear) -> FinancialYear:
        """The moved financial year of a reference year such as "2023/24"."""
        return FinancialYear.parse(year) + self.years

    def happened(self, d: date | None) -> bool:
        """Whether a moved date is on or before the demo's today."""
        return d is not None and d <= self.today


def demo_shift(*, today: date, real_dates: bool) -> Shift:
    """Move the reference dates by whole years so that `today` falls in the financial year
    that began on transfer day (1 April 2024 in the reference).

    That is the latest point the reference figures allow: its ledger (the mobilisation
    outturn) runs to 31 March 2025, its rosters arrive 28 and 7 days before transfer and its
    readiness counts are day one's, so any earlier "today" would show money spent and lists
    received in the future. A whole-year move keeps every figure in the year it belongs to,
    and recomputing it from today keeps the demo consistent in whatever year it is loaded.
    With `real_dates` nothing moves and the demo stands on the same day of the real year."""
    years = FinancialYear.start_year_of(today) - REAL_TRANSFER.year
    if real_dates:
        return Shift(years=0, today=add_years(today, -years))
    return Shift(years=years, today=today)


def _user(username: str, first: str, last: str, password: str):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last,
                                     "email": f"{username}@example.org"})
    if created:
        user.set_password(password)
        user.save()
    return user


def _save(obj, reason="Demo data loaded"):
    obj.full_clean()
    obj._change_reason = reason
    obj.save()
    return obj


# Later apps add their own demo rows: a function registered with `demo_step` is called
# at the end of `demo_load` with (programme, users by username, shift). Programmes cannot
# import those apps, so they register themselves in their AppConfig.ready.
_demo_steps: list = []


def demo_step(func):
    """Register `func(programme, users, shift)` to run when the demo programme is built."""
    if func not in _demo_steps:
        _demo_steps.append(func)
    return func


@transaction.atomic
def demo_load(*, today: date, real_dates: bool = False) -> bool:
    """Build the demo programme, its users and another council's programme.
    Returns False, changing nothing, when the demo is already loaded."""
    password = settings.INSOURCE_DEMO_PASSWORD
    if not password:
        raise RuntimeError("Demo accounts are switched off in these settings.")
    if Programme.objects.filter(slug=DEMO_SLUG).exists():
        return False
    s = demo_shift(today=today, real_dates=real_dates)
    users = {u: _user(u, f, last, password) for u, f, last, _ in DEMO_USERS}
    outsider = _user(*OUTSIDER, password)

    council = _save(Organisation(name="Bath & North East Somerset Council", short_name="B&NES",
                                 kind=Organisation.Kind.COUNCIL))
    _save(CouncilAdministrator(organisation=council, user=_user(*COUNCIL_ADMIN, password)),
          reason="Demo data loaded: the council's administrator")
    icb = _save(Organisation(
        name="Bath & North East Somerset, Swindon and Wiltshire Integrated Care Board",
        short_name="BSW ICB", kind=Organisation.Kind.NHS_ICB))
    provider = _save(Organisation(name="HCRG Care Group", short_name="HCRG",
                                  kind=Organisation.Kind.OUTGOING_PROVIDER))
    programme = _save(Programme(
        name="Community Services Transformation Programme – Adult Social Care transfer",
        slug=DEMO_SLUG, lead_organisation=council, transfer_date=s(REAL_TRANSFER),
        director="Director of Adult Social Services", contract_share=Decimal("61.00"),
        status=Programme.Status.TRANSFERRED if s.happened(s(REAL_TRANSFER)) else Programme.Status.MOBILISING,
        summary="Bringing statutory adult social work and learning disability services back "
                "under the council when the community services contract ends.",
    ))
    programme.partners.set([icb])
    for code, name in (
        ("PD01", "Statutory Adult Social Work (incl. Direct Payments team)"),
        ("SD43", "Adults with Learning Disabilities (day services, Shared Lives, Employment "
                 "Inclusion, Supported Living)"),
    ):
        _save(ServiceInScope(programme=programme, code=code, name=name))
    # The community services contract the programme ends: its last day is the day before
    # transfer, and the staff of both services transfer under it on transfer day.
    contract = _save(Contract(
        programme=programme, title="Community services contract", counterparty=provider,
        end_date=s(date(2024, 3, 31)),
        extension_options="A three-year extension term, which Cabinet decided in May 2022 not to take up",
        staff_transfer=True, transfer_date=s(REAL_TRANSFER)))
    contract.services.set(programme.services.all())
    for username, _, _, role in DEMO_USERS:
        _save(Membership(programme=programme, user=users[username], role=role))

    workstreams = {}
    for order, (name, kind, lead) in enumerate(WORKSTREAMS):
        workstreams[name] = _save(Workstream(programme=programme, name=name, kind=kind,
                                             lead=users[lead], order=order))
    by_title = {}
    for ws, title, baseline, forecast, status, owner, _ in MILESTONES:
        m = Milestone(
            programme=programme, workstream=workstreams[ws], title=title, owner=users[owner],
            baseline_date=s(baseline), forecast_date=s(forecast or baseline), status=status,
        )
        # The table's statuses are the plan's as it stood four months out. What was due by
        # today was done on its forecast date (the transfer went live on time); what was
        # marked done but falls after today is still under way.
        if s.happened(m.forecast_date):
            m.status = C
        elif m.status == C:
            m.status = P
        if m.status == C:
            m.actual_date = m.forecast_date
        if title in RAG_OVERRIDES and m.status != C:
            m.rag_override, m.rag_override_reason = RAG_OVERRIDES[title]
            m.rag_override_by, m.rag_override_at = users["demo-pm"], timezone.now()
        by_title[title] = _save(m)
    for ws, title, baseline_start, baseline_end, forecast, status, owner, _ in ACTIVITIES:
        forecast_start, forecast_end = forecast or (baseline_start, baseline_end)
        a = Milestone(
            programme=programme, workstream=workstreams[ws], title=title, owner=users[owner],
            kind=Milestone.Kind.ACTIVITY, baseline_start_date=s(baseline_start), baseline_date=s(baseline_end),
            forecast_start_date=s(forecast_start), forecast_date=s(forecast_end), status=status)
        # As for milestones: ended by today means done on its forecast end; not begun by
        # today means not started; begun means under way.
        if s.happened(a.forecast_date):
            a.status, a.actual_date = C, a.forecast_date
        elif not s.happened(a.forecast_start_date):
            a.status = N
        elif a.status in (N, C):
            a.status = P
        by_title[title] = _save(a)
    for _, title, *_, deps in [*MILESTONES, *ACTIVITIES]:
        if deps:
            by_title[title].depends_on.set([by_title[d] for d in deps])

    for d in DECISIONS:
        if not s.happened(s(d["meeting_date"])):
            continue  # a decision not yet taken is not in the log
        dates = {k: s(d[k]) for k in ("meeting_date", "published_on") if d.get(k)}
        _save(Decision(programme=programme, **{**d, **dates}))
    for title, kind, when, ws, detail, action in LESSONS:
        if not s.happened(s(when)):
            continue
        _save(Lesson(programme=programme, title=title, kind=kind, recorded_on=s(when),
                     workstream=workstreams[ws], detail=detail, action=action))
    for when, kind, group, title, attendees in ENGAGEMENT:
        if not s.happened(s(when)):
            continue  # not happened yet
        _save(EngagementEvent(programme=programme, date=s(when), kind=kind, group=group,
                              title=title, attendees=attendees))
    for period_end, rating, commentary in CONFIDENCE:
        if not s.happened(s(period_end)):
            continue
        _save(ConfidenceAssessment(programme=programme, period_end=s(period_end), rating=rating,
                                   commentary=commentary, assessed_by=users["demo-director"]))

    # The plan's baseline as the council approved it: the dates it already has, named.
    baseline_take(programme=programme, name="Approved at OBC", keep="present", user=users["demo-pm"],
                  reason="Cabinet approved the outline business case; its plan is what slippage is measured against.")

    _other_council(outsider=outsider, shift=s)
    for step in _demo_steps:
        step(programme, users, s)
    # The council met every statutory date that has passed: each is marked done on its day.
    # Those still to come stay open (the restructure's consultation and HR1 among them).
    today = timezone.localdate()
    for d in derived_deadlines(programme=programme, today=today):
        if d.action and d.date < today:
            deadline_mark_done(programme=programme, key=d.key, title=d.title, done_on=d.date, note="",
                               user=users["demo-pm"])
    return True


def _other_council(*, outsider, shift: Shift) -> None:
    """Another council's programme, whose only member is the outsider: nothing of it may
    ever show to the demo programme's members, nor theirs to the outsider."""
    council = _save(Organisation(name="Northmoor District Council", short_name="Northmoor",
                                 kind=Organisation.Kind.COUNCIL))
    provider = _save(Organisation(name="Moorside Home Care Ltd", short_name="Moorside",
                                  kind=Organisation.Kind.OUTGOING_PROVIDER))
    programme = _save(Programme(
        name="Reablement service insourcing", slug=OTHER_SLUG, lead_organisation=council,
        transfer_date=shift(date(2024, 10, 1)), director="Director of Adult Care",
    ))
    _save(Contract(programme=programme, title="Reablement contract", counterparty=provider,
                   end_date=shift(date(2024, 9, 30)), staff_transfer=True, transfer_date=shift(date(2024, 10, 1))))
    _save(Membership(programme=programme, user=outsider, role=Role.PROGRAMME_MANAGER))
    ws = _save(Workstream(programme=programme, name="HR", kind=Workstream.Kind.HR))
    _save(Milestone(programme=programme, workstream=ws, title="Northmoor consultation starts",
                    baseline_date=shift(date(2024, 5, 1)), forecast_date=shift(date(2024, 5, 1)),
                    owner=outsider))
