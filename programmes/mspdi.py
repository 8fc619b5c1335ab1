"""Plans from and to Microsoft Project: MSPDI XML, the format Project (and ProjectLibre)
save as "XML".

Importing goes through the one upload pipeline (core.uploads) as the kind `PLAN_KIND`,
with its own file reader since the file is not a spreadsheet:

    read      defusedxml, streamed, refusing any DTD (so XXE and billion laughs never
              expand) and any file of more than MAX_TASKS tasks, into a table of tasks
    validate  every task, all at once: dates, names, the links between tasks (a cycle is
              refused with its tasks named), whose names the resources match among the
              programme's members; nothing is written
    write     in the pipeline's one transaction: summary tasks become workstreams (by name),
              milestone tasks milestones, tasks with a duration activities, each found again
              by its Project unique ID (Milestone.external_uid) so a second import updates

The mapping:
    summary task            a workstream (matched by name, added if missing); the tasks under
                            it belong to it (the nearest summary above a task)
    Milestone=1, or no      a milestone, dated at its finish
    duration
    any other task          an activity, from its start to its finish
    Baseline 0              the baseline dates (the forecast where the task has none); dates
                            held by the baseline in use (programmes.baselines) are kept
    PercentComplete 100 or  complete, on the actual finish (else the finish); more than 0:
    ActualFinish            in progress; else not started
    PredecessorLink         depends on (Insource has finish-to-start links only: a link's
                            type and lag are read but not kept)
    Assignment → Resource   the owner: the first resource on the task that matches exactly
                            one member of the programme by full name or email, ignoring
                            case; names that match nobody are listed, never guessed

Exporting (`plan_mspdi`) writes the plan back the same way round: workstreams as summary
tasks, milestones and activities under them with their baseline 0, dependencies as
finish-to-start links and owners as resources, so that importing the export changes nothing.
"""
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.etree.ElementTree import Element, ParseError, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.search import search_rebuild
from core.uploads import BulkResult, FileReader, RawTable, RowError, UploadError, UploadSpec
from programmes.models import Baseline, BaselineDate, Membership, Milestone, Programme, Workstream

PLAN_KIND = "programmes.plan"
NS = "http://schemas.microsoft.com/project"
# Big enough for any council's transfer plan (the largest seen have a few hundred tasks),
# small enough that a file of 100,000 tasks is refused before its tasks are kept.
MAX_TASKS = 5000
# Assignments and resources are bounded too: a file could hold millions of either.
MAX_ASSIGNMENTS = 4 * MAX_TASKS
MAX_RESOURCES = MAX_TASKS

HEADERS = ["UID", "ID", "Name", "Outline level", "Summary", "Milestone", "Start", "Finish", "Duration",
           "Baseline start", "Baseline finish", "% complete", "Actual finish", "Predecessors", "Resources"]
FIELD_HEADER = {"title": "Name", "forecast_start_date": "Start", "forecast_date": "Finish",
                "baseline_start_date": "Baseline start", "baseline_date": "Baseline finish",
                "actual_date": "Actual finish", "status": "% complete", "kind": "Milestone",
                "workstream": "Outline level", "depends_on": "Predecessors", "external_uid": "UID"}

WRONG_TYPE = ("The selected file must be a plan saved from Microsoft Project or ProjectLibre as XML (.xml): "
              "in Project choose File > Save As > XML Format (*.xml).")
NOT_A_PLAN = ("The file is XML but not a Microsoft Project plan: its first element must be <Project> in the "
              "Project namespace. Save the plan from Project with File > Save As > XML Format (*.xml).")
DTD_REFUSED = ("The file declares a document type or entities (<!DOCTYPE …>, <!ENTITY …>), which a plan saved "
               "by Microsoft Project never has, so it was not read. Save the plan from Project again as XML.")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(elem: Element, name: str) -> str:
    for child in elem:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _children(elem: Element, name: str) -> Iterable[Element]:
    return (child for child in elem if _local(child.tag) == name)


class PlanTable(RawTable):
    """The tasks of a plan as a table (what the preview shows), with what the rows alone do
    not hold: each task's links, the resources and who is assigned to what."""

    def __init__(self, *, headers, columns, numbers, links, resources, assignments, project_name):
        super().__init__(headers=headers, columns=columns, numbers=numbers)
        self.links: list[list[tuple[str, str, str]]] = links  # per row: (predecessor UID, type, lag)
        self.resources: dict[str, tuple[str, str]] = resources  # resource UID → (name, email)
        self.assignments: dict[str, list[str]] = assignments  # task UID → resource UIDs, in order
        self.project_name = project_name


