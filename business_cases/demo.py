"""The demo programme's business cases: the Strategic Outline Case that Cabinet approved
(E3393), its six objectives and six critical success factors, the three options with a matrix
whose ranking gives the published outcomes, an economic appraisal of the two options on the
short list, and the Outline and Full Business Cases signed off under the director's
delegation on the days the plan's milestones and the decision log record — so the stage
page, the milestones and the decisions tell one story. All prose is our own; the appraisal
figures are plausible, not published ones."""
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from business_cases.models import (
    AppraisalLine,
    BusinessCaseVersion,
    Criterion,
    CriticalSuccessFactor,
    MatrixCell,
    MatrixSettings,
    Option,
    Stage,
    StrategicObjective,
)
from business_cases.services import (
    assessment_save,
    version_create,
    version_decide,
    version_save,
    version_submit,
)
from core.financial_year import FinancialYear
from programmes.demo import FBC_SIGNED_OFF, MILESTONES, OBC_SIGNED_OFF, demo_step
from programmes.services import record_save

REASON = "Demo data loaded"
SOC_MEETING = date(2022, 11, 10)

OBJECTIVES = [
    "Move adult social care safely to new arrangements once the current contract is not extended",
    "Use the change to reshape how adult social care is delivered before national reforms land",
    "Bring statutory adult social work (PD01) under the council's direct control",
    "Keep and build on the integrated ways of working that already serve people well",
    "Work at scale with the Integrated Care Board and partners across the wider area",
    "Deliver the Cabinet's stated priority of bringing services in-house",
]
CSFS = [
    "Fits the strategy and meets the needs of the service",
    "Gives good value for money",
    "Keeps care running without a break for the people who use it",
    "Is affordable over the long term",
    "Can be delivered in the time available",
    "Attracts, keeps and develops the staff the service needs",
]
OPTIONS = [
    ("Op.1", "Re-commission service delivery",
     "Run a procurement for a new provider to deliver the services from the end of the contract.",
     "Meets the timetable but leaves statutory social work outside the council and repeats the "
     "dependence on a single provider; kept on the short list as the alternative."),
    ("Op.2", "In-source service delivery to the council",
     "The council employs the transferring staff and runs the services itself from transfer day.",
     "Scores highest against the objectives and success factors and can be ready in time."),
    ("Op.3", "Set up a new organisation to deliver services",
     "Create a council-owned company or similar body to run the services.",
     "A new body could not be set up, registered and staffed before the contract ends."),
]
M, P, N = "meets", "partial", "not_met"
# Levels per option (Op.1, Op.2, Op.3) against SO1–SO6 then CSF1–CSF6.
LEVELS = {
    "SO1": (M, M, N), "SO2": (P, M, M), "SO3": (N, M, P), "SO4": (P, M, P), "SO5": (P, M, P), "SO6": (N, M, P),
    "CSF1": (P, M, P), "CSF2": (P, M, N), "CSF3": (M, M, N), "CSF4": (P, P, N), "CSF5": (M, P, N),
    "CSF6": (P, M, P),
}
# (title, kind, weight, extra fields, values per option)
OTHER_CRITERIA = [
    ("Can be in place by the contract end date", Criterion.Kind.GATE, Decimal("0"), {}, (True, True, False)),
    ("Confidence of a safe transfer on day one", Criterion.Kind.RATING, Decimal("2"), {}, ("medium", "high", "low")),
    ("Support from staff, unions and partners", Criterion.Kind.SCORE, Decimal("1"),
     {"scale_min": Decimal("0"), "scale_max": Decimal("10")}, (Decimal("5"), Decimal("8"), Decimal("4"))),
    ("Estimated one-off cost to mobilise", Criterion.Kind.MONEY, Decimal("1"),
     {"direction": Criterion.Direction.LOWER}, (Decimal("1250000"), Decimal("2280000"), Decimal("3100000"))),
]
SECTIONS_V1 = {
    "strategic_case": "The community services contract will not be extended, so adult social care needs a "
                      "new home from transfer day. This case sets out why, and what the council wants from "
                      "the change.",
    "economic_case": "Three options were drawn up and tested against the objectives and the critical "
                     "success factors.",
    "commercial_case": "To follow at Outline Business Case.",
    "financial_case": "Mobilisation will be paid for from the adult social care reserve.",
    "management_case": "A programme board chaired by the director will oversee the work.",
}
SECTIONS_V2 = {
    **SECTIONS_V1,
    "strategic_case": "The community services contract will not be extended, so adult social care needs a "
                      "new home from transfer day. This case sets out why, what the council wants from the "
                      "change, and how it fits the national reforms to adult social care.",
    "economic_case": "Three options were drawn up and tested against the six objectives and six critical "
                     "success factors. In-sourcing scores highest; setting up a new organisation cannot be "
                     "ready in time and is discounted.",
    "financial_case": "Mobilisation will be paid for from the adult social care reserve, within the "
                      "uncommitted balance.",
}
OBC_TEXT = {
    **SECTIONS_V2,
    "strategic_case": "Confirms the case for change agreed at the Strategic Outline Case.",
    "economic_case": "Compares re-commissioning with in-sourcing over ten years at real prices.",
}
FBC_TEXT = {
    **OBC_TEXT,
    "commercial_case": "Sets out the Business Transfer Agreement, the exit plan and the supplier contracts "
                       "to be novated or re-let.",
    "management_case": "The programme board, workstream leads and transfer assurance board take the "
                       "in-sourcing option to transfer day.",
}
# (option code, category, first year, last year, amount a year, description)
LINES = [
    ("Op.1", "transition", 0, 0, "650000", "Procurement and mobilisation of a new provider"),
    ("Op.1", "transition", 1, 1, "450000", "Handover to the new provider"),
    ("Op.1", "revenue", 1, 9, "120000", "Contract management"),
    ("Op.1", "risk", 1, 1, "150000", "Allowance for a failed or delayed procurement"),
    ("Op.1", "cash_releasing", 2, 9, "300000", "Lower prices from a competitive tender"),
    ("Op.1", "non_cash_releasing", 2, 9, "50000", "Staff time saved by a simpler contract"),
    ("Op.2", "capital", 0, 0, "343000", "IT equipment and changes to bases"),
    ("Op.2", "transition", 0, 0, "1340000", "Mobilisation: HR, payroll, IT and legal work"),
    ("Op.2", "transition", 1, 1, "597000", "Mobilisation completed after transfer"),
    ("Op.2", "revenue", 1, 9, "250000", "Corporate support services for the transferred teams"),
    ("Op.2", "risk", 1, 1, "200000", "Allowance for agency cover while vacancies are filled"),
    ("Op.2", "cash_releasing", 1, 9, "900000", "No provider management fee or margin; less agency cover"),
    ("Op.2", "non_cash_releasing", 1, 9, "150000", "Less duplicated assessment between teams"),
    ("Op.2", "unmonetised", 0, 0, None, "Direct control of statutory social work"),
]
APPRAISAL_SETTINGS = {"Op.1": (Decimal("20"), Decimal("80")), "Op.2": (Decimal("25"), Decimal("75"))}
FIRST_YEAR = FinancialYear(2023)


