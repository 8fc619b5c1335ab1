"""Backup and restore of the database with its stored files, end to end on PostgreSQL:
the demo and some generated files are backed up, restored into a new database and a new
media folder, and every table's row count and every file's SHA-256 compared."""
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from business_cases.models import CabinetPaper
from core.backups import _connect, media_hashes, table_counts
from core.models import Upload
from core.storage import LocalStorage
from programmes.demo import DEMO_SLUG
from programmes.models import Programme
from tests.business_cases.test_permissions import make_version

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                       reason="backups are of PostgreSQL (set DATABASE_URL=postgres://...)"),
]


def _url(name: str) -> str:
    d = connection.settings_dict
    auth = quote(d["USER"] or "", safe="") + (":" + quote(d["PASSWORD"], safe="") if d["PASSWORD"] else "")
    return f"postgres://{auth}@{d['HOST'] or 'localhost'}:{d['PORT'] or 5432}/{name}"


@pytest.fixture
def empty_database():
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin = {**connection.settings_dict, "NAME": "postgres"}
    with _connect(admin) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    yield name
    with _connect(admin) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _restore(folder: Path, database: str, media: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": _url(database),
           "MEDIA_ROOT": str(media)}
    return subprocess.run([sys.executable, "manage.py", "restore", str(folder)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_a_backup_restores_every_row_and_file(settings, tmp_path, empty_database):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo")
    programme = Programme.objects.get(slug=DEMO_SLUG)
    paper = CabinetPaper.objects.filter(programme=programme).first()
    make_version(paper, paper.created_by)
    assert Upload.objects.filter(status=Upload.Status.COMMITTED).exists()
    source_files = media_hashes()
    assert any(name.startswith("papers/") for name in source_files)
    assert any(not name.startswith("papers/") for name in source_files)  # the demo's uploads
    with connection.cursor() as cursor:
        source_counts = table_counts(cursor)
    assert source_counts["programmes_milestone"] > 0 and source_counts["django_migrations"] > 0

    call_command("backup", out=tmp_path / "backup")
    assert sorted(p.name for p in (tmp_path / "backup").iterdir()) == [
        "database.dump", "manifest.json", "media.tar.gz"]

    restored_media = tmp_path / "restored-media"
    result = _restore(tmp_path / "backup", empty_database, restored_media)
    assert result.returncode == 0, result.stderr
    assert "every count and file matches" in result.stdout

    with _connect({**connection.settings_dict, "NAME": empty_database}) as c, c.cursor() as cursor:
        assert table_counts(cursor) == source_counts
    assert media_hashes(LocalStorage(location=restored_media)) == source_files

    # A second restore into the same database is refused: it is no longer empty.
    again = _restore(tmp_path / "backup", empty_database, tmp_path / "other-media")
    assert again.returncode != 0
    assert "already has tables" in again.stderr


def test_a_damaged_backup_is_refused_before_anything_is_written(settings, tmp_path, empty_database):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("backup", out=tmp_path / "backup")
    with open(tmp_path / "backup" / "database.dump", "ab") as f:
        f.write(b"x")
    result = _restore(tmp_path / "backup", empty_database, tmp_path / "restored-media")
    assert result.returncode != 0
    assert "database.dump is not the file the backup wrote" in result.stderr
    with _connect({**connection.settings_dict, "NAME": empty_database}) as c, c.cursor() as cursor:
        assert table_counts(cursor) == {}


def test_a_backup_needs_a_new_folder(settings, tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "something").write_text("x")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("backup", out=tmp_path / "backup")
