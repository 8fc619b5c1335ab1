"""The demo programme's transfer: the reference roster as a generated ELI workbook loaded
through the real upload pipeline as version 1 (received on the statutory deadline, 28 days
before transfer), then the final list of 237 people as version 2 (received a week before
transfer, so flagged late), day-one readiness as it stood on transfer day (the
reference's counts) loaded as a readiness sheet, and a draft post-transfer structure.

Readiness is set as at day one, not scaled to the demo's date, so the page shows the
reference's figures exactly: 141 laptops, 182 phones, 235 network accounts, 232 of 237 on
the first payroll."""
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.uploads import upload_commit, upload_receive
from programmes.demo import REAL_TRANSFER, demo_step
from programmes.services import record_save
from workforce import eli_workbook
from workforce.imports import READINESS_KIND, ROSTER_KIND, roster_form_kwargs
from workforce.models import (
    Establishment,
    PayScale,
    PensionRate,
    PensionScheme,
    ReadinessItem,
    Team,
    TransferRoster,
)
from workforce.services import establishment_lines_save

REASON = "Demo data loaded"
# Employer contribution rates (% of pay) the council's staff costing uses: the NHS Pension
# Scheme's employer rate, the Avon Pension Fund's primary rate for the council, and the
# provider's defined-contribution scheme.
DEMO_PENSION_RATES = ((PensionScheme.NHS, "", Decimal("23.70")),
                      (PensionScheme.LGPS, "Avon Pension Fund", Decimal("16.90")),
                      (PensionScheme.PROVIDER, "HCRG Care Group pension plan", Decimal("5.00")))


def load_roster(*, programme, user, name: str, content: bytes, as_at, received_on, note: str = ""):
    """Upload and commit an ELI workbook through the pipeline, as HR would."""
    upload = upload_receive(target=programme, kind=ROSTER_KIND, user=user,
                            uploaded_file=SimpleUploadedFile(name, content))
    outcome = upload_commit(upload=upload, user=user, form_kwargs=roster_form_kwargs(programme),
                            write_ctx={"programme": programme, "as_at": as_at, "received_on": received_on,
                                       "note": note})
    if not outcome.ok:
        raise RuntimeError(f"The demo roster {name} did not load: {outcome.message} {outcome.errors[:3]}")
    return outcome


@demo_step
def workforce_demo_load(programme, users, shift) -> None:
    """Add the demo transfer roster, readiness, pension rates and a restructure (called by
    `demo_load`)."""
    hr = users["demo-hr"]
    transfer = shift(REAL_TRANSFER)
    for name, line, *_ in eli_workbook.TEAMS:
        record_save(instance=Team(programme=programme, name=name, service_line=line), user=hr, reason=REASON)
    for code, name in eli_workbook.PAY_SCALES:
        record_save(instance=PayScale(programme=programme, code=code, name=name), user=hr, reason=REASON)
    for scheme, fund, rate in DEMO_PENSION_RATES:
        record_save(instance=PensionRate(programme=programme, scheme=scheme, fund=fund, employer_rate=rate),
                    user=hr, reason=REASON)
    # Who sees two of the day-one checks done (My actions, and their reminders).
    for key, person in (("on_payroll", hr), ("network_account", users["demo-pm"])):
        item = ReadinessItem.objects.get(programme=programme, key=key)
        item.owner = person
        record_save(instance=item, user=hr, reason=REASON)
    first = eli_workbook.first_version(transfer)
    load_roster(programme=programme, user=hr, name="HCRG ELI draft.xlsx",
                content=eli_workbook.workbook_bytes(first), as_at=transfer - timedelta(days=35),
                received_on=transfer - timedelta(days=28), note="Employee liability information (statutory)")
    final = eli_workbook.final_version(transfer)
    load_roster(programme=programme, user=hr, name="HCRG ELI final list.xlsx",
                content=eli_workbook.workbook_bytes(final), as_at=transfer - timedelta(days=10),
                received_on=transfer - timedelta(days=7), note="Final staff list")
    sheet = eli_workbook.readiness_workbook_bytes(eli_workbook.day_one_readiness(final))
    upload = upload_receive(target=programme, kind=READINESS_KIND, user=hr,
                            uploaded_file=SimpleUploadedFile("Day one readiness.xlsx", sheet))
    upload_commit(upload=upload, user=hr, form_kwargs=roster_form_kwargs(programme),
                  write_ctx={"programme": programme})
    baseline = TransferRoster.objects.get(programme=programme, version=2)
    establishment = record_save(instance=Establishment(
        programme=programme, name="Post-transfer structure (draft)", baseline=baseline,
        note="Business support brought together; Connections and Carrswood day services reshaped.",
        # Enough proposed redundancies at one establishment (23) for the collective consultation
        # and the HR1 notice to be among the programme's derived deadlines (TULRCA s188, s193).
        # The first dismissal 50 days from the day the demo is loaded (and after transfer), so that
        # both dates are still to come, 20 days away.
        site="Lewis House, Bath",
        first_dismissal_date=max(transfer + timedelta(days=120), timezone.localdate() + timedelta(days=50))),
        user=hr, reason=REASON)
    teams = {t.name: t for t in Team.objects.filter(programme=programme)}
    counts: dict[int, list] = {}
    for r in baseline.records.all():
        c = counts.setdefault(r.team_id, [0, Decimal("0")])
        c[0] += 1
        c[1] += r.fte
    changes = {"Social Care Business Support": (-2, Decimal("-1.60"), 2, 0),
               "LD Connections": (-12, Decimal("-8.00"), 7, 5),
               "LD Carrswood": (-9, Decimal("-7.00"), 5, 4),
               "First Response": (2, Decimal("2.00"), 0, 0)}
    lines = {}
    for name, team in teams.items():
        posts, fte = counts.get(team.pk, [0, Decimal("0")])
        d_posts, d_fte, vol, comp = changes.get(name, (0, Decimal("0"), 0, 0))
        lines[team.pk] = {"posts": posts + d_posts, "fte": fte + d_fte, "voluntary_redundancies": vol,
                          "compulsory_redundancies": comp}
    establishment_lines_save(establishment=establishment, lines=lines, user=hr)
