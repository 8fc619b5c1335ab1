"""docker-compose.yml, read as data (Docker does not run on the developers' machines):
two web and two worker containers share the object store and no disk, and the
environment it gives the app is one that config/ reads and the production settings accept."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP = [name for name, service in SERVICES.items() if service.get("build") == "."]
# Read by libraries rather than by our settings: Django itself, and boto3 through
# django-storages (the object store's credentials).
READ_ELSEWHERE = {"DJANGO_SETTINGS_MODULE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}


def _resolved(value: str) -> str:
    """A compose value with ${NAME:-default} and ${NAME-default} as their defaults, and a
    required ${NAME:?message} given a stand-in long enough for any check."""
    value = re.sub(r"\$\{[A-Z0-9_]+:?-([^}]*)\}", r"\1", str(value))
    return re.sub(r"\$\{[A-Z0-9_]+:\?[^}]*\}", "x" * 40, value)


def test_two_web_and_two_worker_containers_run_beside_one_beat():
    commands = {name: str(SERVICES[name].get("command", "")) for name in APP}
    assert sorted(n for n, c in commands.items() if c.startswith("gunicorn")) == ["web", "web2"]
    assert sorted(n for n, c in commands.items() if " worker" in c) == ["worker", "worker2"]
    assert [n for n, c in commands.items() if " beat" in c] == ["beat"]
    assert {"postgres", "redis", "minio", "bucket"} <= set(SERVICES)
    # migrate runs once, and the web and worker containers wait for it and for the bucket.
    for name in ("web", "web2", "worker", "worker2", "beat"):
        assert SERVICES[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert SERVICES[name]["depends_on"]["bucket"]["condition"] == "service_completed_successfully"
    assert "mc mb" in SERVICES["bucket"]["entrypoint"]


def test_no_app_container_keeps_files_on_a_disk():
    assert "media" not in COMPOSE.get("volumes", {})
    for name in APP:
        mounts = [str(v).split(":")[1] for v in SERVICES[name].get("volumes", [])]
        assert mounts in ([], ["/srv/backups"]), f"{name} mounts {mounts}"
        assert "MEDIA_ROOT" not in SERVICES[name]["environment"]
        assert SERVICES[name]["environment"]["INSOURCE_STORAGE"] == "s3"


def test_every_variable_it_sets_is_read_by_the_settings():
    # The settings, and what else config/ reads at start (gunicorn's own settings file).
    settings_source = "\n".join(p.read_text() for p in (ROOT / "config").rglob("*.py"))
    read = set(re.findall(r"""(?:environ\.get|environ\[|_required|_ip_networks)\(?\s*["']([A-Z0-9_]+)["']""",
                          settings_source))
    for name in APP:
        for variable in SERVICES[name]["environment"]:
            assert variable in read | READ_ELSEWHERE, f"{name} sets {variable}, which nothing reads"


def test_the_production_settings_start_on_its_environment_with_the_bucket():
    env = {key: _resolved(value) for key, value in SERVICES["web"]["environment"].items()}
    done = subprocess.run(
        [sys.executable, "-c", "import json, django; django.setup(); from django.conf import settings; "
                               "print(json.dumps(settings.STORAGES['default']))"],
        cwd=ROOT, env={"PATH": os.environ.get("PATH", ""), **env}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    default = json.loads(done.stdout.strip().splitlines()[-1])
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"]["bucket_name"] == "insource"
    assert default["OPTIONS"]["endpoint_url"] == "http://minio:9000"
