"""The demo programme's risk register: the six risks the council named in its Strategic
Outline Case, in our own words. Scores were never published, so these are plausible ones."""
from datetime import timedelta

from programmes.demo import demo_step
from risks.models import Issue, Risk, RiskAction, RiskAppetite, RiskSettings
from risks.services import risk_action_save, risk_save

REASON = "Demo data loaded"

# title, category, workstream, owner, cause, event, effect,
# (likelihood, impact), residual at first then now, target, proximity,
# review (days from today; negative is overdue), escalated (days before as-at or None),
# actions: (description, owner, due in days, done)
RISKS = [
    ("Services are not secure on transfer day", "operational", "Service operations", "demo-director",
     "The workforce model for the in-house service is still being settled.",
     "Rotas, managers or systems are not ready when the contract ends.",
     "People who use the services could go without care on day one.",
     (4, 5), [(4, 4), (3, 4)], 8, Risk.Proximity.WITHIN_3_MONTHS, -14, 21,
     [("Day-one service continuity plan signed off by the programme board", "demo-pm", 20, False),
      ("Walk-through of every base's first-week rota", "demo-director", -5, False)]),
    ("Around 280 staff transfer on many different terms", "workforce", "HR", "demo-hr",
     "Staff come over under TUPE on several sets of terms and conditions.",
     "HR, payroll and finance lack the capacity to set everyone up correctly in time.",
     "Wrong or late first pay, grievances and loss of trust among transferring staff.",
     (4, 4), [(4, 4), (3, 3)], 6, Risk.Proximity.WITHIN_3_MONTHS, 10, None,
     [("Parallel payroll run before the first council payday", "demo-finance", 60, False),
      ("Map every contract variant to a council pay template", "demo-hr", -10, False),
      ("Agree extra payroll capacity with the shared service", "demo-finance", -30, True)]),
    ("Hard-to-recruit roles stay vacant after transfer", "workforce", "HR", "demo-hr",
     "Social work and support roles are hard to fill, and vacancies and open casework come across.",
     "Vacancies persist or staff leave around the transfer.",
     "Caseloads rise and statutory duties are at risk; agency spend grows.",
     (4, 4), [(4, 3)], 6, Risk.Proximity.MONTHS_3_TO_12, -3, None,
     [("Retention offer for key roles agreed with trade unions", "demo-hr", 15, False)]),
    ("CQC registration as a provider is not in place in time", "regulatory",
     "Regulation (CQC registration)", "demo-director",
     "The council must register again as a provider of learning disability services.",
     "The CQC does not confirm registration before transfer day.",
     "Regulated services could not lawfully be run by the council from day one.",
     (3, 5), [(3, 5), (2, 5)], 5, Risk.Proximity.WITHIN_3_MONTHS, 7, None,
     [("Registered manager applications submitted for each location", "demo-director", -20, True),
      ("Weekly check-in with the CQC relationship owner", "demo-pm", 30, False)]),
    ("Statutory social work is hard to separate from the health contract", "legal", "Legal",
     "demo-director",
     "Social work sits inside an integrated community health contract.",
     "Shared posts, records and systems cannot be cleanly split.",
     "Gaps or duplication in statutory duties, and disputes with the provider.",
     (3, 4), [(3, 3)], 4, Risk.Proximity.WITHIN_3_MONTHS, 21, None,
     [("Data-sharing and records split agreed in the Business Transfer Agreement", "demo-director", 25, False)]),
    ("Council and ICB differ on the complex needs service", "partnership", "Governance",
     "demo-pm",
     "The council and the Integrated Care Board each see the complex needs service differently.",
     "No agreement on who commissions and funds it after transfer.",
     "Delay, cost pressure and uncertainty for a small group with very high needs.",
     (3, 4), [(3, 4), (3, 3)], 6, Risk.Proximity.MONTHS_3_TO_12, -30, None,
     [("Joint commissioning paper to the Health and Wellbeing Board", "demo-pm", -7, False)]),
]


@demo_step
def risks_demo_load(programme, users, shift) -> None:
    """Add the demo risk register to the demo programme (called by `demo_load`)."""
    # Reviews, escalations and actions are dated from the demo's today, so the register
    # always has some reviews overdue and some to come, however the dates moved.
    as_at = shift.today
    RiskSettings.objects.create(programme=programme)
    for category, score in (("workforce", 9), ("regulatory", 5), ("operational", 8)):
        RiskAppetite.objects.create(programme=programme, category=category, max_residual_score=score)
    workstreams = {w.name: w for w in programme.workstreams.all()}
    pm = users["demo-pm"]
    for (title, category, ws, owner, cause, event, effect, (lk, im), residuals, target, proximity,
         review, escalated, actions) in RISKS:
        first_l, first_i = residuals[0]
        risk = risk_save(risk=Risk(
            programme=programme, title=title, category=category, workstream=workstreams[ws],
            owner=users[owner], cause=cause, event=event, effect=effect, likelihood=lk, impact=im,
            residual_likelihood=first_l, residual_impact=first_i, target_score=target,
            proximity=proximity, next_review_date=as_at + timedelta(days=review),
            escalated=escalated is not None,
            escalated_on=as_at - timedelta(days=escalated) if escalated is not None else None,
        ), user=pm, reason=REASON)
        for res_l, res_i in residuals[1:]:
            risk.residual_likelihood, risk.residual_impact = res_l, res_i
            risk_save(risk=risk, user=pm, reason="Rescored at the monthly risk review")
        for description, who, due, done in actions:
            risk_action_save(action=RiskAction(
                risk=risk, description=description, owner=users[who], due_date=as_at + timedelta(days=due),
                status=RiskAction.Status.DONE if done else RiskAction.Status.OPEN), user=pm, reason=REASON)
        if title.startswith("Around 280"):
            from programmes.services import record_save

            record_save(instance=Issue(
                programme=programme, risk=risk, title="Staff information from the provider is late",
                description="Employee liability information has not arrived on the agreed date.",
                priority=Issue.Priority.HIGH, owner=users["demo-hr"], raised_on=as_at - timedelta(days=12)),
                user=pm, reason=REASON)
