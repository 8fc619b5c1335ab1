"""The generated ELI workbook: the demo programme's staff, as an outgoing provider would
send them, and the example template HR can download from the upload page (one code path
for both, so the template always loads).

The reference roster has 281 people in 16 teams with each team's headcount and FTE
given; the generator deals each team's FTE out in hundredths so that the people's FTEs add
up to the team's exactly, and sets contracted hours to FTE × 37, so every row passes the
upload's own checks. Names are invented from two short lists; everything is seeded, so
the same workbook comes out every time.
"""
import io
import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

SEED = 20240401
STANDARD_WEEK = Decimal("37")
SHEET = "ELI"

# The reference roster (headcount, FTE) by team, with the service line each belongs to.
PD01, SD43 = "PD01", "SD43"
TEAMS = [
    ("First Response", PD01, 10, "8.20"),
    ("Hearing & Vision Social Work", PD01, 3, "1.98"),
    ("D2D Social Work Team", PD01, 12, "10.82"),
    ("LD and Social Care Direct reports", PD01, 9, "8.60"),
    ("Annual Review Team", PD01, 8, "7.51"),
    ("Autism Social Work Team", PD01, 6, "5.31"),
    ("Employment Inclusion Service", SD43, 5, "4.44"),
    ("LD Social Work Team", PD01, 17, "14.61"),
    ("LD Carrswood", SD43, 43, "33.26"),
    ("LD Complex Health Needs Service", SD43, 23, "19.61"),
    ("LD Connections", SD43, 35, "23.30"),
    ("LD Shared Lives", SD43, 5, "4.05"),
    ("LD Supported Living Service", SD43, 52, "42.90"),
    ("Social Care OT Bath & NES", PD01, 17, "12.96"),
    ("Social Care Business Support", PD01, 8, "7.21"),
    ("Social Work Community Teams Bath & NES", PD01, 28, "23.95"),
]
FINAL_HEADCOUNT = 237

PAY_SCALES = [("AFC", "NHS Agenda for Change"), ("NJC", "NJC pay spine"), ("HCRG", "HCRG Care Group local pay")]
# pay scale, terms, pension, grades with their annual pay
SCALES = {
    "AFC": ("NHS Agenda for Change", "NHS Pension Scheme",
            [("Band 3", 24071), ("Band 4", 26530), ("Band 5", 29970), ("Band 6", 37350), ("Band 7", 46148),
             ("Band 8a", 53755)]),
    "NJC": ("NJC", "LGPS", [("Grade 4", 24496), ("Grade 6", 28770), ("Grade 8", 34834), ("Grade 9", 38223)]),
    "HCRG": ("Provider", "Provider scheme", [("Level 2", 22383), ("Level 3", 23500), ("Level 4", 25900)]),
}
FORENAMES = ["Aisha", "Ben", "Carys", "Dev", "Elin", "Femi", "Gwen", "Hamza", "Isla", "Jonah", "Kezia", "Luca",
             "Maya", "Niall", "Orla", "Pavel", "Rhiannon", "Sol", "Tamsin", "Umar", "Vera", "Wyn", "Yasmin", "Zac"]
SURNAMES = ["Ashdown", "Brackley", "Corsham", "Dunkerton", "Englishcombe", "Farleigh", "Granville", "Hinton",
            "Inglesby", "Kelston", "Limpley", "Midford", "Norton", "Odd Down", "Priston", "Radstock",
            "Stanton", "Timsbury", "Upton", "Wellow", "Whitchurch", "Claverton"]
JOB_TITLES = {PD01: ["Social worker", "Senior social worker", "Social work assistant", "Occupational therapist",
                     "Business support officer", "Team manager"],
              SD43: ["Support worker", "Senior support worker", "Day services officer", "Shared Lives coordinator",
                     "Registered manager", "Employment adviser"]}
BASES = {PD01: ["Bath, Riverside", "Keynsham, Civic Centre", "Midsomer Norton, Hollies"],
         SD43: ["Carrswood, Bath", "Connections, Twerton", "Supported Living, Radstock"]}
STATUS_LABELS = {"in_post": "In post", "maternity": "Maternity leave", "sabbatical": "Sabbatical",
                 "long_term_sickness": "Long-term sickness", "secondment": "Secondment"}

HEADERS = ["Employee No", "Vacancy", "Forename", "Surname", "Job title", "Team", "Service line", "Band",
           "Pay scale", "Terms and conditions", "Annual pay", "Hours per week", "WTE", "Contract type",
           "Continuous service date", "Pension scheme", "Base location", "Status", "Sickness absence days",
           "Disciplinary", "Grievance", "Claims"]