@demo_step
def business_cases_demo_load(programme, users, shift) -> None:
    """Add the demo business cases to the demo programme (called by `demo_load`)."""
    pm, director = users["demo-pm"], users["demo-director"]
    objectives = [record_save(instance=StrategicObjective(programme=programme, number=n, text=t), user=pm,
                              reason=REASON) for n, t in enumerate(OBJECTIVES, start=1)]
    csfs = [record_save(instance=CriticalSuccessFactor(programme=programme, number=n, text=t), user=pm,
                        reason=REASON) for n, t in enumerate(CSFS, start=1)]
    record_save(instance=MatrixSettings(programme=programme), user=pm, reason=REASON)
    options = [record_save(instance=Option(programme=programme, code=code, order=i, title=title,
                                           description=description, justification=why,
                                           **dict(zip(("optimism_bias_percent", "benefits_confidence_percent"),
                                                      APPRAISAL_SETTINGS.get(code, (Decimal("0"), Decimal("100"))),
                                                      strict=True))),
                           user=pm, reason=REASON)
               for i, (code, title, description, why) in enumerate(OPTIONS, start=1)]
    order = 0
    for linked in [*objectives, *csfs]:
        order += 1
        criterion = record_save(instance=Criterion(
            programme=programme, order=order, title=linked.text, kind=Criterion.Kind.LEVELS,
            objective=linked if isinstance(linked, StrategicObjective) else None,
            csf=linked if isinstance(linked, CriticalSuccessFactor) else None), user=pm, reason=REASON)
        for option, level in zip(options, LEVELS[linked.code], strict=True):
            record_save(instance=MatrixCell(programme=programme, option=option, criterion=criterion, level=level),
                        user=pm, reason=REASON)
    for title, kind, weight, extra, values in OTHER_CRITERIA:
        order += 1
        criterion = record_save(instance=Criterion(programme=programme, order=order, title=title, kind=kind,
                                                   weight=weight, **extra), user=pm, reason=REASON)
        field = {Criterion.Kind.GATE: "gate", Criterion.Kind.RATING: "rating", Criterion.Kind.SCORE: "score",
                 Criterion.Kind.MONEY: "money"}[kind]
        for option, value in zip(options, values, strict=True):
            record_save(instance=MatrixCell(programme=programme, option=option, criterion=criterion,
                                            **{field: value}), user=pm, reason=REASON)

    # The SOC: a first draft, then the version Cabinet approved.
    first = version_create(programme=programme, stage=Stage.SOC, user=pm, summary="First draft for the board")
    _write(first, SECTIONS_V1, pm)
    second = version_create(programme=programme, stage=Stage.SOC, user=pm, summary="Version for Cabinet")
    _write(second, SECTIONS_V2, pm)
    version_submit(version=second, user=pm)
    version_decide(version=second, user=director, approve=True, approving_body="Cabinet",
                   meeting_date=shift(SOC_MEETING), decision_reference="E3393",
                   notes="Proceed to the Outline and Full Business Cases on the basis of in-sourcing PD01 and "
                         "SD43, with sign-off delegated to the director.")
    # Drafted in the weeks before the meeting, not on the day the demo loads.
    for version, weeks in ((first, 10), (second, 4)):
        BusinessCaseVersion.objects.filter(pk=version.pk).update(
            created_at=timezone.make_aware(datetime.combine(shift(SOC_MEETING) - timedelta(weeks=weeks), time(9))))

    by_code = {o.code: o for o in options}
    # By the Full Business Case the preferred option's figures were confirmed (contracted),
    # which that stage needs before it can go to review.
    confirmed = shift.happened(shift(_milestone_date(FBC_SIGNED_OFF)))
    for code, category, first_year, last_year, amount, description in LINES:
        for year in range(first_year, last_year + 1):
            record_save(instance=AppraisalLine(
                programme=programme, option=by_code[code], category=category, year=year,
                financial_year=shift.fy(FIRST_YEAR + year), description=description,
                final=confirmed and code == "Op.2",
                amount=Decimal(amount) if amount is not None else None), user=pm, reason=REASON)
    for stage, title, text, summary in ((Stage.OBC, OBC_SIGNED_OFF, OBC_TEXT, "Version for sign-off"),
                                        (Stage.FBC, FBC_SIGNED_OFF, FBC_TEXT, "Version for sign-off")):
        version = version_create(programme=programme, stage=stage, user=pm, summary=summary)
        _write(version, text, pm)
        signed_off = shift(_milestone_date(title))
        if not shift.happened(signed_off):
            continue  # still being written: a draft, as its milestone is not yet complete
        version_submit(version=version, user=pm)
        version_decide(version=version, user=director, approve=True,
                       approving_body="Director of Adult Social Services (delegated)", meeting_date=signed_off,
                       decision_reference="E3393",
                       notes="Signed off under the delegation Cabinet gave with the Strategic Outline Case.")
        BusinessCaseVersion.objects.filter(pk=version.pk).update(
            created_at=timezone.make_aware(datetime.combine(signed_off - timedelta(weeks=6), time(9))))
    _paper(programme, director, shift)
    _equality(programme, users, shift)
    _highlights(programme, pm, shift)


