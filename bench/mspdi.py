"""Microsoft Project section of `make bench` (bench/run.py calls `run`): the time to import
a 2,000-task MSPDI plan through the one upload pipeline (read, validate every task, write
in one transaction), into a programme of its own made for the bench, then the same
project again (every task found by its unique ID, none changed), and the export of the
result. CPU time of this process beside the wall time, since the writes are the
database's. Prints figures; never asserts."""
import time

TASKS = 2000


def _timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def run(*, programme, user, client, today, args) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.uploads import upload_commit, upload_preview, upload_receive
    from programmes.models import Milestone, Programme
    from programmes.mspdi import PLAN_KIND, plan_mspdi
    from tests.factories import ProgrammeFactory
    from tests.programmes.mspdi_files import sized_plan

    target = (Programme.objects.filter(slug="bench-mspdi").first()
              or ProgrammeFactory(slug="bench-mspdi", name="Bench: plan from Microsoft Project",
                                  lead_organisation=programme.lead_organisation))
    Milestone.objects.filter(programme=target).delete()
    kwargs = {"programme": target}

    def load(data: bytes, name: str):
        upload = upload_receive(target=target, kind=PLAN_KIND, user=user,
                                uploaded_file=SimpleUploadedFile(name, data))
        upload_preview(upload=upload, form_kwargs=kwargs)
        return upload_commit(upload=upload, user=user, form_kwargs=kwargs, write_ctx={"programme": target})

    data = sized_plan(TASKS)
    first, wall, cpu = _timed(lambda: load(data, f"plan-{time.time_ns()}.xml"))
    print(f"\nMicrosoft Project plan: {TASKS:,} tasks ({len(data) / 1e6:.1f} MB of MSPDI)")
    refused = "" if first.ok else f" (NOT LOADED: {first.message})"
    print(f"  First import (preview, then commit):  {wall:6.2f} s wall, {cpu:6.2f} s CPU; "
          f"{first.written:,} milestones and activities written{refused}")
    again = data.replace(b"<Title>", b"<Title> ")  # other bytes, the same project
    second, wall2, cpu2 = _timed(lambda: load(again, f"plan-again-{time.time_ns()}.xml"))
    print(f"  The same project again (no change):   {wall2:6.2f} s wall, {cpu2:6.2f} s CPU; "
          f"{second.written:,} changed; CPU ratio again/first {cpu2 / cpu if cpu else 0:.2f}")
    xml, wall3, cpu3 = _timed(lambda: plan_mspdi(programme=target))
    print(f"  Export as MSPDI:                      {wall3:6.2f} s wall, {cpu3:6.2f} s CPU ({len(xml) / 1e6:.1f} MB)")
