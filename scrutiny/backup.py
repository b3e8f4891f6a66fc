"""Backup and restore of the whole portal: the database and the uploaded files.

A backup is a folder:

- ``data.json.gz`` — every row of every app (Django serialisation), except what ``migrate``
  recreates (content types, permissions) and sessions. Foreign keys to content types,
  permissions and users are written by natural key, so they survive a restore into a freshly
  migrated database whose ids differ; every other row keeps its primary key.
- ``media/`` — every file in the default storage (uploaded documents, built packs), copied
  through the storage API, so this works for the file system and for S3 alike.
- ``manifest.json`` — what the backup holds: SHA-256 of ``data.json.gz`` and of every file,
  row counts per model, the applied migrations, and when it was taken.

Restoring checks the manifest first (a damaged or incomplete backup is refused before
anything is touched), migrates, then in ONE transaction empties every table and loads the
rows (a failure leaves the database as it was), and finally makes the storage hold exactly the
files of the backup. ``canonical_dump()`` and ``media_hashes()`` describe the current state in
a form that can be compared before and after (the round-trip test does).

Why dumpdata rather than pg_dump: one format for SQLite (development) and PostgreSQL, no
server binaries of the right version needed, and the restore can run into a newer schema
after migrate. For very large installations docs/deploy.md also describes pg_dump.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
DATA_FILE = "data.json.gz"
MANIFEST_FILE = "manifest.json"
MEDIA_DIR = "media"

# Recreated by migrate (with new ids), or not worth keeping.
EXCLUDED_MODELS = {"contenttypes.contenttype", "auth.permission", "sessions.session"}


class BackupError(Exception):
    """The backup folder is missing, damaged or incompatible; nothing was changed."""


@dataclass(frozen=True)
class Summary:
    rows: int
    files: int
    directory: Path


def _label(model) -> str:
    return model._meta.label_lower


def backed_up_models() -> list:
    """Every concrete model whose rows the backup holds, in a stable order."""
    tables = set(connection.introspection.table_names())
    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or _label(model) in EXCLUDED_MODELS:
            continue
        if meta.db_table not in tables:  # a model whose migration is not applied has no rows
            continue
        found.append(model)
    return sorted(found, key=_label)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _storage_files(storage=default_storage, folder: str = "") -> list[str]:
    """Every file name in ``storage`` (recursively), sorted."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}/{name}" if folder else name for name in files]
    for sub in folders:
        names.extend(_storage_files(storage, f"{folder}/{sub}" if folder else sub))
    return sorted(names)