# The programme manager's commentary on the last two months' board reports. Their figures
# are read from the programme's records whenever a version is generated.
HIGHLIGHTS = (
    {"confidence_commentary": "Confidence holds: the plan is on track and the board's actions are closed.",
     "risks_commentary": "The workforce risks are watched weekly with the provider's HR team.",
     "decisions_commentary": "Note the plan for the staff consultation\nAgree the communications timetable"},
    {"confidence_commentary": "The Business Transfer Agreement is slower than planned; the legal workstream "
                              "has a recovery plan.",
     "slippage_commentary": "Slipped items are agreed with their workstream leads and re-forecast.",
     "finance_commentary": "Spend is within the mobilisation budget.",
     "decisions_commentary": "Agree the recovery plan for the Business Transfer Agreement"},
)


def _highlights(programme, pm, shift) -> None:
    from business_cases.models import HighlightReport

    end = shift.today.replace(day=1) - timedelta(days=1)  # the last whole month of the demo's present
    periods = [((end - timedelta(days=end.day)).replace(day=1), end - timedelta(days=end.day)),
               (end.replace(day=1), end)]
    for (start, finish), commentary in zip(periods, HIGHLIGHTS, strict=True):
        record_save(instance=HighlightReport(programme=programme, period_start=start, period_end=finish,
                                             created_by=pm, **commentary), user=pm, reason=REASON)