def _too_many(what: str, most: int) -> UploadError:
    return UploadError(f"The plan has more than {most:,} {what}, more than a programme's plan holds. "
                       "Split it into smaller projects in Project, or remove finished work, and upload again.")


def read_plan(name: str, data: bytes) -> PlanTable:
    """Read an MSPDI file into a PlanTable, streaming: each task is kept as a few strings
    and its element freed, and reading stops at the first task past MAX_TASKS. Raises
    UploadError for a file that is not XML, not a plan, or declares a DTD (defusedxml
    refuses every DTD, so no entity is ever expanded nor fetched)."""
    rows: list[list[str]] = []
    numbers: list[int] = []
    links: list[list[tuple[str, str, str]]] = []
    resources: dict[str, tuple[str, str]] = {}
    assignments: dict[str, list[str]] = {}
    assignment_count = 0
    project_name = ""
    depth = 0
    try:
        for event, elem in iterparse(io.BytesIO(data), events=("start", "end"), forbid_dtd=True):
            tag = _local(elem.tag)
            if event == "start":
                if depth == 0 and (tag != "Project" or elem.tag not in (f"{{{NS}}}Project", "Project")):
                    raise UploadError(NOT_A_PLAN)
                depth += 1
                continue
            depth -= 1
            if depth == 1 and tag in ("Name", "Title") and elem.text:
                # The title, as Project shows it; its Name is the file's name.
                if tag == "Title" or not project_name:
                    project_name = elem.text.strip()
            elif depth == 2 and tag == "Task":
                _read_task(elem, rows, numbers, links)
                if len(rows) > MAX_TASKS:
                    raise _too_many("tasks", MAX_TASKS)
                elem.clear()
            elif depth == 2 and tag == "Resource":
                uid = _child_text(elem, "UID")
                if uid and uid != "0":
                    resources[uid] = (_child_text(elem, "Name"), _child_text(elem, "EmailAddress"))
                if len(resources) > MAX_RESOURCES:
                    raise _too_many("resources", MAX_RESOURCES)
                elem.clear()
            elif depth == 2 and tag == "Assignment":
                task, resource = _child_text(elem, "TaskUID"), _child_text(elem, "ResourceUID")
                assignment_count += 1
                if assignment_count > MAX_ASSIGNMENTS:
                    raise _too_many("assignments", MAX_ASSIGNMENTS)
                if task and resource and resource not in ("-65535", "0"):
                    assignments.setdefault(task, []).append(resource)
                elem.clear()
            elif depth == 2:
                elem.clear()  # calendars, extended attributes: not used
    except DefusedXmlException:
        raise UploadError(DTD_REFUSED) from None
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise UploadError(f"The file is not well-formed XML (line {line}, column {column + 1}), so it cannot be "
                          "read. Save the plan from Project again as XML, and upload that file.") from None
    for row in rows:  # the assignments follow the tasks in the file
        row[-1] = "; ".join(resources.get(r, ("", ""))[0] for r in assignments.get(row[0], []))
    columns = {h: [r[i] for r in rows] for i, h in enumerate(HEADERS)}
    return PlanTable(headers=list(HEADERS), columns=columns, numbers=numbers, links=links,
                     resources=resources, assignments=assignments, project_name=project_name)


def _read_task(elem: Element, rows: list, numbers: list, links: list) -> None:
    uid = _child_text(elem, "UID")
    if _child_text(elem, "IsNull") == "1" or _child_text(elem, "OutlineLevel") == "0" or uid == "0":
        return  # a blank line of the Gantt chart, or the project's own summary task
    baseline_start = baseline_finish = ""
    for b in _children(elem, "Baseline"):
        if _child_text(b, "Number") in ("0", ""):
            baseline_start, baseline_finish = _child_text(b, "Start"), _child_text(b, "Finish")
            break
    task_links = [(_child_text(p, "PredecessorUID"), _child_text(p, "Type"), _child_text(p, "LinkLag"))
                  for p in _children(elem, "PredecessorLink")]
    ident = _child_text(elem, "ID")
    numbers.append(int(ident) if ident.isdigit() else len(rows) + 1)
    links.append(task_links)
    rows.append([uid, ident, _child_text(elem, "Name"), _child_text(elem, "OutlineLevel") or "1",
                 _child_text(elem, "Summary"), _child_text(elem, "Milestone"), _child_text(elem, "Start"),
                 _child_text(elem, "Finish"), _child_text(elem, "Duration"), baseline_start, baseline_finish,
                 _child_text(elem, "PercentComplete"), _child_text(elem, "ActualFinish"),
                 "; ".join(p for p, _, _ in task_links if p), ""])


