"""Every upload kind's pages, as a person who may upload drives them, and the domain rows
the kind writes, so one test can push any file through any kind and count what changed.

A kind registered with core.uploads but missing here fails test_corpus.py: add its pages."""
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.messages import constants as levels
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from business_cases.models import AppraisalLine
from core.uploads.spec import _specs
from finance.models import LedgerTransaction
from programmes.models import Milestone
from risks.models import Risk
from workforce.models import EmployeeRecord, Readiness, TransferRoster


def _from_tests(spec) -> bool:
    """A throwaway kind a test registered: its form or its writer is the test's own (or
    missing), where an app's kind has both from the app."""
    return any((getattr(part, "__module__", None) or "tests.").startswith("tests.")
               for part in (spec.form_class, spec.write))


def app_kinds() -> list[str]:
    """The kinds the apps register (tests register throwaway kinds of their own)."""
    return sorted(k for k, spec in _specs.items() if not _from_tests(spec))


@dataclass(frozen=True)
class KindPages:
    """The URL names of one kind's receive, mapping, preview and commit pages."""

    role: str  # the cast member who uploads
    namespace: str
    names: tuple[str, str, str, str, str]  # receive, mapping, preview, commit, rollback
    rows: Callable  # programme → how many domain rows the kind has written
    set_up: Callable  # (cast, people=3) → None: what a file of this kind needs to exist first
    # (n, bad) → (file name, bytes, (row, column) of the error): n good rows, and with bad
    # one more after them that is wrong in one cell.
    good_file: Callable
    extra_args: tuple = ()  # URL arguments between the slug and the upload's id
    commit_data: Callable = field(default=lambda: {})

    def url(self, step: int, slug: str, *pk) -> str:
        return reverse(f"{self.namespace}:{self.names[step]}", args=[slug, *self.extra_args, *pk])

    def rollback_url(self, slug: str, pk: int) -> str:
        return reverse(f"{self.namespace}:{self.names[4]}", args=[slug, pk])