def _milestone_date(title: str) -> date:
    """The reference date a milestone was met on (its forecast, or its baseline if it kept it)."""
    (forecast,) = [forecast or baseline for _ws, t, baseline, forecast, *_ in MILESTONES if t == title]
    return forecast


PAPER = {
    "title": "Community services: bringing adult social care back in-house",
    "cabinet_member": "Cabinet member for adult services",
    "author": "Director of Adult Social Services",
    "contact": "Programme manager, community services transformation, 01225 000000",
    "issue": (
        "The community services contract ends and will not be extended. The council has to decide how adult "
        "social care is delivered from transfer day. This report presents the Strategic Outline Case and asks "
        "Cabinet to agree the option it recommends, so that the outline and full business cases can be "
        "prepared in time."),
    "recommendations": (
        "Agree the Strategic Outline Case and its preferred option: bring statutory adult social work (PD01) "
        "and the learning disability services (SD43) into the council.\n"
        "Agree that officers prepare the Outline and Full Business Cases on that basis.\n"
        "Delegate the decision to proceed, once the Full Business Case is signed off, to the Director of Adult "
        "Social Services with the Cabinet member and the Chief Financial Officer."),
    "background": (
        "In May Cabinet decided not to take up the contract's three-year extension. Since then officers have "
        "worked with the Integrated Care Board on which services should come to the council and which stay "
        "with health partners.\n\n"
        "The options were tested against six strategic objectives and six critical success factors agreed with "
        "the programme board."),
    "statutory_considerations": (
        "The council must meet its duties under the Care Act 2014 without a break on transfer day. Staff move "
        "under the Transfer of Undertakings (Protection of Employment) Regulations 2006, which set the timetable "
        "for employee liability information and consultation. Learning disability services that the council "
        "will run itself need registration with the Care Quality Commission before transfer."),
    "equalities": (
        "An equality impact assessment has been started and will be completed with the Outline Business Case. "
        "People who use the services are disproportionately older or disabled; the main risk to them is a "
        "break in care, which the transfer plan is built to avoid."),
    "climate_change": (
        "No direct effect is expected. Teams keep their bases, and the council's travel and building policies "
        "will apply to the transferred services."),
    "consultation": (
        "The Cabinet member, the Chief Financial Officer, the Monitoring Officer and the Integrated Care Board "
        "have been consulted on this report. Staff and trade unions are briefed monthly."),
    "other_options": ("Extending the current contract was ruled out by Cabinet in May. The options the "
                      "appraisal did not prefer are below, each with the reason."),
    "background_papers": ("Cabinet report: Community services contract, decision not to extend\n"
                          "Strategic Outline Case, version 2"),
}