@dataclass(frozen=True)
class EliRow:
    ref: str
    forename: str
    surname: str
    job_title: str
    team: str
    service_line: str
    grade: str
    pay_scale: str
    annual_pay: Decimal | None
    fte: Decimal
    contract_type: str
    continuous_service: date | None
    base: str
    status: str = "in_post"
    sickness_days: Decimal = Decimal("0")
    disciplinary: str = ""
    grievance: str = ""
    claims: str = ""
    vacancy: bool = False

    def cells(self) -> list:
        terms, pension, _ = SCALES[self.pay_scale]
        hours = (self.fte * STANDARD_WEEK).quantize(Decimal("0.01"))
        return [self.ref, "Yes" if self.vacancy else "No", self.forename, self.surname, self.job_title, self.team,
                self.service_line, self.grade, self.pay_scale, terms,
                float(self.annual_pay) if self.annual_pay is not None else None, float(hours), float(self.fte),
                self.contract_type, self.continuous_service, pension, self.base,
                STATUS_LABELS[self.status], float(self.sickness_days), self.disciplinary, self.grievance,
                self.claims]


def _deal_fte(rng: random.Random, n: int, total: Decimal) -> list[Decimal]:
    """n FTEs in hundredths, each from 0.40 to 1.00, adding up to `total` exactly."""
    values = [100] * n
    deficit = n * 100 - int(total * 100)
    while deficit > 0:
        i = rng.randrange(n)
        room = values[i] - 40
        if room <= 0:
            continue
        step = min(deficit, room, rng.choice([20, 40, 50, 25, 10, 7, 3]))
        values[i] -= step
        deficit -= step
    return [Decimal(v) / 100 for v in values]


def _scale_for(rng: random.Random, line: str) -> str:
    roll = rng.random()
    if line == SD43:
        return "AFC" if roll < 0.55 else ("NJC" if roll < 0.8 else "HCRG")
    return "AFC" if roll < 0.8 else ("NJC" if roll < 0.95 else "HCRG")


def first_version(transfer: date) -> list[EliRow]:
    """The 281 people of the reference roster and a few vacant posts, as at 35 days
    before `transfer` (continuous-service dates are kept before that)."""
    rng = random.Random(SEED)
    rows = []
    number = 10001
    vacancy = 1
    for team, line, headcount, fte in TEAMS:
        for share in _deal_fte(rng, headcount, Decimal(fte)):
            scale = _scale_for(rng, line)
            grade, pay = rng.choice(SCALES[scale][2])
            service = transfer - timedelta(days=rng.randint(400, 9000))
            rows.append(EliRow(
                ref=f"E{number}", forename=rng.choice(FORENAMES), surname=rng.choice(SURNAMES),
                job_title=rng.choice(JOB_TITLES[line]), team=team, service_line=line, grade=grade, pay_scale=scale,
                annual_pay=(Decimal(pay) * share).quantize(Decimal("0.01")), fte=share,
                contract_type="Permanent" if rng.random() < 0.9 else "Fixed term", continuous_service=service,
                base=rng.choice(BASES[line]), sickness_days=Decimal(rng.choice([0, 0, 0, 1, 2, 3, 5, 8, 12])),
                disciplinary="Written warning (closed)" if rng.random() < 0.02 else "",
                grievance="Grievance about rota (resolved)" if rng.random() < 0.02 else ""))
            number += 1
        if headcount >= 17:  # larger teams carry a vacant post or two
            for _ in range(2 if headcount >= 35 else 1):
                scale = _scale_for(rng, line)
                grade, _pay = rng.choice(SCALES[scale][2])
                rows.append(EliRow(ref=f"VAC-{vacancy:03d}", forename="", surname="",
                                   job_title=rng.choice(JOB_TITLES[line]), team=team, service_line=line, grade=grade,
                                   pay_scale=scale, annual_pay=None, fte=Decimal("1.00"), contract_type="Permanent",
                                   continuous_service=None, base=rng.choice(BASES[line]), vacancy=True))
                vacancy += 1
    return rows


