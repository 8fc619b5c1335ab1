"""The embedded default (`make run`: SQLite in a file, Django's threaded server) takes
several API writers at once without answering "database is locked".

It starts the real server on a fresh SQLite file in a subprocess, because the test
database is in memory and the point is the file's locking between threads.
"""
import json
import os
import sqlite3
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.servers import free_port, wait_until_listening

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 8
WRITES_EACH = 6

# Run inside the server's database: a programme, its manager and the manager's API key.
SETUP = """
from datetime import date
from core.models import User
from core.roles import Role
from core.tokens import api_token_issue
from programmes.models import Membership, Organisation, Programme
user = User.objects.create_user(username="writer", password="not-used-here-1")
council = Organisation.objects.create(name="Writers Council", kind=Organisation.Kind.COUNCIL)
programme = Programme.objects.create(name="Writers", slug="writers", lead_organisation=council,
                                     transfer_date=date(2031, 4, 1))
Membership.objects.create(programme=programme, user=user, role=Role.PROGRAMME_MANAGER)
print("KEY=" + api_token_issue(user=user).secret)
"""


def _post(url: str, key: str, body: dict) -> tuple[int, str]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Authorization": f"Token {key}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, ""
    except urllib.error.HTTPError as e:
        return e.code, e.read()[:300].decode(errors="replace")


@pytest.fixture
def server(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL", "DATABASE_URL")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.local",
               DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
               MEDIA_ROOT=str(tmp_path / "media"), PYTHONUNBUFFERED="1")
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=120)
    setup = subprocess.run([*manage, "shell", "-c", SETUP], cwd=ROOT, env=env, check=True,
                           capture_output=True, text=True, timeout=60)
    key = next(line[4:] for line in setup.stdout.splitlines() if line.startswith("KEY="))
    port = free_port()
    log = open(tmp_path / "server.log", "wb")
    proc = subprocess.Popen([*manage, "runserver", "--noreload", f"127.0.0.1:{port}"], cwd=ROOT,
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    wait_until_listening(port, proc, tmp_path / "server.log", "runserver")
    yield base, key, tmp_path / "db.sqlite3"
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


def test_concurrent_api_writers_on_sqlite_all_succeed(server):
    base, key, db_path = server
    url = f"{base}/api/v1/programmes/writers/decisions/"
    outcomes: list[tuple[int, str]] = []
    lock = threading.Lock()
    start = threading.Barrier(WRITERS)

    def writer(n: int) -> None:
        start.wait()
        for i in range(WRITES_EACH):
            result = _post(url, key, {"body": "Cabinet", "meeting_date": "2031-01-15",
                                      "title": f"Decision {n}-{i}", "key_decision": False})
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    failures = [o for o in outcomes if o[0] != 201]
    assert not failures, f"{len(failures)} of {len(outcomes)} writes failed, first: {failures[0]}"
    assert len(outcomes) == WRITERS * WRITES_EACH

    with sqlite3.connect(db_path) as db:
        (count,) = db.execute("select count(*) from programmes_decision").fetchone()
        (mode,) = db.execute("pragma journal_mode").fetchone()
    assert count == WRITERS * WRITES_EACH
    assert mode == "wal"