# The council's paper template: the headings of B&NES's own Cabinet reports, and one
# section of its own that must be written before a paper is final.
TEMPLATE_HEADINGS = {
    "recommendations": "Recommendation",
    "background": "The report",
    "resources": "Resource implications (finance, property, people)",
}
TEMPLATE_OWN = ("Monitoring Officer and Section 151 Officer",
                "Confirm that both officers have cleared the report for publication, with any comments they make.")
# A stand-in logo (the council's name in its colours, business_cases/demo_logo.svg), not
# the council's crest: uploaded as a council administrator would upload theirs.
TEMPLATE_LOGO = Path(__file__).with_name("demo_logo.svg")


def _template(council, admin) -> None:
    from business_cases.paper_templates import DEFAULT_SECTIONS, TemplateSection
    from business_cases.services import template_save
    from core.images import check_image

    sections = []
    for s in DEFAULT_SECTIONS:
        if s.key == "consultation":
            sections.append(TemplateSection("own-officers", TEMPLATE_OWN[0], required=True, guidance=TEMPLATE_OWN[1]))
        sections.append(TemplateSection(s.key, TEMPLATE_HEADINGS.get(s.key, s.heading), required=s.key == "equalities"))
    template_save(council=council, user=admin, sections=sections, council_name=council.name,
                  logo=check_image("logo.svg", TEMPLATE_LOGO.read_bytes()), logo_alt=council.name,
                  change="The council's report sections and logo")


def _paper(programme, director, shift) -> None:
    from business_cases.models import BusinessCase, CabinetPaper
    from programmes.models import CouncilAdministrator
    from workforce.models import TransferRoster

    admin = CouncilAdministrator.objects.filter(organisation=programme.lead_organisation).select_related("user").first()
    _template(programme.lead_organisation, admin.user if admin else director)
    paper = CabinetPaper(
        programme=programme, created_by=director, meeting_date=shift(SOC_MEETING), decision_maker="Cabinet",
        forward_plan_reference="E3393", key_decision=True, wards="All",
        business_case=BusinessCase.objects.get(programme=programme, stage=Stage.SOC),
        # The paper counts the list the provider gave first, as the Strategic Outline Case did.
        roster=TransferRoster.objects.filter(programme=programme).order_by("version").first(),
        # The Strategic Outline Case itself, in the Five Case Model, as the last appendix.
        attach_business_case=True,
        own_sections={"own-officers": (
            "The Monitoring Officer and the Section 151 Officer (the Chief Financial Officer) have read this "
            "report and cleared it for publication.")}, **PAPER)
    record_save(instance=paper, user=director, reason=REASON)


def _write(version: BusinessCaseVersion, sections: dict, user) -> None:
    for name, text in sections.items():
        setattr(version, name, text)
    version_save(version=version, user=user, reason=REASON)


