"""Large synthetic programmes for benchmarks and scale tests (`make_scale_data`, `make bench`).

Each scale programme (slug `scale-1` … `scale-N`) is about the size of a big real one: 11
workstreams, 300 milestones over about two and a half years around a transfer day four
months from today, and full logs. The five scale users (`scale-pm` … `scale-viewer`) hold
one role each in every scale programme.

Rows are written with bulk_create, so no history rows are made: scale data is for measuring
pages, and a history of how synthetic rows were typed in would mean nothing. (bulk_create
sends no post_save signal, which is what django-simple-history listens to.)

Running the build again first deletes every scale programme, so it is idempotent. Later
apps add their own rows to each scale programme by registering a step:

    from programmes.scale import ScaleContext, scale_step

    @scale_step
    def risks_scale(ctx: ScaleContext) -> None:
        for sp in ctx.programmes:
            ...  # bulk_create this app's rows for sp.programme, using sp.rng

and importing that module in their AppConfig.ready (as job handlers are registered).
Steps run in registration order, after the programmes and their plans exist, inside the
build's transaction; a step may give `clear=` a function that deletes rows which the
programme's cascade would not.
"""
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test.utils import override_settings

from core.roles import Role
from programmes.demo import DEMO_USERS, WORKSTREAMS
from programmes.models import (
    ConfidenceAssessment,
    Contract,
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

SLUG_PREFIX = "scale-"
SLUG_PATTERN = r"^scale-[0-9]+$"

SCALE_USERS = [
    # username, first, last, role in every scale programme
    ("scale-pm", "Pat", "Morgan", Role.PROGRAMME_MANAGER),
    ("scale-finance", "Farah", "Ince", Role.FINANCE_OFFICER),
    ("scale-hr", "Harriet", "Rowe", Role.HR_LEAD),
    ("scale-director", "Dev", "Rao", Role.DIRECTOR),
    ("scale-viewer", "Vic", "Ward", Role.VIEWER),
]

MILESTONES_PER_PROGRAMME = 300
DECISIONS = 12
KEY_DECISIONS = 5
LESSONS = 20
ENGAGEMENT_EVENTS = 30
CONFIDENCE_MONTHS = 18
# Transfer day is about four months away; the plan runs two years before it and six
# months after (post-transfer assurance), about two and a half years in all.
DAYS_TO_TRANSFER = 120
PLAN_BEFORE_TRANSFER = 730
PLAN_AFTER_TRANSFER = 182

PROVIDER_NAME = "Scale Community Care Ltd (synthetic)"
PARTNER_NAME = "Scale Integrated Care Board (synthetic)"

# Milestone titles by workstream kind; repeated titles get a round number.
TITLES = {
    Workstream.Kind.GOVERNANCE: [
        "Programme board meets", "Highlight report to lead member", "Gateway review",
        "Business case stage signed off", "Risk register reviewed by board",
        "Assurance board checkpoint", "Go/no-go readiness review", "Scrutiny panel update",
    ],
    Workstream.Kind.HR: [
        "TUPE consultation meeting with trade unions", "Measures letter issued",
        "Employee Liability Information checked", "Job mapping workshop",
        "Staff roadshow at each base", "One-to-one meetings with transferring staff",
        "Policy harmonisation paper agreed", "Manager induction sessions",
    ],
    Workstream.Kind.PAYROLL: [
        "Payroll data extract received", "Parallel payroll run", "Pension admission agreed",
        "Bank details validated", "Salary sacrifice schemes mapped", "Payslip test issued",
    ],
    Workstream.Kind.FINANCE: [
        "Budget transfer agreed", "Cost centres set up", "Mobilisation spend reported",
        "Medium-term financial plan updated", "Invoice run-off agreed with provider",
        "Purchase card limits set",
    ],
    Workstream.Kind.IT: [
        "Data migration test", "Network accounts created", "Case records cut-over rehearsal",
        "Devices issued at base", "Data protection impact assessment signed",
        "Telephony moved", "Access to the care record system tested",
    ],
    Workstream.Kind.ESTATES: [
        "Site survey complete", "Licence to occupy agreed", "Signage installed",
        "Fire risk assessment done", "Building passes issued",
    ],
    Workstream.Kind.LEGAL: [
        "Business Transfer Agreement draft", "Exit plan schedule agreed",
        "Data sharing agreement signed", "Lease assignment agreed", "Novation deeds signed",
    ],
    Workstream.Kind.PROCUREMENT: [
        "Supplier contracts listed", "Contract novated or re-let", "Framework call-off placed",
        "Spot purchase arrangements agreed",
    ],
    Workstream.Kind.COMMUNICATIONS: [
        "Letters to people who use services", "Trade union engagement session",
        "Carers' forum briefing", "Staff newsletter issued", "Partner briefing",
        "Website and leaflets updated",
    ],
    Workstream.Kind.OPERATIONS: [
        "Operational readiness review", "Business continuity plan tested",
        "Rota for transfer week agreed", "Safeguarding procedures aligned",
        "Service specification finalised", "Performance indicators baselined",
    ],
    Workstream.Kind.REGULATION: [
        "CQC registration application", "Registered manager interview",
        "Statement of purpose approved", "CQC notifications process agreed",
    ],
}

DECISION_BODIES = ["Cabinet", "Programme board", "Health and Wellbeing Board",
                   "Director of Adult Social Services (delegated)", "Full Council"]
DECISION_TITLES = [
    "Approach to the ending contract", "Strategic Outline Case", "Outline Business Case",
    "Full Business Case", "Mobilisation budget", "Pay and grading of transferring roles",
    "Pension admission arrangements", "Estates strategy for the service",
    "Data sharing and records transfer", "Go/no-go for transfer day",
    "Post-transfer assurance arrangements", "Fees and charges policy",
]
LESSON_TITLES = [
    "Brief trade unions before every board", "Agree data extracts early",
    "Book payroll test dates a quarter ahead", "Cross-workstream meeting every fortnight",
    "Keep one plan, not one per workstream", "Escalate late staff information early",
    "Check cost estimates with each support service", "Ask frontline managers to test systems",
]
ENGAGEMENT = [
    ("trade_union", "Unison, Unite and GMB", "Trade union engagement session"),
    ("staff_briefing", "Transferring staff", "Staff roadshow"),
    ("partner", "Integrated Care Board", "Transfer planning meeting"),
    ("member", "Lead Cabinet member", "Lead-member briefing"),
    ("public", "Carers' forum", "What the change means for carers"),
    ("other", "Healthwatch", "Healthwatch update"),
]
RATINGS = [r.value for r in ConfidenceAssessment.Rating]  # green … red, in order


@dataclass
class ScaleProgramme:
    """One built scale programme, for steps that add to it."""

    index: int
    programme: Programme
    workstreams: list[Workstream]
    milestones: list[Milestone]
    rng: random.Random


@dataclass
class ScaleContext:
    today: date
    users: dict[str, object]  # role → the scale user holding it
    programmes: list[ScaleProgramme] = field(default_factory=list)


@dataclass(frozen=True)
class _Step:
    build: Callable[[ScaleContext], None]
    clear: Callable[[], None] | None = None


_steps: list[_Step] = []


def scale_step(build=None, *, clear: Callable[[], None] | None = None):
    """Register a function that adds an app's scale rows; usable bare or with `clear=`."""

    def register(func):
        if all(s.build is not func for s in _steps):
            _steps.append(_Step(func, clear))
        return func

    return register(build) if build is not None else register


def scale_programmes():
    """The scale programmes, and nothing that merely starts with 'scale-'."""
    return Programme.objects.filter(slug__regex=SLUG_PATTERN)


def scale_data_clear() -> int:
    """Delete every scale programme and all that hangs off it. Returns how many."""
    for step in reversed(_steps):
        if step.clear:
            step.clear()
    programmes = scale_programmes()
    count = programmes.count()
    # Deleting would otherwise write a "deleted" history row for every scale row.
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        # Milestones first: their workstream is PROTECTed, even from the programme's cascade.
        Milestone.objects.filter(programme__in=programmes).delete()
        programmes.delete()
    return count


@transaction.atomic
def scale_data_build(*, programmes: int, today: date) -> ScaleContext:
    """Replace the scale programmes with `programmes` new ones (scale-1 … scale-N)."""
    password = settings.INSOURCE_DEMO_PASSWORD
    if not password:
        raise RuntimeError("Scale data needs demo accounts, which are switched off in these settings.")
    if programmes < 1:
        raise ValueError("Build at least one scale programme.")
    scale_data_clear()
    ctx = ScaleContext(today=today, users=_scale_users(password))
    provider, partner = _organisations([(PROVIDER_NAME, Organisation.Kind.OUTGOING_PROVIDER),
                                        (PARTNER_NAME, Organisation.Kind.NHS_ICB)])
    councils = _organisations([(f"Scale Borough Council {i} (synthetic)", Organisation.Kind.COUNCIL)
                               for i in range(1, programmes + 1)])
    transfer = today + timedelta(days=DAYS_TO_TRANSFER)
    built = Programme.objects.bulk_create([
        Programme(
            name=f"Scale programme {i}: Adult Social Care transfer",
            slug=f"{SLUG_PREFIX}{i}", lead_organisation=council, transfer_date=transfer,
            director="Director of Adult Social Services", contract_share=Decimal("58.50"),
            status=Programme.Status.MOBILISING,
            summary="Synthetic programme for benchmarks: bringing adult social care back in-house.",
        )
        for i, council in enumerate(councils, start=1)
    ])
    Programme.partners.through.objects.bulk_create(
        [Programme.partners.through(programme_id=p.pk, organisation_id=partner.pk) for p in built])
    _contracts(built, provider)
    for i, programme in enumerate(built, start=1):
        ctx.programmes.append(_build_programme(i, programme, ctx))
    for step in _steps:
        step.build(ctx)
    return ctx


def _contracts(programmes, provider) -> None:
    """Each scale programme's one contract: with the provider, ending the day before the
    transfer, under which staff transfer."""
    Contract.objects.bulk_create([
        Contract(programme=p, title="Community services contract", counterparty=provider,
                 end_date=p.transfer_date - timedelta(days=1), notice_days=180, staff_transfer=True,
                 transfer_date=p.transfer_date)
        for p in programmes])


@transaction.atomic
def scale_programme_add(*, milestones: int, today: date) -> Programme:
    """One more scale programme (the next free scale-N) whose plan has `milestones`
    milestones, beside the ones already built, which it leaves alone. Only the programme
    app's rows are made: the bench measures the tracker with it at sizes other than
    MILESTONES_PER_PROGRAMME."""
    password = settings.INSOURCE_DEMO_PASSWORD
    if not password:
        raise RuntimeError("Scale data needs demo accounts, which are switched off in these settings.")
    taken = {int(slug.removeprefix(SLUG_PREFIX)) for slug in scale_programmes().values_list("slug", flat=True)}
    index = next(i for i in range(1, len(taken) + 2) if i not in taken)
    ctx = ScaleContext(today=today, users=_scale_users(password))
    provider, council = _organisations([(PROVIDER_NAME, Organisation.Kind.OUTGOING_PROVIDER),
                                        (f"Scale Borough Council {index} (synthetic)", Organisation.Kind.COUNCIL)])
    transfer = today + timedelta(days=DAYS_TO_TRANSFER)
    [programme] = Programme.objects.bulk_create([Programme(
        name=f"Scale programme {index}: Adult Social Care transfer ({milestones} milestones)",
        slug=f"{SLUG_PREFIX}{index}", lead_organisation=council, transfer_date=transfer,
        director="Director of Adult Social Services", contract_share=Decimal("58.50"),
        status=Programme.Status.MOBILISING,
        summary="Synthetic programme for benchmarks: bringing adult social care back in-house.",
    )])
    _contracts([programme], provider)
    _build_programme(index, programme, ctx, milestones=milestones)
    return programme


def _scale_users(password: str) -> dict:
    User = get_user_model()
    existing = {u.username: u for u in User.objects.filter(username__in=[u for u, *_ in SCALE_USERS])}
    hashed = make_password(password)  # hashed once: the five users share the password
    new = [User(username=username, first_name=first, last_name=last, password=hashed,
                email=f"{username}@example.org")
           for username, first, last, _ in SCALE_USERS if username not in existing]
    for user in User.objects.bulk_create(new):
        existing[user.username] = user
    return {role: existing[username] for username, _, _, role in SCALE_USERS}


def _organisations(wanted: list[tuple[str, str]]) -> list[Organisation]:
    existing = Organisation.objects.in_bulk([name for name, _ in wanted], field_name="name")
    Organisation.objects.bulk_create(
        [Organisation(name=name, kind=kind) for name, kind in wanted if name not in existing])
    existing = Organisation.objects.in_bulk([name for name, _ in wanted], field_name="name")
    return [existing[name] for name, _ in wanted]


def _build_programme(index: int, programme: Programme, ctx: ScaleContext, *,
                     milestones: int = MILESTONES_PER_PROGRAMME) -> ScaleProgramme:
    rng = random.Random(f"scale-{index}")  # the same data on every run
    users = ctx.users
    # The demo's workstreams, led by the scale user holding the demo lead's role.
    role_of_demo_user = {username: role for username, *_, role in DEMO_USERS}
    Membership.objects.bulk_create(
        [Membership(programme=programme, user=user, role=role) for role, user in users.items()])
    ServiceInScope.objects.bulk_create([
        ServiceInScope(programme=programme, code="PD01", share_of_contract=Decimal("41.00"),
                       name="Statutory Adult Social Work (incl. Direct Payments team)"),
        ServiceInScope(programme=programme, code="SD43", share_of_contract=Decimal("17.50"),
                       name="Adults with Learning Disabilities (day services, Shared Lives)"),
    ])
    workstreams = Workstream.objects.bulk_create([
        Workstream(programme=programme, name=name, kind=kind, lead=users[role_of_demo_user[lead]], order=order)
        for order, (name, kind, lead) in enumerate(WORKSTREAMS)
    ])
    plan = _milestones(programme, workstreams, list(users.values()), ctx.today, rng, count=milestones)
    _decisions(programme, ctx.today, rng)
    _logs(programme, workstreams, users[Role.DIRECTOR], ctx.today, rng)
    return ScaleProgramme(index, programme, workstreams, plan, rng)


def _milestones(programme, workstreams, people, today, rng, *, count: int) -> list[Milestone]:
    transfer = programme.transfer_date
    start = transfer - timedelta(days=PLAN_BEFORE_TRANSFER)
    span = PLAN_BEFORE_TRANSFER + PLAN_AFTER_TRANSFER
    used: dict[str, int] = {}
    rows = []
    for n in range(count):
        ws = workstreams[n % len(workstreams)]
        base = rng.choice(TITLES[ws.kind])
        used[base] = used.get(base, 0) + 1
        title = base if used[base] == 1 else f"{base} (round {used[base]})"
        # More work falls in the run-up to transfer day than at the start.
        baseline = start + timedelta(days=int(rng.triangular(0, span, PLAN_BEFORE_TRANSFER - 60)))
        roll = rng.random()
        slip = (rng.choice([7, 14, 21, 28, 42, 56, 90]) if roll < 0.3
                else -rng.choice([3, 7, 14]) if roll < 0.35 else 0)
        forecast = baseline + timedelta(days=slip)
        status, actual = _status(forecast, today, rng)
        rows.append(Milestone(
            programme=programme, workstream=ws, title=title, baseline_date=baseline,
            forecast_date=forecast, actual_date=actual, status=status,
            owner=None if rng.random() < 0.1 else rng.choice([ws.lead, *people]),
            notes="Slipped: waiting on the provider." if slip > 28 else "",
        ))
    rows.sort(key=lambda m: (m.baseline_date, m.title))
    milestones = Milestone.objects.bulk_create(rows)
    # About a third depend on one to three earlier milestones, mostly recent ones.
    links = []
    for i, m in enumerate(milestones):
        if i < 10 or rng.random() >= 1 / 3:
            continue
        earlier = milestones[max(0, i - 40):i]
        for dep in rng.sample(earlier, k=min(len(earlier), rng.randint(1, 3))):
            links.append(Milestone.depends_on.through(from_milestone_id=m.pk, to_milestone_id=dep.pk))
    Milestone.depends_on.through.objects.bulk_create(links)
    return milestones


def _status(forecast: date, today: date, rng) -> tuple[str, date | None]:
    S = Milestone.Status
    r = rng.random()
    if forecast < today:
        if r < 0.84:
            return S.COMPLETE, min(forecast + timedelta(days=rng.randint(-3, 5)), today)
        if r < 0.86:
            return S.CANCELLED, None
        # Still open with the forecast date passed: late.
        return rng.choice([S.IN_PROGRESS, S.IN_PROGRESS, S.AT_RISK, S.NOT_STARTED]), None
    if forecast <= today + timedelta(days=60):
        if r < 0.05:
            return S.COMPLETE, today - timedelta(days=rng.randint(0, 10))  # done early
        return rng.choices([S.IN_PROGRESS, S.AT_RISK, S.NOT_STARTED], weights=[45, 15, 35])[0], None
    return rng.choices([S.NOT_STARTED, S.IN_PROGRESS, S.AT_RISK, S.CANCELLED], weights=[80, 15, 4, 1])[0], None


def _decisions(programme, today, rng) -> None:
    start = programme.transfer_date - timedelta(days=PLAN_BEFORE_TRANSFER)
    step = (PLAN_BEFORE_TRANSFER + 60) // DECISIONS
    key = set(rng.sample(range(DECISIONS), KEY_DECISIONS))
    Decision.objects.bulk_create([
        Decision(
            programme=programme, body=rng.choice(DECISION_BODIES),
            meeting_date=start + timedelta(days=n * step + rng.randint(0, 20)),
            key_decision=n in key, forward_plan_ref=f"E{4000 + n}" if n in key else "",
            title=DECISION_TITLES[n % len(DECISION_TITLES)],
            decision="Agreed as recommended." if start + timedelta(days=n * step) < today else "",
            wards="All",
        )
        for n in range(DECISIONS)
    ])


def _logs(programme, workstreams, director, today, rng) -> None:
    start = programme.transfer_date - timedelta(days=PLAN_BEFORE_TRANSFER)
    past = max((today - start).days, 1)
    Lesson.objects.bulk_create([
        Lesson(
            programme=programme, title=f"{LESSON_TITLES[n % len(LESSON_TITLES)]} ({n + 1})",
            kind=rng.choice(list(Lesson.Kind.values)), workstream=rng.choice([None, *workstreams]),
            recorded_on=start + timedelta(days=rng.randint(0, past)),
            detail="Seen in more than one workstream.", action="Raise at the next programme board.",
        )
        for n in range(LESSONS)
    ])
    events = []
    for n in range(ENGAGEMENT_EVENTS):
        kind, group, title = ENGAGEMENT[n % len(ENGAGEMENT)]
        events.append(EngagementEvent(
            programme=programme, date=start + timedelta(days=rng.randint(0, past)), kind=kind,
            group=group, title=title, attendees=rng.choice([None, rng.randint(4, 80)]),
        ))
    EngagementEvent.objects.bulk_create(events)
    # One assessment at the end of each of the last 18 months, drifting between ratings.
    month_end = today.replace(day=1) - timedelta(days=1)
    level = 2
    assessments = []
    for _ in range(CONFIDENCE_MONTHS):
        assessments.append(ConfidenceAssessment(
            programme=programme, period_end=month_end, rating=RATINGS[level],
            commentary="Synthetic monthly assessment.", assessed_by=director))
        level = min(max(level + rng.choice([-1, 0, 0, 1]), 0), len(RATINGS) - 1)
        month_end = month_end.replace(day=1) - timedelta(days=1)
    ConfidenceAssessment.objects.bulk_create(assessments)
