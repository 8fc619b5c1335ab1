"""A bounded load test: 20 signed-in sessions on the main pages against gunicorn.

It makes a PostgreSQL database for this run (on DATABASE_URL's server, by default
postgres://postgres@127.0.0.1:5432, as bench/run.py does), migrates it and builds scale data,
signs the sessions in, starts gunicorn with threaded workers (config/gunicorn.py: gthread,
--workers and --threads as given) on a free port of 127.0.0.1, and sends requests from the
sessions at once until --requests are done or --seconds have passed, whichever is first.
Then it stops gunicorn and drops the database. Nothing leaves the loopback.

It prints the throughput, the latency percentiles, and per page the median server CPU per
request, which each response reports in its Server-Timing header (bench/middleware.py):
the target is at most 25 ms on the main pages at scale data. Prints figures; never fails on
them.

    python bench/load.py [--sessions 20] [--requests 1500] [--seconds 60] [--workers 2] [--threads 4]
    python bench/run.py --only load       # the same, as a section of `make bench`
"""
import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CPU_TARGET_MS = 25
LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


def arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--requests", type=int, default=1500, help="stop after this many (default 1500)")
    parser.add_argument("--seconds", type=float, default=60, help="or after this long (default 60)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--programmes", type=int, default=1, help="scale programmes to build (default 1)")
    parser.add_argument("--conn-max-age", type=int, default=None,
                        help="DATABASE_CONN_MAX_AGE for gunicorn (default: what the settings say)")
    return parser.parse_args(argv)


def main() -> None:
    args = arguments()
    url = os.environ.get("DATABASE_URL", "")
    if "postgres" not in url.split(":", 1)[0]:
        os.environ["DATABASE_URL"] = LOCAL_POSTGRES
    from bench.run import ThrowawayDatabase

    started = time.perf_counter()
    with ThrowawayDatabase() as db_label:
        os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
        warnings.filterwarnings("ignore", message="No directory at")
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections
        from django.utils import timezone

        try:
            print(f"Load bench on {db_label}")
            call_command("migrate", verbosity=0)
            from programmes.scale import scale_data_build

            ctx = scale_data_build(programmes=args.programmes, today=timezone.localdate())
            programme, users = ctx.programmes[0].programme, ctx.users
            del ctx
            run_load(args, programme=programme, users=users)
        finally:
            connections.close_all()
    print(f"\nWhole load bench: {time.perf_counter() - started:.0f} s")


def run(*, programme, user, client, today, args) -> None:
    """bench/run.py's section: the same load against this run's database and scale data."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from programmes.scale import SCALE_USERS

    if connection.vendor != "postgresql":
        print("\nLoad: skipped, it runs on PostgreSQL (set DATABASE_URL, or run bench/load.py, "
              "which makes its own database on 127.0.0.1)")
        return
    users = {role: get_user_model().objects.get(username=username) for username, *_, role in SCALE_USERS}
    run_load(arguments([]), programme=programme, users=users)


def pages(slug: str) -> dict[str, list[tuple[str, str]]]:
    """Role → the (name, path) of the main pages a person in that role opens."""
    from django.urls import reverse

    from core.roles import Role

    everyone = [
        ("overview", reverse("programmes:overview", args=[slug])),
        ("tracker", reverse("programmes:tracker", args=[slug])),
        ("risk register", reverse("risks:register", args=[slug])),
        ("finance home", reverse("finance:home", args=[slug])),
        ("business case home", reverse("business_cases:home", args=[slug])),
        ("API milestone list", f"/api/v1/programmes/{slug}/milestones/"),
    ]
    return {
        Role.PROGRAMME_MANAGER: everyone,
        Role.DIRECTOR: everyone,
        Role.FINANCE_OFFICER: everyone,
        Role.VIEWER: everyone,
        Role.HR_LEAD: [("workforce home (HR)", reverse("workforce:summary", args=[slug])), *everyone[:2]],
    }


def signed_in_cookies(user, n: int) -> list[str]:
    """n session cookies for `user`, each a session of its own in the database, made as the
    test Client signs in (the password hashing of n logins would only slow the start)."""
    from django.conf import settings
    from django.test import Client

    cookies = []
    for _ in range(n):
        client = Client()
        client.force_login(user)
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
    return cookies


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(args, port: int) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "GUNICORN_ACCESS_LOG": "",
           # Whitenoise warns that collectstatic has not run; the bench asks for no static file.
           "PYTHONWARNINGS": "ignore:No directory at"}
    if args.conn_max_age is not None:
        env["DATABASE_CONN_MAX_AGE"] = str(args.conn_max_age)
    command = [str(Path(sys.executable).with_name("gunicorn")), "-c", str(ROOT / "config" / "gunicorn.py"),
               "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers), "--threads", str(args.threads),
               "--log-level", "warning",
               "config.wsgi:application"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped at start (exit {server.returncode})")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/accounts/login/")
            if conn.getresponse().status == 200:
                conn.close()
                return server
        except OSError:
            time.sleep(0.2)
    stop_gunicorn(server)
    sys.exit("gunicorn did not answer within 60 s")


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)  # its own session: the master and its workers
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


class Budget:
    """The requests left to send, shared by the sessions; empty once time is up."""

    def __init__(self, requests: int, seconds: float):
        self.left, self.deadline, self.lock = requests, time.monotonic() + seconds, threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0 or time.monotonic() >= self.deadline:
                return False
            self.left -= 1
            return True


def session(port: int, cookie: str, pages: list[tuple[str, str]], offset: int, budget: Budget,
            results: list) -> None:
    """One person: opens their pages in turn on one kept-alive connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie, "Host": "127.0.0.1"}
    i = offset
    while budget.take():
        name, path = pages[i % len(pages)]
        i += 1
        t = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as exc:
            results.append((name, None, None, repr(exc)))
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            continue
        elapsed = (time.perf_counter() - t) * 1000
        timing = response.getheader("Server-Timing", "")
        cpu = float(timing.split("dur=", 1)[1]) if "dur=" in timing else None
        results.append((name, elapsed, cpu, None if response.status == 200 else f"HTTP {response.status}"))
    conn.close()