def media_hashes(storage=default_storage) -> dict[str, str]:
    """``{name: sha256}`` of every stored file."""
    hashes = {}
    for name in _storage_files(storage):
        digest = hashlib.sha256()
        with storage.open(name, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        hashes[name] = digest.hexdigest()
    return hashes


class FullPrecisionEncoder(DjangoJSONEncoder):
    """Django's encoder cuts datetimes to milliseconds; a restore must be exact."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def _serialize(models: list, stream) -> int:
    """Write the rows of ``models`` as JSON to ``stream``; returns the number of rows."""
    count = 0

    def rows():
        nonlocal count
        by_app: dict = {}
        for model in models:
            by_app.setdefault(model._meta.app_config, []).append(model)
        # Models that others refer to by natural key (users, groups) come first.
        for model in serializers.sort_dependencies(by_app.items(), allow_cycles=True):
            for obj in model._base_manager.order_by("pk").iterator(chunk_size=2000):
                count += 1
                yield obj

    serializers.serialize(
        "json",
        rows(),
        stream=stream,
        use_natural_foreign_keys=True,
        use_natural_primary_keys=False,
        cls=FullPrecisionEncoder,
    )
    return count


def canonical_dump() -> str:
    """The database content as sorted, indented JSON: equal strings mean equal data."""
    buffer = io.StringIO()
    models = backed_up_models()
    _serialize(models, buffer)
    objects = json.loads(buffer.getvalue())
    # Many-to-many values come in no particular order: sort them.
    m2m = {_label(m): [f.name for f in m._meta.many_to_many] for m in models}
    for obj in objects:
        for name in m2m.get(obj["model"], ()):
            if name in obj["fields"]:
                obj["fields"][name].sort(key=lambda v: json.dumps(v, default=str))
    objects.sort(key=lambda o: (o["model"], json.dumps(o.get("pk"), default=str)))
    return json.dumps(objects, indent=1, sort_keys=True, default=str)


def _applied_migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connection)
    return sorted([list(key) for key in recorder.applied_migrations()])


def create_backup(directory: str | Path) -> Summary:
    """Write a backup of the database and stored files into ``directory`` (new or empty)."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: choose a new folder for the backup")
    (directory / MEDIA_DIR).mkdir(parents=True, exist_ok=True)

    models = backed_up_models()
    # A consistent snapshot: one transaction (REPEATABLE READ would be stricter on
    # PostgreSQL; the portal's writes are small and atomic, see docs/hardening.md).
    with transaction.atomic():
        counts = {_label(m): m._base_manager.count() for m in models}
        with gzip.open(directory / DATA_FILE, "wt", encoding="utf-8") as stream:
            rows = _serialize(models, stream)
        migrations = _applied_migrations()

    files = {}
    for name in _storage_files():
        target = directory / MEDIA_DIR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source, target.open("wb") as out:
            for chunk in iter(lambda: source.read(1 << 20), b""):  # noqa: B023
                out.write(chunk)
        files[name] = _sha256_file(target)

    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "database_vendor": connection.vendor,
        "data_sha256": _sha256_file(directory / DATA_FILE),
        "rows": rows,
        "counts": counts,
        "files": files,
        "migrations": migrations,
    }
    (directory / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return Summary(rows=rows, files=len(files), directory=directory)


def verify_backup(directory: str | Path) -> dict:
    """Check the backup's manifest against its contents; returns the manifest."""
    directory = Path(directory)
    manifest_path = directory / MANIFEST_FILE
    if not manifest_path.exists():
        raise BackupError(f"{manifest_path} is missing: this is not a portal backup")
    try:
        manifest = json.loads(manifest_path.read_text())
    except json.JSONDecodeError as exc:
        raise BackupError(f"{manifest_path} is damaged: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Backup format {manifest.get('format')} is not supported")
    data = directory / DATA_FILE
    if not data.exists() or _sha256_file(data) != manifest["data_sha256"]:
        raise BackupError(f"{data} is missing or does not match the manifest")
    for name, sha in manifest["files"].items():
        path = directory / MEDIA_DIR / name
        if not path.is_file() or _sha256_file(path) != sha:
            raise BackupError(f"Stored file {name} is missing or does not match the manifest")
    known = {tuple(m) for m in _applied_migrations()}
    unknown = [m for m in manifest["migrations"] if tuple(m) not in known]
    if unknown and known:
        raise BackupError(
            "The backup was taken on a newer version of the portal (unknown migrations: "
            + ", ".join(f"{a}.{n}" for a, n in unknown[:5])
            + "); upgrade the code before restoring"
        )
    return manifest


@contextlib.contextmanager
def _history_off():
    """django-simple-history writes no rows inside this block (its documented switch)."""
    missing = object()
    before = getattr(settings, "SIMPLE_HISTORY_ENABLED", missing)
    settings.SIMPLE_HISTORY_ENABLED = False
    try:
        yield
    finally:
        if before is missing:
            del settings.SIMPLE_HISTORY_ENABLED
        else:
            settings.SIMPLE_HISTORY_ENABLED = before


def restore_backup(directory: str | Path) -> Summary:
    """Replace the database content and stored files with those of the backup."""
    directory = Path(directory)
    manifest = verify_backup(directory)
    call_command("migrate", interactive=False, verbosity=0)

    with transaction.atomic():
        # Empties every table; post_migrate then recreates content types, permissions and
        # the role groups, which the backup's own groups replace.
        call_command("flush", interactive=False, verbosity=0)
        Group.objects.all().delete()
        # loaddata resolves forward references, checks constraints and resets sequences.
        # Its saves are raw: nothing was changed by anyone, so follow-up work that receivers
        # queue for after the commit (re-indexing, calendar sequences…) must not run — the
        # derived records come from the backup too. Drop what the load queued.
        # Setting a many-to-many field is not a raw save: django-simple-history would write a
        # new history row for it (a decision's wards, say). The history rows come from the
        # backup, so history is off while loading.
        queued = len(connection.run_on_commit)
        with _history_off():
            call_command("loaddata", str(directory / DATA_FILE), verbosity=0)
        del connection.run_on_commit[queued:]
        loaded = {_label(m): m._base_manager.count() for m in backed_up_models()}
        expected = {**dict.fromkeys(loaded, 0), **manifest["counts"]}
        if loaded != expected:
            differ = ", ".join(
                f"{label} {loaded.get(label, 0)} (backup {expected.get(label, 0)})"
                for label in sorted(set(loaded) | set(expected))
                if loaded.get(label, 0) != expected.get(label, 0)
            )
            raise BackupError(
                f"The rows loaded do not match the manifest ({differ}); nothing was changed"
            )

    _restore_media(directory, manifest["files"])
    return Summary(rows=sum(loaded.values()), files=len(manifest["files"]), directory=directory)


def _restore_media(directory: Path, files: dict[str, str]) -> None:
    wanted = set(files)
    for name in _storage_files():
        if name not in wanted:
            default_storage.delete(name)
    for name in sorted(wanted):
        if default_storage.exists(name):
            default_storage.delete(name)
        with (directory / MEDIA_DIR / name).open("rb") as handle:
            saved = default_storage.save(name, File(handle))
        if saved != name:  # pragma: no cover - storage renamed it: refuse silently differing
            raise BackupError(f"Storage saved {name} as {saved}")