# --- Validating ---------------------------------------------------------------------------

_DURATION = re.compile(r"^-?P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)D)?"
                       r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def _is_zero_duration(text: str) -> bool | None:
    """Whether an xsd:duration (Project writes PT16H0M0S) is zero; None if it is not one."""
    found = _DURATION.match(text.strip())
    if not found or text.strip() in ("P", "PT"):
        return None
    return not any(float(g) for g in found.groups() if g)


def _day(text: str) -> date | None:
    """A Project date-time (2025-04-01T08:00:00) as its day; ValueError if it is not one."""
    if not text:
        return None
    return datetime.fromisoformat(text.strip()[:19]).date() if "T" in text else date.fromisoformat(text.strip())


@dataclass
class PlanTask:
    """One task as it will be written."""

    uid: str
    number: int
    title: str
    workstream: str
    kind: str
    forecast_start_date: date | None
    forecast_date: date
    baseline_start_date: date | None
    baseline_date: date
    status: str
    actual_date: date | None
    owner_id: int | None
    predecessors: list[str] = field(default_factory=list)


@dataclass
class PlanRows:
    """What validating a plan found, for the preview and the write."""

    tasks: list[PlanTask]
    workstreams: list[str]  # every summary task's name (and the fallback), in the file's order
    new_workstreams: list[str]
    unmatched: list[str]  # resource names that match no member
    kept_baselines: list[str]  # tasks whose baseline dates the baseline in use keeps
    skipped_links: int = 0
    summaries: int = 0

    @property
    def load_count(self) -> int:
        return len(self.tasks)

    @property
    def count_notes(self) -> dict[str, int]:
        return {"Summary tasks, as workstreams": self.summaries} if self.summaries else {}


def _members(programme: Programme) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    names: dict[str, set[int]] = {}
    emails: dict[str, set[int]] = {}
    for user in (m.user for m in Membership.objects.filter(programme=programme).select_related("user")):
        full = " ".join(user.get_full_name().split()).casefold()
        if full:
            names.setdefault(full, set()).add(user.pk)
        if user.email:
            emails.setdefault(user.email.strip().casefold(), set()).add(user.pk)
    return names, emails


def _owner(table: PlanTable, uid: str, names, emails, unmatched: dict[str, None]) -> int | None:
    found = None
    for resource_uid in table.assignments.get(uid, []):
        name, email = table.resources.get(resource_uid, ("", ""))
        by_email = emails.get(email.strip().casefold(), set()) if email else set()
        by_name = names.get(" ".join(name.split()).casefold(), set()) if name else set()
        matches = by_email if len(by_email) == 1 else by_name
        if len(matches) == 1:
            found = found or next(iter(matches))
        elif name or email:
            unmatched[name or email] = None
    return found


def _label(uid: str, name: str) -> str:
    return f"UID {uid} \u201c{name}\u201d" if name else f"UID {uid}"


def validate_plan(*, table: PlanTable, columns=None, mapping=None, form_kwargs: dict) -> BulkResult:
    """Check every task of the plan before anything is written (the kind's bulk validator)."""
    programme: Programme = form_kwargs["programme"]
    col = table.columns
    errors: list[RowError] = []
    names, emails = _members(programme)
    unmatched: dict[str, None] = {}
    existing = _existing(programme)
    baseline = Baseline.objects.filter(programme=programme, in_use=True).first()
    held = (set(BaselineDate.objects.filter(baseline=baseline).values_list("milestone_id", flat=True))
            if baseline else set())
    fallback = (table.project_name or "Imported plan")[:120]
    outline: list[tuple[int, str]] = []  # the summary tasks above the current one: (level, name)
    workstreams: dict[str, None] = {}
    tasks: list[PlanTask] = []
    seen: dict[str, int] = {}
    summary_uids: set[str] = set()
    summaries = 0
    kept: list[str] = []

    def error(i: int, header: str | None, fld: str | None, uid: str, name: str, message: str) -> None:
        errors.append(RowError(table.numbers[i], header, fld, f"{_label(uid, name)}: {message}"))

    for i in range(len(table)):
        uid, name = col["UID"][i], " ".join(col["Name"][i].split())
        level_text = col["Outline level"][i]
        level = int(level_text) if level_text.isdigit() else 1
        if not uid.isdigit():
            error(i, "UID", "external_uid", uid, name, "the task has no unique ID (UID), so it cannot be "
                                                       "found again when the plan is imported again.")
            continue
        if uid in seen:
            error(i, "UID", "external_uid", uid, name, f"the unique ID is also on task {seen[uid]}.")
            continue
        seen[uid] = table.numbers[i]
        while outline and outline[-1][0] >= level:
            outline.pop()
        if col["Summary"][i] == "1":
            summaries += 1
            summary_uids.add(uid)
            if not name:
                error(i, "Name", "workstream", uid, name, "a summary task needs a name: it becomes a workstream.")
                continue
            if len(name) > 120:
                error(i, "Name", "workstream", uid, name, "a summary task's name becomes a workstream's, "
                                                          "which can be at most 120 characters.")
                continue
            outline.append((level, name))
            workstreams.setdefault(name.casefold(), None)
            continue
        workstream = outline[-1][1] if outline else fallback
        workstreams.setdefault(workstream.casefold(), None)
        task = _task(i, table, uid, name, workstream, error)
        if task is None:
            continue
        task.owner_id = _owner(table, uid, names, emails, unmatched)
        before = existing.get(uid)
        if before is not None and before.pk in held and before.kind == task.kind:
            task.baseline_start_date, task.baseline_date = before.baseline_start_date, before.baseline_date
            kept.append(f"{_label(uid, name)} (held by the baseline \u201c{baseline.name}\u201d)")
        problems = _model_errors(programme, task)
        for fld, messages in problems.items():
            for message in messages:
                error(i, FIELD_HEADER.get(fld), fld, uid, name, message)
        if not problems:
            tasks.append(task)
    skipped = _link_tasks(table, tasks, seen, summary_uids, error_at=lambda uid, message: errors.append(
        RowError(seen.get(uid), "Predecessors", "depends_on", message)))
    if not errors:
        errors += _cycles(tasks)
    order = {name.casefold(): name for name in _names_in_order(table, fallback)}
    present = {w.casefold() for w in Workstream.objects.filter(programme=programme).values_list("name", flat=True)}
    wanted = [order.get(k, k) for k in workstreams]
    rows = PlanRows(tasks=tasks, workstreams=wanted, new_workstreams=[w for w in wanted if w.casefold() not in present],
                    unmatched=sorted(unmatched, key=str.casefold), kept_baselines=kept, skipped_links=skipped,
                    summaries=summaries)
    return BulkResult(cleaned=rows, errors=errors)


def _names_in_order(table: PlanTable, fallback: str) -> list[str]:
    names = [" ".join(n.split()) for n, s in zip(table.columns["Name"], table.columns["Summary"], strict=True)
             if s == "1"]
    return [*names, fallback]


def _task(i: int, table: PlanTable, uid: str, name: str, workstream: str, error) -> PlanTask | None:
    col = table.columns
    ok = True
    values: dict[str, date | None] = {}
    for header, key in (("Start", "start"), ("Finish", "finish"), ("Baseline start", "baseline_start"),
                        ("Baseline finish", "baseline_finish"), ("Actual finish", "actual")):
        try:
            values[key] = _day(col[header][i])
        except ValueError:
            error(i, header, FIELD_HEADER.get(header), uid, name, f"\u201c{col[header][i]}\u201d is not a date.")
            ok = False
    if not name:
        error(i, "Name", "title", uid, name, "the task has no name.")
        ok = False
    elif len(name) > 200:
        error(i, "Name", "title", uid, name, "the name can be at most 200 characters.")
        ok = False
    zero = _is_zero_duration(col["Duration"][i]) if col["Duration"][i] else None
    if col["Duration"][i] and zero is None:
        error(i, "Duration", "kind", uid, name, f"\u201c{col['Duration'][i]}\u201d is not a duration.")
        ok = False
    percent_text = col["% complete"][i] or "0"
    try:
        percent = float(percent_text)
        if not 0 <= percent <= 100:
            raise ValueError
    except ValueError:
        error(i, "% complete", "status", uid, name, f"\u201c{percent_text}\u201d is not a percentage from 0 to 100.")
        ok = False
        percent = 0
    if not ok:
        return None
    start, finish = values["start"], values["finish"] or values["start"]
    if finish is None:
        error(i, "Finish", "forecast_date", uid, name, "the task has no start or finish date.")
        return None
    milestone = col["Milestone"][i] == "1" or zero is True
    kind = Milestone.Kind.MILESTONE if milestone else Milestone.Kind.ACTIVITY
    baseline_finish = values["baseline_finish"] or values["baseline_start"] or finish
    if kind == Milestone.Kind.MILESTONE:
        start = baseline_start = None
    else:
        start = start or finish
        baseline_start = values["baseline_start"] or (start if not values["baseline_finish"] else
                                                      min(start, values["baseline_finish"]))
    if percent >= 100 or values["actual"]:
        status, actual = Milestone.Status.COMPLETE, values["actual"] or finish
    elif percent > 0:
        status, actual = Milestone.Status.IN_PROGRESS, None
    else:
        status, actual = Milestone.Status.NOT_STARTED, None
    return PlanTask(uid=uid, number=table.numbers[i], title=name, workstream=workstream, kind=kind,
                    forecast_start_date=start, forecast_date=finish, baseline_start_date=baseline_start,
                    baseline_date=baseline_finish, status=status, actual_date=actual, owner_id=None,
                    predecessors=[])


def _model_errors(programme: Programme, task: PlanTask) -> dict[str, list[str]]:
    """The milestone's own rules (Milestone.clean), as the page's form applies them."""
    m = Milestone(programme=programme, kind=task.kind, title=task.title, status=task.status,
                  forecast_start_date=task.forecast_start_date, forecast_date=task.forecast_date,
                  baseline_start_date=task.baseline_start_date, baseline_date=task.baseline_date,
                  actual_date=task.actual_date)
    try:
        m.clean_fields(exclude=["programme", "workstream", "owner", "import_upload"])
        m.clean()
    except ValidationError as exc:
        return exc.message_dict
    return {}


def _link_tasks(table: PlanTable, tasks: list[PlanTask], seen: dict[str, int], summary_uids: set[str],
                error_at) -> int:
    """Give each task its predecessors: tasks of this file. A link to a summary task is
    left out (a workstream cannot be depended on) and counted."""
    by_uid = {t.uid: t for t in tasks}
    skipped = 0
    for i, task_links in enumerate(table.links):
        uid = table.columns["UID"][i]
        task = by_uid.get(uid)
        if task is None:
            continue
        for pred, _type, _lag in task_links:
            if pred in summary_uids:
                skipped += 1
            elif pred == uid:
                error_at(uid, f"{_label(uid, task.title)}: the task is linked to itself.")
            elif pred not in seen:
                error_at(uid, f"{_label(uid, task.title)}: its predecessor UID {pred} is not a task of this plan.")
            elif pred in by_uid and pred not in task.predecessors:
                task.predecessors.append(pred)
    return skipped


def _cycles(tasks: list[PlanTask]) -> list[RowError]:
    """A dependency cycle, refused with its tasks named in order (one error per cycle)."""
    by_uid = {t.uid: t for t in tasks}
    state: dict[str, int] = {}  # 1 on the path, 2 done
    found: list[RowError] = []
    for root in by_uid:
        if root in state:
            continue
        path: list[str] = []
        stack = [(root, iter(by_uid[root].predecessors))]
        state[root] = 1
        path.append(root)
        while stack:
            uid, preds = stack[-1]
            nxt = next(preds, None)
            if nxt is None:
                stack.pop()
                path.pop()
                state[uid] = 2
            elif state.get(nxt) == 1:
                loop = path[path.index(nxt):]
                named = " \u2192 ".join(_label(u, by_uid[u].title) for u in [*loop, nxt])
                found.append(RowError(by_uid[nxt].number, "Predecessors", "depends_on",
                                      f"The tasks depend on each other in a loop: {named}. Remove one of "
                                      "these links in Project and save the plan again."))
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(by_uid[nxt].predecessors)))
    return found