def percentile(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-pct * len(ordered) // 100) - 1)]


def run_load(args, *, programme, users) -> None:
    from django.conf import settings
    from django.db import connections

    from core.roles import Role

    by_role = pages(programme.slug)
    # Most people are programme managers; a few of every other role.
    roles = [Role.PROGRAMME_MANAGER] * 8 + [Role.HR_LEAD] * 3 + [Role.FINANCE_OFFICER] * 3 + \
            [Role.DIRECTOR] * 3 + [Role.VIEWER] * 3
    roles = [roles[i % len(roles)] for i in range(args.sessions)]
    cookies = {role: iter(signed_in_cookies(users[role], roles.count(role))) for role in set(roles)}
    connections.close_all()  # gunicorn's workers open their own
    port = free_port()
    conn_max_age = (args.conn_max_age if args.conn_max_age is not None
                    else settings.DATABASES["default"].get("CONN_MAX_AGE", 0))
    print(f"\nLoad: {args.sessions} sessions on {programme.slug}, gunicorn gthread {args.workers} workers x "
          f"{args.threads} threads on 127.0.0.1:{port}, CONN_MAX_AGE {conn_max_age}; at most "
          f"{args.requests} requests or {args.seconds:.0f} s")
    server = start_gunicorn(args, port)
    try:
        # Every page once before measuring: each worker imports and compiles on first use.
        warm = Budget(sum(len(p) for p in by_role.values()) * args.workers, args.seconds)
        for role, role_pages in by_role.items():
            session(port, next(iter(signed_in_cookies(users[role], 1))), role_pages * args.workers, 0, warm, [])
        results: list = []
        budget = Budget(args.requests, args.seconds)
        threads = [threading.Thread(target=session, args=(port, next(cookies[role]), by_role[role], i, budget, results))
                   for i, role in enumerate(roles)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
    finally:
        stop_gunicorn(server)
    report(results, elapsed)


def report(results: list, elapsed: float) -> None:
    ok = [r for r in results if r[3] is None]
    failed = [r for r in results if r[3] is not None]
    if not ok:
        print(f"  no request succeeded; first failure: {failed[0][3] if failed else 'none sent'}")
        return
    times = [r[1] for r in ok]
    print(f"  {len(results)} requests in {elapsed:.1f} s: {len(ok) / elapsed:.1f} requests a second; "
          f"latency p50 {percentile(times, 50):.0f} ms, p95 {percentile(times, 95):.0f} ms, "
          f"p99 {percentile(times, 99):.0f} ms; {len(failed)} failed"
          + (f" (first: {failed[0][0]}, {failed[0][3]})" if failed else ""))
    print(f"  {'page':<24}{'requests':>9}{'p50 ms':>8}{'p95 ms':>8}{'server CPU median ms':>22}"
          f"  <= {CPU_TARGET_MS} ms")
    cpus, over = [], []
    for name in dict.fromkeys(r[0] for r in ok):
        rows = [r for r in ok if r[0] == name]
        cpu = [r[2] for r in rows if r[2] is not None]
        cpus.extend(cpu)
        page_median = statistics.median(cpu) if cpu else float("nan")
        met = page_median <= CPU_TARGET_MS
        if not met:
            over.append(name)
        print(f"  {name:<24}{len(rows):>9}{percentile([r[1] for r in rows], 50):>8.0f}"
              f"{percentile([r[1] for r in rows], 95):>8.0f}{page_median:>22.1f}  {'met' if met else 'MISSED'}")
    median = statistics.median(cpus) if cpus else float("nan")
    print(f"  Target: median server CPU per request on the main pages <= {CPU_TARGET_MS} ms: "
          f"{median:.1f} ms over all requests, {'met' if median <= CPU_TARGET_MS else 'MISSED'}; "
          + (f"over it on {len(over)} of the pages: {', '.join(over)}" if over else "every page within it"))


if __name__ == "__main__":
    main()