def _csv(lines: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(lines)
    return out.getvalue().encode()


def _finance_set_up(cast, people=3):
    from tests.finance.conftest import make_budget

    make_budget(cast.programme, cast.workstream)


def _ledger_file(n: int, bad: bool):
    from tests.finance.conftest import HEADERS

    start = date(2023, 4, 1)
    rows = [[(start + timedelta(days=k % 700)).isoformat(), "CC1", "1001", f"Line {k}", "Acme",
             f"{10 + k % 97}.{k % 100:02d}", f"R{k:05d}"] for k in range(n)]
    if bad:
        rows.append([start.isoformat(), "CC1", "1001", "Bad line", "Acme", "ten pounds", "BAD"])
    return "ledger.csv", _csv([HEADERS, *rows]), (n + 2, "Amount")


def _workforce_set_up(cast, people=3):
    from tests.workforce.conftest import set_up_programme

    set_up_programme(cast.programme)


def _roster_file(n: int, bad: bool):
    from tests.workforce.conftest import person, staff, xlsx

    rows = staff(n)
    if bad:
        rows.append(person(f"E{n + 1:04d}", fte="lots", hours="37"))
    return "eli.xlsx", xlsx(rows), (n + 2, "WTE")


def _readiness_set_up(cast, people=3):
    """Readiness is for people on the latest roster, so there is one."""
    from tests.workforce.conftest import HEADERS, load_roster, staff

    _workforce_set_up(cast)
    # As csv, which is read in this process: quicker than a workbook, for every test.
    content = _csv([HEADERS, *([row.get(h, "") for h in HEADERS] for row in staff(people))])
    assert load_roster(cast.programme, cast.users["hr"], [], name="roster-for-readiness.csv", content=content).ok


def _readiness_file(n: int, bad: bool):
    rows = [[f"E{k + 1:04d}", "Yes", "No", "Yes", "No", "Yes"] for k in range(n)]
    if bad:
        rows.append([f"E{n + 1:04d}", "Maybe", "No", "No", "No", "No"])
    return "ready.csv", _csv([["Employee No", "On payroll", "Network account", "Laptop", "Phone",
                               "Induction booked"], *rows]), (n + 2, "On payroll")


def _risk_file(n: int, bad: bool):
    rows = [[f"Risk {k}", "Workforce", 1 + k % 5, 1 + k % 4, 1, 1] for k in range(n)]
    if bad:
        rows.append(["Bad likelihood", "Workforce", 7, 2, 1, 1])
    return "register.csv", _csv([["Title", "Category", "Likelihood", "Impact", "Residual likelihood",
                                  "Residual impact"], *rows]), (n + 2, "Likelihood")


def _appraisal_file(n: int, bad: bool):
    rows = [["Op.1", "revenue", k % 30, f"Running cost {k}", 100 + k] for k in range(n)]
    if bad:
        rows.append(["Op.1", "revenue", 200, "Too late", 100])
    return "lines.csv", _csv([["Option", "Category", "Year", "Description", "Amount"], *rows]), (n + 2, "Year")


def _appraisal_set_up(cast, people=3):
    from tests.business_cases.conftest import make_option

    make_option(cast.programme, "Op.1", cast.users["pm"])


def _plan_file(n: int, bad: bool):
    from tests.programmes.mspdi_files import sized_plan

    return "plan.xml", sized_plan(n, bad=bad), (n + 1, "Finish")


def _roster_details():
    today = date.today()
    return {"as_at": (today - timedelta(days=3)).isoformat(), "received_on": today.isoformat(), "note": ""}


WORKFORCE_NAMES = ("upload", "upload_mapping", "upload_preview", "upload_commit", "upload_rollback")
IMPORT_NAMES = ("import", "import_mapping", "import_preview", "import_commit", "upload_rollback")
PLAN_NAMES = ("plan_import", "plan_import_mapping", "plan_import_preview", "plan_import_commit",
              "plan_import_rollback")

KIND_PAGES: dict[str, KindPages] = {
    "finance.ledger": KindPages(
        "finance", "finance", ("ledger_upload", "ledger_mapping", "ledger_preview", "ledger_commit",
                               "ledger_rollback"),
        rows=lambda p: LedgerTransaction.objects.filter(programme=p).count(), set_up=_finance_set_up,
        good_file=_ledger_file),
    "workforce.roster": KindPages(
        "hr", "workforce", WORKFORCE_NAMES, extra_args=("roster",), commit_data=_roster_details,
        rows=lambda p: (TransferRoster.objects.filter(programme=p).count(),
                        EmployeeRecord.objects.filter(roster__programme=p).count()),
        set_up=_workforce_set_up, good_file=_roster_file),
    "workforce.readiness": KindPages(
        "hr", "workforce", WORKFORCE_NAMES, extra_args=("readiness",),
        rows=lambda p: Readiness.objects.filter(programme=p).count(), set_up=_readiness_set_up,
        good_file=_readiness_file),
    "risks.register": KindPages("pm", "risks", IMPORT_NAMES, rows=lambda p: Risk.objects.filter(programme=p).count(),
                                set_up=lambda cast, people=3: None, good_file=_risk_file),
    "business_cases.appraisal_lines": KindPages(
        "director", "business_cases", IMPORT_NAMES,
        rows=lambda p: AppraisalLine.objects.filter(programme=p).count(), set_up=_appraisal_set_up,
        good_file=_appraisal_file),
    # A Microsoft Project plan (MSPDI XML): every task a row, summary tasks as workstreams.
    "programmes.plan": KindPages(
        "pm", "programmes", PLAN_NAMES,
        rows=lambda p: Milestone.objects.filter(programme=p).count(), set_up=lambda cast, people=3: None,
        good_file=_plan_file),
}


@dataclass
class Visit:
    """What a person saw going through the pages with one file."""

    statuses: list[tuple[str, int]] = field(default_factory=list)
    messages: list[tuple[int, str]] = field(default_factory=list)
    form_errors: list[str] = field(default_factory=list)
    preview: object = None  # the last preview shown
    upload_pk: int | None = None
    already_loaded: bool = False  # the receive page said this very file is in already
    success_banners: int = 0  # pages that showed a "Success" heading, whatever the message's level

    def saw(self, response, label: str):
        self.statuses.append((label, response.status_code))
        if b">Success</h2>" in response.content:
            self.success_banners += 1
        context = response.context
        if context is None:
            return
        try:
            shown = context["messages"]
        except KeyError:
            shown = ()
        self.messages += [(m.level, str(m)) for m in shown]
        for key in ("upload_form", "mapping_form", "details_form"):
            try:
                form = context[key]
            except KeyError:
                continue
            if form is not None and form.is_bound and form.errors:
                self.form_errors += [str(e) for errs in form.errors.values() for e in errs]
        try:
            if context["upload_error"]:
                self.form_errors.append(str(context["upload_error"]))
        except KeyError:
            pass
        try:
            self.preview = context["preview"]
        except KeyError:
            pass
        try:
            self.already_loaded = self.already_loaded or bool(context["already_loaded"])
        except KeyError:
            pass

    @property
    def successes(self) -> list[str]:
        return [text for level, text in self.messages if level == levels.SUCCESS] + (
            ["a page showed a Success banner"] * self.success_banners)

    @property
    def problem_shown(self) -> bool:
        """An error message, a refused form, or a preview that cannot be loaded."""
        return bool([t for lv, t in self.messages if lv >= levels.WARNING] or self.form_errors
                    or (self.preview is not None and not self.preview.can_commit))


def request(client, visit: Visit, method: str, url: str, data=None, label: str = ""):
    """One request, then its redirects one by one, so that every page on the way is seen."""
    response = getattr(client, method)(url, data or {})
    visit.saw(response, label or url)
    hops = 0
    while response.status_code in (301, 302, 303) and hops < 5:
        response = client.get(response["Location"])
        visit.saw(response, f"{label} → {response.request['PATH_INFO']}")
        hops += 1
    return response


def upload_file(client, pages: KindPages, slug: str, filename: str, data: bytes,
                content_type: str = "") -> Visit:
    """Receive → mapping (accept what it suggests) → preview → commit, as far as the pages let."""
    visit = Visit()
    upload = SimpleUploadedFile(filename, data, content_type=content_type or "application/octet-stream")
    response = client.post(pages.url(0, slug), {"file": upload})
    visit.saw(response, "receive")
    if response.status_code != 302:
        return visit
    found = re.search(r"/(\d+)/mapping/", response["Location"])
    if not found:
        request(client, visit, "get", response["Location"], label="receive redirect")
        return visit
    pk = visit.upload_pk = int(found.group(1))
    mapping_page = request(client, visit, "get", pages.url(1, slug, pk), label="mapping")
    if mapping_page.status_code == 200 and "mapping_form" in mapping_page.context:
        form = mapping_page.context["mapping_form"]
        chosen = {f"map-{name}": form.initial.get(name) or "" for name in form.fields}
        request(client, visit, "post", pages.url(1, slug, pk), chosen, label="mapping POST")
    request(client, visit, "get", pages.url(2, slug, pk), label="preview")
    request(client, visit, "post", pages.url(3, slug, pk), pages.commit_data(), label="commit")
    return visit