# --- Writing ------------------------------------------------------------------------------

FIELDS = ["title", "workstream", "kind", "forecast_start_date", "forecast_date", "baseline_start_date",
          "baseline_date", "status", "actual_date", "owner", "external_uid", "updated_at"]
# The unique ID the export gives a milestone that was never imported: its id plus this, far
# above the IDs Project gives (it numbers tasks from 1), so importing the export finds it.
EXPORTED_UID_BASE = 1_000_000


def _existing(programme: Programme) -> dict[str, Milestone]:
    """The programme's milestones by the unique ID a plan file knows them by: the one
    they were imported with, else the one the export gave them."""
    found: dict[str, Milestone] = {}
    for m in Milestone.objects.filter(programme=programme):
        if m.external_uid:
            found[m.external_uid] = m
    for m in Milestone.objects.filter(programme=programme, external_uid=""):
        found.setdefault(str(EXPORTED_UID_BASE + m.pk), m)
    return found


def _full_clean(m: Milestone) -> None:
    """The milestone's own rules before it is written (its links were checked by the
    validator, and the workstream is one of the programme's by construction)."""
    m.full_clean(exclude=["programme", "workstream", "owner", "import_upload"], validate_unique=False,
                 validate_constraints=False)


def plan_write(*, upload, rows: PlanRows, user, programme: Programme, **_ctx) -> int:
    """Write a validated plan (in the pipeline's transaction): its workstreams, then each
    task as a new or updated milestone, then the links between them. Returns how many
    milestones were added or changed; one the file leaves as it is is not written."""
    reason = f"Imported from Microsoft Project: {upload.original_name}"[:100]
    workstreams = _workstreams(programme, rows.workstreams, user=user, reason=reason)
    existing = _existing(programme)
    now = timezone.now()
    created, changed = [], []
    for task in rows.tasks:
        m = existing.get(task.uid)
        workstream = workstreams[task.workstream.casefold()]
        values = {"title": task.title, "external_uid": task.uid, "kind": task.kind,
                  "forecast_start_date": task.forecast_start_date,
                  "forecast_date": task.forecast_date, "baseline_start_date": task.baseline_start_date,
                  "baseline_date": task.baseline_date, "status": task.status, "actual_date": task.actual_date}
        if task.owner_id is not None:
            values["owner_id"] = task.owner_id
        if m is None:
            m = Milestone(programme=programme, workstream=workstream, import_upload=upload, **values)
            _full_clean(m)
            created.append(m)
            continue
        if m.status in (Milestone.Status.AT_RISK, Milestone.Status.CANCELLED) and (
                task.status != Milestone.Status.COMPLETE):
            values["status"] = m.status  # the file cannot say at risk or cancelled: kept as set here
        if m.workstream_id != workstream.pk or any(getattr(m, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(m, k, v)
            m.workstream = workstream
            m.updated_at = now
            _full_clean(m)
            changed.append(m)
    bulk_create_with_history(created, Milestone, default_user=user, default_change_reason=reason)
    bulk_update_with_history(changed, Milestone, FIELDS, default_user=user, default_change_reason=reason)
    ids = dict(Milestone.objects.filter(programme=programme, external_uid__in=[t.uid for t in rows.tasks])
               .values_list("external_uid", "pk"))
    links_changed = _links(rows.tasks, ids)
    search_rebuild(tenant=programme)
    new = {ids[m.external_uid] for m in created}
    return len(created) + len(({m.pk for m in changed} | links_changed) - new)


def _workstreams(programme: Programme, names: list[str], *, user, reason: str) -> dict[str, Workstream]:
    found = {w.name.casefold(): w for w in Workstream.objects.filter(programme=programme)}
    order = (Workstream.objects.filter(programme=programme).aggregate(n=Max("order"))["n"] or 0)
    for name in names:
        if name.casefold() not in found:
            order += 1
            w = Workstream(programme=programme, name=name, order=min(order, 32767))
            w.full_clean()
            w._history_user = user
            w._change_reason = reason
            w.save()
            found[name.casefold()] = w
    return found


def _links(tasks: list[PlanTask], ids: dict[str, int]) -> set[int]:
    """Make each imported milestone depend on exactly the file's predecessors; the ids of
    those whose links changed."""
    through = Milestone.depends_on.through
    mine = set(ids.values())
    now: dict[int, set[int]] = {pk: set() for pk in mine}
    for a, b in through.objects.filter(from_milestone_id__in=mine).values_list("from_milestone_id", "to_milestone_id"):
        now[a].add(b)
    wanted = {ids[t.uid]: {ids[p] for p in t.predecessors if p in ids} for t in tasks}
    differ = {pk for pk in mine if now[pk] != wanted.get(pk, set())}
    if differ:
        through.objects.filter(from_milestone_id__in=differ).delete()
        through.objects.bulk_create([through(from_milestone_id=a, to_milestone_id=b)
                                     for a in differ for b in sorted(wanted.get(a, ()))])
    return differ


@transaction.atomic
def plan_rollback(*, upload, user) -> None:
    """Remove the milestones and activities a plan import added (changes it made to ones
    that were there already stay: their history holds what they were)."""
    added = list(Milestone.objects.filter(import_upload=upload))
    for m in added:
        m._history_user = user
        m._change_reason = f"Rolled back: {upload.original_name}"[:100]
        m.delete()
    if added:
        search_rebuild(tenant=Programme.objects.get(pk=added[0].programme_id))


class PlanTaskForm(forms.Form):
    """The row form a spec names. A plan has no columns to map and is checked all at once
    (`validate_plan`, since a task's links and workstream depend on the others), so this
    form has no fields of its own."""

    def __init__(self, *args, programme: Programme | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme


PLAN_SPEC = UploadSpec(
    kind=PLAN_KIND, columns=(), form_class=PlanTaskForm, write=plan_write, rollback=plan_rollback,
    label="Microsoft Project plan", bulk_validate=validate_plan,
    file_reader=FileReader(extensions=(".xml",), wrong_type=WRONG_TYPE, read=read_plan))


# --- Exporting ----------------------------------------------------------------------------

def _dt(day: date, hour: int) -> str:
    return f"{day.isoformat()}T{hour:02d}:00:00"


def _add(parent: Element, tag: str, text) -> Element:
    child = SubElement(parent, tag)
    child.text = str(text)
    return child


def _workdays(start: date, end: date) -> int:
    days = (end - start).days + 1
    weeks, rest = divmod(days, 7)
    extra = sum(1 for k in range(rest) if (start.weekday() + k) % 7 < 5)
    return max(weeks * 5 + extra, 1)


def _calendar(project: Element) -> None:
    """The standard calendar: Monday to Friday, 08:00–12:00 and 13:00–17:00."""
    cal = SubElement(SubElement(project, "Calendars"), "Calendar")
    _add(cal, "UID", 1)
    _add(cal, "Name", "Standard")
    _add(cal, "IsBaseCalendar", 1)
    _add(cal, "BaseCalendarUID", -1)
    week = SubElement(cal, "WeekDays")
    for day_type in range(1, 8):
        wd = SubElement(week, "WeekDay")
        _add(wd, "DayType", day_type)
        working = day_type not in (1, 7)
        _add(wd, "DayWorking", int(working))
        if working:
            times = SubElement(wd, "WorkingTimes")
            for a, b in (("08:00:00", "12:00:00"), ("13:00:00", "17:00:00")):
                t = SubElement(times, "WorkingTime")
                _add(t, "FromTime", a)
                _add(t, "ToTime", b)


def plan_mspdi(*, programme: Programme) -> bytes:
    """The plan as MSPDI XML that Project and ProjectLibre open: each workstream a summary
    task with its milestones and activities under it (with their baseline 0 and
    finish-to-start links), owners as resources assigned to their tasks. A milestone never
    imported is given a unique ID of its own (EXPORTED_UID_BASE plus its id), by which
    importing the export finds it again."""
    milestones = list(Milestone.objects.filter(programme=programme).select_related("workstream", "owner")
                      .prefetch_related("depends_on").order_by("workstream__order", "workstream__name",
                                                                 "forecast_date", "title", "pk"))
    uid_of = {m.pk: (m.external_uid or str(EXPORTED_UID_BASE + m.pk)) for m in milestones}
    used = set(uid_of.values())
    project = Element("Project", xmlns=NS)
    _add(project, "SaveVersion", 14)
    _add(project, "Name", f"{programme.slug}.xml")
    _add(project, "Title", programme.name)
    _add(project, "ScheduleFromStart", 1)
    if milestones:
        first = min(m.forecast_start_date or m.forecast_date for m in milestones)
        _add(project, "StartDate", _dt(first, 8))
    _add(project, "CalendarUID", 1)
    _add(project, "MinutesPerDay", 480)
    _add(project, "MinutesPerWeek", 2400)
    _calendar(project)
    tasks = SubElement(project, "Tasks")
    next_uid = 2_000_000 + max([int(u) for u in used if u.isdigit()] + [0])
    ident = 0
    by_workstream: dict[int, list[Milestone]] = {}
    for m in milestones:
        by_workstream.setdefault(m.workstream_id, []).append(m)
    for group in by_workstream.values():
        ident += 1
        next_uid += 1
        ws = group[0].workstream
        summary = SubElement(tasks, "Task")
        _add(summary, "UID", next_uid)
        _add(summary, "ID", ident)
        _add(summary, "Name", ws.name)
        _add(summary, "OutlineLevel", 1)
        _add(summary, "Summary", 1)
        _add(summary, "Milestone", 0)
        _add(summary, "Start", _dt(min(m.forecast_start_date or m.forecast_date for m in group), 8))
        _add(summary, "Finish", _dt(max(m.forecast_date for m in group), 17))
        for m in group:
            ident += 1
            _task_element(tasks, m, ident, uid_of)
    resources = SubElement(project, "Resources")
    owners = {m.owner_id: m.owner for m in milestones if m.owner_id}
    for n, (pk, user) in enumerate(sorted(owners.items()), start=1):
        r = SubElement(resources, "Resource")
        _add(r, "UID", n)
        _add(r, "ID", n)
        _add(r, "Name", user.get_full_name() or user.username)
        _add(r, "Type", 1)
        if user.email:
            _add(r, "EmailAddress", user.email)
        owners[pk] = n
    assignments = SubElement(project, "Assignments")
    for n, m in enumerate((m for m in milestones if m.owner_id), start=1):
        a = SubElement(assignments, "Assignment")
        _add(a, "UID", n)
        _add(a, "TaskUID", uid_of[m.pk])
        _add(a, "ResourceUID", owners[m.owner_id])
        _add(a, "Units", 1)
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + tostring(project, encoding="utf-8",
                                                                                    xml_declaration=False)


def _task_element(tasks: Element, m: Milestone, ident: int, uid_of: dict[int, str]) -> None:
    t = SubElement(tasks, "Task")
    _add(t, "UID", uid_of[m.pk])
    _add(t, "ID", ident)
    _add(t, "Name", m.title)
    _add(t, "Type", 1)  # fixed duration
    _add(t, "OutlineLevel", 2)
    _add(t, "Summary", 0)
    is_milestone = not m.is_activity
    start = m.forecast_date if is_milestone else m.forecast_start_date
    _add(t, "Milestone", int(is_milestone))
    _add(t, "Start", _dt(start, 8))
    _add(t, "Finish", _dt(m.forecast_date, 8 if is_milestone else 17))
    days = 0 if is_milestone else _workdays(start, m.forecast_date)
    _add(t, "Duration", f"PT{days * 8}H0M0S")
    _add(t, "DurationFormat", 7)
    percent = 100 if m.status == Milestone.Status.COMPLETE else 50 if m.status == Milestone.Status.IN_PROGRESS else 0
    _add(t, "PercentComplete", percent)
    if m.actual_date:
        _add(t, "ActualStart", _dt(m.actual_date if is_milestone else min(start, m.actual_date), 8))
        _add(t, "ActualFinish", _dt(m.actual_date, 8 if is_milestone else 17))
    _add(t, "CalendarUID", -1)
    for dep in sorted(m.depends_on.all(), key=lambda d: d.pk):
        if dep.pk in uid_of:
            link = SubElement(t, "PredecessorLink")
            _add(link, "PredecessorUID", uid_of[dep.pk])
            _add(link, "Type", 1)  # finish-to-start
            _add(link, "CrossProject", 0)
            _add(link, "LinkLag", 0)
            _add(link, "LagFormat", 7)
    b = SubElement(t, "Baseline")
    _add(b, "Number", 0)
    b_start = m.baseline_date if is_milestone else m.baseline_start_date
    _add(b, "Start", _dt(b_start, 8))
    _add(b, "Finish", _dt(m.baseline_date, 8 if is_milestone else 17))
    _add(b, "Duration", f"PT{0 if is_milestone else _workdays(b_start, m.baseline_date) * 8}H0M0S")
