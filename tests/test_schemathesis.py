"""The API answers what its OpenAPI schema says, for every role that writes.

Schemathesis (its CLI, `st run`) reads the schema the served demo publishes and sends each
operation its examples and fuzzed requests — valid and invalid bodies, parameters and
If-Match headers — as the programme manager, the finance officer, the HR lead and the
director, each with their own API token. It fails on a server error, on an answer that
does not match the schema for its status code, and on a status code the schema never
mentions. Fuzzing writes: the live server serves the test database, which this test fills
with the demo and pytest-django empties afterwards, so every run starts from the demo.

Background work is not started (the jobs stay queued): what is tested is the API's answer
to asking for a Cabinet paper, not the paper, and rendering one for every fuzzed request
would take minutes.
"""
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from core.tokens import api_token_issue
from programmes.demo import DEMO_SLUG, demo_load

# Every role whose token can write something; the council's administrator writes members.
WRITERS = ["demo-pm", "demo-finance", "demo-hr", "demo-director", "demo-admin"]
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance"
# Bounded so the four runs together take about three minutes on a small machine.
MAX_EXAMPLES = os.environ.get("INSOURCE_SCHEMATHESIS_EXAMPLES", "3")
SEED = os.environ.get("INSOURCE_SCHEMATHESIS_SEED", "13")
ST = Path(sys.executable).with_name("st")

CONFIG = f"""
# Every programme-scoped path is tried on the demo programme, where the records are.
[parameters]
"path.programme_slug" = "{DEMO_SLUG}"
"path.slug" = "{DEMO_SLUG}"
"""


@pytest.fixture
def served_demo(transactional_db, live_server):
    demo_load(today=timezone.localdate())
    return live_server.url


def schemathesis_run(base_url: str, token: str, workdir: Path) -> subprocess.CompletedProcess:
    config = workdir / "schemathesis.toml"
    config.write_text(CONFIG)
    return subprocess.run(
        [str(ST), "--config-file", str(config), "--no-color", "run", f"{base_url}/api/v1/schema/?format=json",
         "--header", f"Authorization: Token {token}", "--phases", "examples,fuzzing",
         "--max-examples", MAX_EXAMPLES, "--seed", SEED, "--checks", CHECKS,
         # One request at a time: the live server shares one SQLite connection.
         "--workers", "1", "--request-timeout", "60", "--generation-database", "none",
         "--no-shrink", "--warnings", "off"],
        capture_output=True, text=True, cwd=workdir, timeout=600)


# One test per writer, each on a freshly loaded demo: the runs do not depend on what an
# earlier writer's fuzzing left behind, and the suite's processes can share them out.
@pytest.mark.parametrize("username", WRITERS)
@mock.patch("core.tasks.run_job.delay")
def test_api_answers_as_its_schema_says_for_every_writer(delay, served_demo, tmp_path, username):
    user = get_user_model().objects.get(username=username)
    token = api_token_issue(user=user).secret
    result = schemathesis_run(served_demo, token, tmp_path)
    assert result.returncode == 0, f"=== as {username} ===\n{result.stdout[-6000:]}{result.stderr[-2000:]}"