def final_version(transfer: date) -> list[EliRow]:
    """The final list: 237 people, as transferred on day one. Some people left, a few
    joined, and some moved team, changed hours or were regraded; one is on maternity
    leave and one on sabbatical (the reference's day-one payroll exceptions)."""
    rng = random.Random(SEED + 1)
    first = first_version(transfer)
    people = [r for r in first if not r.vacancy]
    vacancies = [r for r in first if r.vacancy]
    joiners = 6
    leaving = set(rng.sample(range(len(people)), len(people) + joiners - FINAL_HEADCOUNT))
    kept = [p for i, p in enumerate(people) if i not in leaving]
    changed = []
    team_names = [t[0] for t in TEAMS]
    lines = {t[0]: t[1] for t in TEAMS}
    for i, p in enumerate(kept):
        if i % 23 == 5:
            team = team_names[(team_names.index(p.team) + 1) % len(team_names)]
            if lines[team] == p.service_line:
                p = replace(p, team=team)
        elif i % 29 == 7 and p.fte >= Decimal("0.60"):
            p = replace(p, fte=p.fte - Decimal("0.20"),
                        annual_pay=(p.annual_pay * (p.fte - Decimal("0.20")) / p.fte).quantize(Decimal("0.01")))
        elif i % 31 == 11:
            grades = SCALES[p.pay_scale][2]
            names = [g for g, _ in grades]
            k = names.index(p.grade)
            if k + 1 < len(grades):
                p = replace(p, grade=grades[k + 1][0],
                            annual_pay=(Decimal(grades[k + 1][1]) * p.fte).quantize(Decimal("0.01")))
        changed.append(p)
    changed[3] = replace(changed[3], status="maternity")
    changed[40] = replace(changed[40], status="sabbatical")
    for j in range(joiners):
        team, line, *_ = TEAMS[(j * 5) % len(TEAMS)]
        grade, pay = SCALES["AFC"][2][j % 4]
        changed.append(EliRow(
            ref=f"E{20001 + j}", forename=FORENAMES[(j * 7) % len(FORENAMES)],
            surname=SURNAMES[(j * 5) % len(SURNAMES)],
            job_title=JOB_TITLES[line][j % 3], team=team, service_line=line, grade=grade, pay_scale="AFC",
            annual_pay=Decimal(pay), fte=Decimal("1.00"), contract_type="Permanent",
            continuous_service=transfer - timedelta(days=150 + j), base=BASES[line][0]))
    return changed + vacancies[:-3]


def workbook_bytes(rows: list[EliRow]) -> bytes:
    """The rows as an xlsx workbook in the provider's layout (sheet "ELI")."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row.cells())
    for cells in ws.iter_rows(min_row=2, min_col=15, max_col=15):
        for cell in cells:
            cell.number_format = "dd/mm/yyyy"
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# Day-one readiness in the reference (of the 237 who transferred); inductions are not in
# the reference, so the demo books them for all but a handful.
DAY_ONE = {"laptop": 141, "phone": 182, "network_account": 235, "on_payroll": 232, "induction_booked": 230}


def day_one_readiness(rows: list[EliRow]) -> list[dict]:
    """Each person's five checks so the totals are the reference's day-one counts. The
    five not on the first payroll include the person on maternity leave and the one on
    sabbatical, as in the reference."""
    people = [r for r in rows if not r.vacancy]
    rng = random.Random(SEED + 2)
    order = list(range(len(people)))
    away = [i for i, p in enumerate(people) if p.status in ("maternity", "sabbatical")]
    others = [i for i in order if i not in away]
    rng.shuffle(others)
    payroll_order = others + away  # the people away are the last to be set up
    result = [{"ref": p.ref, **dict.fromkeys(DAY_ONE, False)} for p in people]
    for check, count in DAY_ONE.items():
        ranking = payroll_order if check == "on_payroll" else rng.sample(order, len(order))
        for i in ranking[:count]:
            result[i][check] = True
    return result


def readiness_workbook_bytes(items: list[dict]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Readiness"
    ws.append(["Employee No", "On payroll", "Network account", "Laptop", "Phone", "Induction booked"])
    for item in items:
        ws.append([item["ref"], *("Yes" if item[c] else "No" for c in
                                  ("on_payroll", "network_account", "laptop", "phone", "induction_booked"))])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def synthetic_version(transfer: date, *, people: int, seed: int, previous: list[EliRow] | None = None) -> list[EliRow]:
    """A large roster for benchmarks: `people` rows across the reference teams. Given the
    `previous` version, about 3% leave, 2% join and 5% change team, FTE or grade."""
    rng = random.Random(seed)
    if previous is None:
        rows = []
        for i in range(people):
            team, line, *_ = TEAMS[i % len(TEAMS)]
            scale = _scale_for(rng, line)
            grade, pay = rng.choice(SCALES[scale][2])
            fte = Decimal(rng.randint(40, 100)) / 100
            rows.append(EliRow(
                ref=f"B{100000 + i}", forename=rng.choice(FORENAMES), surname=rng.choice(SURNAMES),
                job_title=rng.choice(JOB_TITLES[line]), team=team, service_line=line, grade=grade, pay_scale=scale,
                annual_pay=(Decimal(pay) * fte).quantize(Decimal("0.01")), fte=fte, contract_type="Permanent",
                continuous_service=transfer - timedelta(days=rng.randint(400, 9000)), base=rng.choice(BASES[line])))
        return rows
    kept = [r for r in previous if rng.random() > 0.03]
    out = []
    for r in kept:
        roll = rng.random()
        if roll < 0.02 and r.fte >= Decimal("0.60"):
            r = replace(r, fte=r.fte - Decimal("0.20"))
        elif roll < 0.05:
            r = replace(r, grade=rng.choice(SCALES[r.pay_scale][2])[0])
        out.append(r)
    for j in range(people - len(out)):
        base = previous[j % len(previous)]
        out.append(replace(base, ref=f"J{200000 + j}", forename=FORENAMES[j % len(FORENAMES)]))
    return out
