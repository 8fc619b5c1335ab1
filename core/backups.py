"""Back up and restore the database together with the stored files.

A backup is a folder of three files:
- database.dump: `pg_dump --format=custom` of the whole database;
- media.tar.gz: every stored file (uploads, generated papers and exports), read through
  the default storage, so from MEDIA_ROOT or from the object store alike, and restored
  into it the same way;
- manifest.json: the row count of every table and the SHA-256 of every file, so that a
  restore can prove it brought back everything, and of the two archives themselves.

The dump and the row counts come from one snapshot: the counts run inside the transaction
whose snapshot pg_dump is handed (pg_export_snapshot), so they describe exactly what was
dumped even while people keep working. Files are only ever added under new names, and are
archived after the dump, so every file the dump refers to is in the archive.
"""
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connection
from django.utils import timezone

from core.storage import storage_is_empty, stored_names

DUMP = "database.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(Exception):
    """Something a person can put right: the message says what."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env_and_args(database: dict) -> tuple[dict, list[str]]:
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("Backups need PostgreSQL (DATABASE_URL=postgres://...). For the SQLite default, "
                          "stop the server and copy db.sqlite3 and the media folder.")
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            args += [flag, str(database[key])]
    return env, args


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} was not found: install PostgreSQL's client tools (apt-get install "
                          "postgresql-client), of the same major version as the server or newer.")
    return found


_LIBPQ_OPTIONS = {"sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout", "options", "application_name"}


def _connect(database: dict):
    """A connection of its own, outside Django's transaction handling, to hold a snapshot."""
    import psycopg

    params = {"dbname": database["NAME"], "user": database.get("USER"), "password": database.get("PASSWORD"),
              "host": database.get("HOST"), "port": database.get("PORT"),
              **{k: v for k, v in (database.get("OPTIONS") or {}).items() if k in _LIBPQ_OPTIONS}}
    return psycopg.connect(autocommit=True, **{k: v for k, v in params.items() if v not in (None, "")})