# The programme's equality impact assessment, signed off before the Outline Business Case:
# characteristic → (impact, evidence, [(mitigation, owner, due (reference date), done)]).
EIA_SIGNED_OFF = date(2023, 6, 14)
EIA_REVIEW = date(2025, 6, 30)  # a year after transfer day, later than any demo "today"
EIA_LINES = {
    "age": ("negative", "Most people who use the services are over 65, and a break or change in their care "
                        "during the transfer would fall hardest on them.",
            [("Carry every person's care and support plan across unchanged on transfer day, with the same "
              "workers wherever possible", "demo-pm", date(2024, 3, 29), True)]),
    "disability": ("negative", "Everyone using the learning disability services, and many using the community "
                               "teams, is disabled; changes of routine and of letters from a new organisation "
                               "can cause real distress.",
                   [("Write to each person and family in easy read, with a named contact, before the change",
                     "demo-pm", date(2024, 2, 29), True),
                    ("Review each learning disability placement in the first three months after transfer",
                     "demo-director", date(2024, 6, 28), False)]),
    "gender_reassignment": ("neutral", "No effect is expected: services and staff terms carry on as they are.", []),
    "marriage_civil_partnership": ("neutral", "No effect is expected.", []),
    "pregnancy_maternity": ("negative", "Staff on maternity leave could miss the consultation meetings and the "
                                        "measures letters about their transfer.",
                            [("Post every consultation paper to staff on leave and offer each a keeping-in-touch "
                              "meeting", "demo-hr", date(2024, 1, 31), True)]),
    "race": ("neutral", "The people using the services and the staff reflect the area's population; nothing in "
                        "the change treats any group differently.", []),
    "religion_belief": ("neutral", "No effect is expected.", []),
    "sex": ("neutral", "Four in five of the transferring staff are women; TUPE keeps their terms and "
                       "conditions, so the change of employer does not disadvantage them.", []),
    "sexual_orientation": ("neutral", "No effect is expected.", []),
    "carers": ("positive", "Unpaid carers will deal with one organisation, the council, for the assessment of the "
                           "person they care for and for their own carer's assessment.", []),
    "socio_economic": ("positive", "Charging stays as it is, and the jobs stay in the area, employed by the "
                                   "council on protected terms.", []),
}
# Op.1 (re-commissioning) was assessed in outline only; its negative impact has no
# mitigation, which the appraisal shows.
OPTION_EIA_LINES = {
    "age": ("negative", "A second change of provider within a few years would unsettle older people's care "
                        "again, and a new provider's workers would not know them.", []),
    "disability": ("neutral", "The service specification would carry over the same standards.", []),
}


def _equality(programme, users, shift) -> None:
    from business_cases.models import EqualityAssessment, EqualityImpact, EqualityMitigation

    pm = users["demo-pm"]

    def lines(assessment, spec):
        for impact in EqualityImpact.objects.filter(assessment=assessment):
            if impact.characteristic not in spec:
                continue
            impact.impact, impact.evidence, mitigations = spec[impact.characteristic]
            record_save(instance=impact, user=pm, reason=REASON)
            for action, owner, due, done in mitigations:
                record_save(instance=EqualityMitigation(
                    programme=programme, impact=impact, action=action, owner=users[owner], due_date=shift(due),
                    done=done and shift.happened(shift(due))), user=pm, reason=REASON)

    whole = assessment_save(instance=EqualityAssessment(
        programme=programme, title="Bringing community services in-house",
        scope="The transfer of adult social work and the learning disability services to the council: the "
              "people who use them, their carers and the staff who transfer.",
        summary="The change mostly keeps things as they are. The risks are to older and disabled people if their "
                "care is disturbed at transfer, and to staff on maternity leave who could miss the consultation; "
                "each has a mitigation with an owner and a date.",
        status=EqualityAssessment.Status.SIGNED_OFF, signed_off_by=users["demo-director"],
        signed_off_on=shift(EIA_SIGNED_OFF), review_date=shift(EIA_REVIEW)), user=pm, reason=REASON)
    lines(whole, EIA_LINES)
    record_save(instance=EqualityImpact(
        programme=programme, assessment=whole, characteristic="other", other_name="People in rural areas",
        impact="neutral", evidence="Teams keep their bases and home visits carry on as they are, so travel to "
                                  "services does not change."), user=pm, reason=REASON)
    option = Option.objects.get(programme=programme, code="Op.1")
    outline = assessment_save(instance=EqualityAssessment(
        programme=programme, option=option, title="Re-commissioning service delivery (outline)",
        scope="The effect of a procurement for a new provider, as the option appraisal needed it.",
        status=EqualityAssessment.Status.DRAFT), user=pm, reason=REASON)
    lines(outline, OPTION_EIA_LINES)
