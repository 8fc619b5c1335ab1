"""Rosters for the cast's programme, built as a provider's workbook in memory and loaded
through the real upload pipeline."""
import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.uploads import upload_commit, upload_receive
from workforce.imports import READINESS_KIND, ROSTER_KIND, roster_form_kwargs
from workforce.models import PayScale, Readiness, ReadinessItem, Team

HEADERS = ["Employee No", "Vacancy", "Name", "Job title", "Team", "Service line", "Band", "Pay scale",
           "Terms and conditions", "Annual pay", "Hours per week", "WTE", "Contract type",
           "Continuous service date", "Pension scheme", "Base location", "Status", "Sickness absence days",
           "Disciplinary", "Grievance", "Claims"]


def person(ref: str, name: str = "Ann Example", team: str = "First Response", fte: str = "1.00", hours=None,
           pay="30000.00", grade: str = "Band 5", **over) -> dict:
    """One ELI row as {header: value}; hours default to FTE × 37."""
    row = {"Employee No": ref, "Vacancy": "No", "Name": name, "Job title": "Social worker", "Team": team,
           "Service line": "PD01", "Band": grade, "Pay scale": "AFC", "Terms and conditions": "Agenda for Change",
           "Annual pay": pay, "Hours per week": hours if hours is not None else f"{float(fte) * 37:.2f}",
           "WTE": fte, "Contract type": "Permanent", "Continuous service date": date(2015, 3, 31),
           "Pension scheme": "NHS Pension Scheme", "Base location": "Bath", "Status": "In post",
           "Sickness absence days": "2", "Disciplinary": "", "Grievance": "", "Claims": ""}
    row.update(over)
    return row


def vacancy(ref: str, team: str = "First Response") -> dict:
    return person(ref, name="", pay="", **{"Vacancy": "Yes", "Team": team, "Continuous service date": None})


def xlsx(rows: list[dict], headers=HEADERS, sheet: str = "ELI") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(headers))
    for row in rows:
        ws.append([row.get(h) for h in headers])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def staff(n: int, team: str = "First Response", start: int = 1, name: str | None = None, **over) -> list[dict]:
    return [person(f"E{start + i:04d}", name=name or f"Person {start + i}", team=team, **over) for i in range(n)]


def set_up_programme(programme, user=None):
    """Two teams and the AFC and NJC pay scales."""
    Team.objects.create(programme=programme, name="First Response", service_line="PD01")
    Team.objects.create(programme=programme, name="LD Connections", service_line="SD43")
    PayScale.objects.create(programme=programme, code="AFC", name="NHS Agenda for Change")
    PayScale.objects.create(programme=programme, code="NJC", name="NJC pay spine")


def receive(programme, user, content: bytes, name: str = "eli.xlsx", kind: str = ROSTER_KIND):
    return upload_receive(target=programme, kind=kind, user=user, uploaded_file=SimpleUploadedFile(name, content))


def load_roster(programme, user, rows: list[dict], name: str = "eli.xlsx", as_at=None, received_on=None,
                content: bytes | None = None):
    """Receive and commit a roster; returns the outcome."""
    upload = receive(programme, user, content if content is not None else xlsx(rows), name)
    today = date.today()
    return upload_commit(upload=upload, user=user, form_kwargs=roster_form_kwargs(programme),
                         write_ctx={"programme": programme, "as_at": as_at or today - timedelta(days=3),
                                    "received_on": received_on or today, "note": ""})


def check_ids(programme, *keys: str) -> list[int]:
    """The ids of the programme's day-one checks with these keys (the defaults' keys are
    on_payroll, network_account, laptop, phone and induction_booked)."""
    found = dict(ReadinessItem.objects.filter(programme=programme, key__in=keys).values_list("key", "pk"))
    return [found[k] for k in keys]


def ticked(readiness) -> set[str]:
    """The keys of the checks a person's readiness has done."""
    return set(ReadinessItem.objects.filter(pk__in=readiness.done).values_list("key", flat=True))


def make_ready(programme, ref: str, *keys: str) -> Readiness:
    return Readiness.objects.create(programme=programme, employee_ref=ref, done=check_ids(programme, *keys))


def load_readiness(programme, user, rows: list[list], name: str = "ready.csv"):
    lines = ["Employee No,On payroll,Network account,Laptop,Phone,Induction booked"]
    lines += [",".join(str(c) for c in row) for row in rows]
    upload = receive(programme, user, ("\n".join(lines) + "\n").encode(), name, kind=READINESS_KIND)
    return upload_commit(upload=upload, user=user,
                         form_kwargs=roster_form_kwargs(programme),
                         write_ctx={"programme": programme})


@pytest.fixture
def hr_programme(cast):
    set_up_programme(cast.programme)
    return cast