def table_counts(cursor) -> dict[str, int]:
    """Rows in every table of the public schema (Django's and ours alike)."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


class _Hashing:
    """A stored file read once: into the archive and into its SHA-256 together."""

    def __init__(self, stream):
        self.stream = stream
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.digest.update(chunk)
        return chunk


def media_hashes(storage: Storage | None = None) -> dict[str, str]:
    """The SHA-256 of every stored file, by its name in the storage."""
    storage = storage or default_storage
    if storage_is_empty(storage):
        return {}
    hashes = {}
    for name in stored_names(storage):
        digest = hashlib.sha256()
        with storage.open(name, "rb") as f:
            for chunk in iter(lambda f=f: f.read(1024 * 1024), b""):
                digest.update(chunk)
        hashes[name] = digest.hexdigest()
    return hashes


def media_archive(path: Path, storage: Storage | None = None) -> dict[str, str]:
    """Write every stored file into the gzipped tar `path`; returns their SHA-256 by name."""
    storage = storage or default_storage
    names = [] if storage_is_empty(storage) else list(stored_names(storage))
    hashes = {}
    made = timezone.now().timestamp()
    with tarfile.open(path, "w:gz") as tar:
        for name in names:
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = storage.size(name), made, 0o644
            with storage.open(name, "rb") as f:
                reader = _Hashing(f)
                tar.addfile(info, reader)
            hashes[name] = reader.digest.hexdigest()
    return hashes


def media_unarchive(path: Path, storage: Storage | None = None) -> int:
    """Save every file of the gzipped tar `path` into the storage under its own name;
    returns how many. The storage must be empty (a name taken would be saved renamed)."""
    storage = storage or default_storage
    count = 0
    with tarfile.open(path, "r:gz") as tar:
        for member in tar:
            if member.isdir():
                continue
            name = member.name
            if not member.isfile() or name.startswith("/") or ".." in PurePosixPath(name).parts:
                raise BackupError(f"{path} holds {name!r}, which is not a stored file: it was not "
                                  "written by `manage.py backup`.")
            content = File(tar.extractfile(member), name=name)
            content.size = member.size
            saved = storage.save(name, content)
            if saved != name:
                raise BackupError(f"The file {name} was stored as {saved}: restore into an empty store.")
            count += 1
    return count


def _store_name() -> str:
    bucket = getattr(default_storage, "bucket_name", None)
    return f"the bucket {bucket}" if bucket else f"the folder {default_storage.location}"


@dataclass(frozen=True)
class BackupSummary:
    folder: Path
    tables: int
    rows: int
    files: int


def backup_make(*, out: Path) -> BackupSummary:
    """Write a backup of the database and the stored files into the folder `out`, which must
    not exist yet or be empty."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty: give a new folder for each backup.")
    database = connection.settings_dict
    env, args = _pg_env_and_args(database)
    pg_dump = _tool("pg_dump")
    out.mkdir(parents=True, exist_ok=True)
    with _connect(database) as holder:
        holder.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = holder.execute("SELECT pg_export_snapshot()").fetchone()[0]
        dumped = subprocess.run(
            [pg_dump, *args, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
             f"--file={out / DUMP}", database["NAME"]],
            env=env, capture_output=True, text=True)
        if dumped.returncode != 0:
            raise BackupError(f"pg_dump failed: {dumped.stderr.strip()}")
        with holder.cursor() as cursor:
            counts = table_counts(cursor)
        holder.execute("COMMIT")

    files = media_archive(out / MEDIA)
    manifest = {
        "format": FORMAT,
        "made_at": timezone.now().isoformat(),
        "database": {"name": database["NAME"], "tables": counts},
        "files": files,
        "archives": {DUMP: _sha256(out / DUMP), MEDIA: _sha256(out / MEDIA)},
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return BackupSummary(out, len(counts), sum(counts.values()), len(files))


def _read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{folder} has no {MANIFEST}: it is not a backup made by `manage.py backup`.") from None
    except json.JSONDecodeError as e:
        raise BackupError(f"{folder / MANIFEST} is not valid JSON ({e}).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder / MANIFEST} is of format {manifest.get('format')}; this version reads {FORMAT}.")
    for name, expected in manifest["archives"].items():
        if not (folder / name).exists():
            raise BackupError(f"{folder / name} is missing.")
        if _sha256(folder / name) != expected:
            raise BackupError(f"{folder / name} is not the file the backup wrote (its SHA-256 differs).")
    return manifest


def backup_restore(*, folder: Path) -> BackupSummary:
    """Restore a backup into the configured database, which must have no tables yet, and
    the default storage (MEDIA_ROOT or the bucket), which must be empty; then check every
    row count and every file."""
    folder = Path(folder)
    manifest = _read_manifest(folder)
    database = connection.settings_dict
    env, args = _pg_env_and_args(database)
    pg_restore = _tool("pg_restore")
    with connection.cursor() as cursor:
        if table_counts(cursor):
            raise BackupError(f"The database {database['NAME']} already has tables: restore into a new, "
                              "empty database (createdb), so nothing is mixed or overwritten.")
    if not storage_is_empty(default_storage):
        raise BackupError(f"The file store ({_store_name()}) is not empty: restore into an empty one.")

    restored = subprocess.run(
        [pg_restore, *args, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
         f"--dbname={database['NAME']}", str(folder / DUMP)],
        env=env, capture_output=True, text=True)
    if restored.returncode != 0:
        raise BackupError(f"pg_restore failed: {restored.stderr.strip()}")
    media_unarchive(folder / MEDIA)

    with connection.cursor() as cursor:
        counts = table_counts(cursor)
    problems = [f"table {t}: {counts.get(t)} rows, the backup had {n}"
                for t, n in manifest["database"]["tables"].items() if counts.get(t) != n]
    files = media_hashes()
    problems += [f"file {name}: missing or changed" for name, digest in manifest["files"].items()
                 if files.get(name) != digest]
    if problems:
        raise BackupError("The restore does not match the backup: " + "; ".join(problems[:10]))
    return BackupSummary(folder, len(counts), sum(counts.values()), len(files))
