"""Persistent database connections and threaded gunicorn workers: what production and the
image run with, and what the environment can change."""
import os
import runpy
import subprocess
import sys
from pathlib import Path

import yaml

from tests.core.test_security import _production_env, _production_settings

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "(settings.DATABASES['default']['CONN_MAX_AGE'], settings.DATABASES['default']['CONN_HEALTH_CHECKS'])"


def test_production_keeps_each_connection_a_minute_and_checks_it_before_reuse():
    result = _production_settings(_production_env(), DATABASE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(60, True)"


def test_the_environment_sets_how_long_and_0_is_a_connection_a_request():
    assert _production_settings(_production_env(DATABASE_CONN_MAX_AGE="300"), DATABASE).stdout.strip() == "(300, True)"
    assert _production_settings(_production_env(DATABASE_CONN_MAX_AGE="0"), DATABASE).stdout.strip() == "(0, False)"


def _local(**env) -> str:
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATABASE_CONN_MAX_AGE")}
    environ.update(env, DJANGO_SETTINGS_MODULE="config.settings.local")
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); from django.conf import settings; print({DATABASE})"],
        cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_postgresql_keeps_connections_everywhere_and_an_sqlite_file_does_not():
    assert _local(DATABASE_URL="postgres://someone@db.internal:5432/insource") == "(60, True)"
    assert _local() == "(0, False)"


def test_the_test_suite_opens_a_connection_a_request(settings):
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 0


def test_gunicorn_runs_threaded_workers_as_the_environment_says(monkeypatch):
    config = runpy.run_path(str(ROOT / "config" / "gunicorn.py"))
    assert (config["worker_class"], config["workers"], config["threads"]) == ("gthread", 2, 4)
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "8")
    monkeypatch.setenv("GUNICORN_ACCESS_LOG", "")
    config = runpy.run_path(str(ROOT / "config" / "gunicorn.py"))
    assert (config["workers"], config["threads"], config["accesslog"]) == (3, 8, None)


def test_the_image_and_compose_start_gunicorn_with_that_configuration():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"]' in dockerfile
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for name in ("web", "web2"):
        assert services[name]["command"] == "gunicorn -c config/gunicorn.py config.wsgi:application"
