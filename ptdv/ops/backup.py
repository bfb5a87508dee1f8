"""Backup and restore of a whole installation (issue 15 §3): the database and the files.

An archive is a directory:

- `manifest.json`: the format, when and from what it was made, the schema (every applied
  migration), the row count of every table and the SHA-256 of every other file;
- `database.sqlite3` (SQLite, through its online backup API: consistent while the service
  runs) or `database.dump` (PostgreSQL, `pg_dump --format=custom`, taken in the same
  snapshot as the row counts);
- `files/private/…` and `files/media/…`: the signed scans and imported workbooks, and the
  media files.

A restore checks everything before it writes anything: every checksum (a damaged archive is
refused), the schema (an archive from a newer PTĐV is refused), the target (it must be empty
unless `force`). Then it writes beside the target and swaps it in (SQLite and the files), or
restores in one transaction (PostgreSQL): a restore that fails leaves the target as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
FILE_ROOTS = ("private", "media")


class BackupError(Exception):
    """A backup or a restore refused, with a Vietnamese message for the operator."""


@dataclass(frozen=True)
class Place:
    """Where an installation keeps its data: one database and its file roots."""

    database: Mapping[str, Any]  # a Django DATABASES entry
    files: Mapping[str, Path]  # "private" / "media" -> directory

    @property
    def engine(self) -> str:
        return "postgresql" if "postgresql" in self.database["ENGINE"] else "sqlite"


@dataclass
class Manifest:
    engine: str
    created_at: str
    migrations: list[list[str]]
    rows: dict[str, int]
    checksums: dict[str, str] = field(default_factory=dict)
    format: int = FORMAT

    def write(self, directory: Path) -> None:
        data = {
            "format": self.format,
            "engine": self.engine,
            "created_at": self.created_at,
            "migrations": self.migrations,
            "rows": self.rows,
            "checksums": self.checksums,
        }
        (directory / MANIFEST).write_text(
            json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
        )

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        path = directory / MANIFEST
        if not path.is_file():
            raise BackupError(f"Không phải bản sao lưu PTĐV: thiếu {MANIFEST} trong {directory}.")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            manifest = cls(
                engine=data["engine"],
                created_at=data["created_at"],
                migrations=[list(m) for m in data["migrations"]],
                rows={str(k): int(v) for k, v in data["rows"].items()},
                checksums={str(k): str(v) for k, v in data["checksums"].items()},
                format=int(data["format"]),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise BackupError(f"Tệp {MANIFEST} bị hỏng ({error}).") from None
        if manifest.format > FORMAT:
            raise BackupError(
                f"Bản sao lưu có định dạng {manifest.format}, mới hơn phiên bản PTĐV này "
                f"({FORMAT}): hãy khôi phục bằng phiên bản PTĐV mới hơn."
            )
        return manifest


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _files_of(root: Path) -> Iterator[Path]:
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                yield path


# --- The database side ------------------------------------------------------------------------


def _pg_args(database: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    """The connection options of pg_dump/pg_restore/psql, and their environment."""
    args = []
    if database.get("HOST"):
        args += ["-h", str(database["HOST"])]
    if database.get("PORT"):
        args += ["-p", str(database["PORT"])]
    if database.get("USER"):
        args += ["-U", str(database["USER"])]
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return args, env


def _pg_conninfo(database: Mapping[str, Any], name: str | None = None) -> str:
    parts = {
        "dbname": name or database["NAME"],
        "host": database.get("HOST") or "",
        "port": database.get("PORT") or "",
        "user": database.get("USER") or "",
        "password": database.get("PASSWORD") or "",
    }
    return " ".join(f"{k}='{v}'" for k, v in parts.items() if v)


def _run(command: list[str], env: Mapping[str, str] | None = None) -> None:
    try:
        # The command is one of pg_dump/pg_restore with arguments built here, never input.
        result = subprocess.run(  # noqa: S603
            command, env=env, capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise BackupError(
            f"Không tìm thấy chương trình {command[0]} (gói postgresql-client của Debian)."
        ) from None
    if result.returncode != 0:
        raise BackupError(f"{command[0]} thất bại: {result.stderr.strip()[-2000:]}")


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    return [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]


def _sqlite_counts(path: Path) -> tuple[dict[str, int], list[list[str]]]:
    db = sqlite3.connect(path)
    try:
        tables = _sqlite_tables(db)
        count = 'SELECT COUNT(*) FROM "{}"'  # table names from the catalogue, never input
        rows = {t: db.execute(count.format(t)).fetchone()[0] for t in tables}
        migrations: list[list[str]] = []
        if "django_migrations" in tables:
            migrations = [
                [app, name]
                for app, name in db.execute(
                    "SELECT app, name FROM django_migrations ORDER BY app, name"
                )
            ]
        return rows, migrations
    finally:
        db.close()


def _pg_counts(cursor: Any) -> tuple[dict[str, int], list[list[str]]]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    rows = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 (catalogue names)
        rows[table] = cursor.fetchone()[0]
    migrations: list[list[str]] = []
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [[app, name] for app, name in cursor.fetchall()]
    return rows, migrations


# --- Backup -----------------------------------------------------------------------------------


def backup(*, output: Path, place: Place, using: str = "default") -> Manifest:
    """Write an archive of `place` (whose database is the connection `using`) into
    `output`, a new or empty directory."""
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise BackupError(f"Thư mục đích {output} đã có dữ liệu: hãy chọn một thư mục mới.")
    output.mkdir(parents=True, exist_ok=True)
    try:
        manifest = _backup_into(output, place, using)
    except BaseException:
        shutil.rmtree(output, ignore_errors=True)
        raise
    return manifest


def _backup_into(output: Path, place: Place, using: str) -> Manifest:
    connection = connections[using]
    created_at = timezone.now().isoformat()
    if place.engine == "sqlite":
        target = output / SQLITE_FILE
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        rows, migrations = _sqlite_counts(target)
    else:
        target = output / PG_FILE
        args, env = _pg_args(place.database)
        # One snapshot for the counts and the dump: what the manifest counts is what the dump
        # holds, however busy the service is.
        with connection.cursor() as cursor:
            connection.set_autocommit(False)
            try:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                rows, migrations = _pg_counts(cursor)
                _run(
                    [
                        "pg_dump",
                        *args,
                        "--format=custom",
                        "--no-owner",
                        "--no-privileges",
                        f"--snapshot={snapshot}",
                        "--file",
                        str(target),
                        str(place.database["NAME"]),
                    ],
                    env,
                )
            finally:
                connection.rollback()
                connection.set_autocommit(True)
    manifest = Manifest(
        engine=place.engine, created_at=created_at, migrations=migrations, rows=rows
    )
    manifest.checksums[target.name] = sha256_of(target)
    for root_name in FILE_ROOTS:
        root = place.files.get(root_name)
        if root is None:
            continue
        for path in _files_of(Path(root)):
            relative = Path("files", root_name, path.relative_to(root))
            copy = output / relative
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)
            manifest.checksums[relative.as_posix()] = sha256_of(copy)
    manifest.write(output)
    return manifest


# --- Restore ----------------------------------------------------------------------------------


def archive_check(source: Path) -> Manifest:
    """The archive's manifest, once every file is there with its checksum and its schema is
    one this code knows."""
    manifest = Manifest.read(source)
    listed = set(manifest.checksums)
    present = {p.relative_to(source).as_posix() for p in _files_of(source)} - {MANIFEST}
    if missing := sorted(listed - present):
        raise BackupError(
            f"Bản sao lưu bị hỏng: thiếu tệp {missing[0]} (và {len(missing) - 1} tệp khác)."
        )
    if extra := sorted(present - listed):
        raise BackupError(f"Bản sao lưu bị hỏng: có tệp lạ {extra[0]} không có trong {MANIFEST}.")
    for name, expected in sorted(manifest.checksums.items()):
        if sha256_of(source / name) != expected:
            raise BackupError(f"Bản sao lưu bị hỏng: mã kiểm tra của tệp {name} không khớp.")
    database_file = SQLITE_FILE if manifest.engine == "sqlite" else PG_FILE
    if database_file not in manifest.checksums:
        raise BackupError(f"Bản sao lưu bị hỏng: thiếu tệp cơ sở dữ liệu {database_file}.")
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [(app, name) for app, name in manifest.migrations if (app, name) not in known]
    if unknown:
        app, name = unknown[0]
        raise BackupError(
            "Bản sao lưu được tạo từ phiên bản PTĐV mới hơn (có migration "
            f"{app}.{name} mà phiên bản này chưa có): hãy nâng cấp PTĐV rồi khôi phục."
        )
    return manifest


def _sqlite_has_data(path: Path) -> bool:
    if not path.exists():
        return False
    db = sqlite3.connect(path)
    try:
        return bool(_sqlite_tables(db))
    finally:
        db.close()


def _pg_database_exists_and_has_tables(database: Mapping[str, Any]) -> tuple[bool, bool]:
    import psycopg

    try:
        with psycopg.connect(_pg_conninfo(database), autocommit=True) as conn:
            row = conn.execute(
                "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'"
            ).fetchone()
            return True, bool(row and row[0])
    except psycopg.OperationalError as error:
        if "does not exist" in str(error):
            return False, False
        raise BackupError(f"Không kết nối được PostgreSQL: {error}") from None


def _pg_create_database(database: Mapping[str, Any]) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(_pg_conninfo(database, "postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database["NAME"])))


def _files_have_data(place: Place) -> bool:
    return any(next(_files_of(Path(root)), None) is not None for root in place.files.values())


@contextmanager
def _staged_files(source: Path, place: Place) -> Iterator[list[tuple[Path, Path]]]:
    """Copy the archive's files beside their roots ("<root>.restoring"); yields (staged,
    root) pairs for the swap; removes the staged copies if the restore fails."""
    pairs: list[tuple[Path, Path]] = []
    try:
        for root_name, root in place.files.items():
            root = Path(root)
            staged = root.with_name(root.name + ".restoring")
            shutil.rmtree(staged, ignore_errors=True)
            staged.mkdir(parents=True)
            archived = source / "files" / root_name
            if archived.is_dir():
                shutil.copytree(archived, staged, dirs_exist_ok=True)
            pairs.append((staged, root))
        yield pairs
    except BaseException:
        for staged, _root in pairs:
            shutil.rmtree(staged, ignore_errors=True)
        raise


def _swap_in(staged: Path, target: Path) -> None:
    """Replace `target` (a file or directory) by `staged`, keeping the old one until the new
    one is in place."""
    old = target.with_name(target.name + ".replaced")
    if old.exists():
        shutil.rmtree(old) if old.is_dir() else old.unlink()
    if target.exists():
        os.replace(target, old)
    os.replace(staged, target)
    if old.exists():
        shutil.rmtree(old) if old.is_dir() else old.unlink()


def restore(*, source: Path, place: Place, force: bool = False) -> Manifest:
    """Restore the archive in `source` into `place` (see the module's docstring)."""
    manifest = archive_check(source)
    if manifest.engine != place.engine:
        raise BackupError(
            f"Bản sao lưu là của {manifest.engine}, nơi khôi phục là {place.engine}: "
            "hãy khôi phục vào cùng loại cơ sở dữ liệu."
        )
    if place.engine == "sqlite":
        database_path = Path(place.database["NAME"])
        not_empty = _sqlite_has_data(database_path)
    else:
        exists, not_empty = _pg_database_exists_and_has_tables(place.database)
    if (not_empty or _files_have_data(place)) and not force:
        raise BackupError(
            "Nơi khôi phục đã có dữ liệu: chỉ khôi phục vào cơ sở dữ liệu và thư mục trống "
            "(dùng --force để ghi đè)."
        )
    with _staged_files(source, place) as pairs:
        if place.engine == "sqlite":
            database_path.parent.mkdir(parents=True, exist_ok=True)
            staged_db = database_path.with_name(database_path.name + ".restoring")
            shutil.copyfile(source / SQLITE_FILE, staged_db)
            rows, _migrations = _sqlite_counts(staged_db)
            if rows != manifest.rows:
                staged_db.unlink()
                raise BackupError("Số dòng sau khi chép không khớp với bản kê khai.")
            for suffix in ("-wal", "-shm"):
                Path(str(database_path) + suffix).unlink(missing_ok=True)
            _swap_in(staged_db, database_path)
        else:
            if not exists:
                _pg_create_database(place.database)
            args, env = _pg_args(place.database)
            command = ["pg_restore", *args, "--no-owner", "--no-privileges"]
            command += ["--single-transaction", "--exit-on-error"]
            if not_empty:
                command += ["--clean", "--if-exists"]
            _run([*command, "--dbname", str(place.database["NAME"]), str(source / PG_FILE)], env)
        for staged, root in pairs:
            root.parent.mkdir(parents=True, exist_ok=True)
            _swap_in(staged, root)
    return manifest


def restored_counts(place: Place) -> dict[str, int]:
    """The row count of every table in `place` (for checking a restore)."""
    if place.engine == "sqlite":
        return _sqlite_counts(Path(place.database["NAME"]))[0]
    import psycopg

    with psycopg.connect(_pg_conninfo(place.database), autocommit=True) as conn:
        with conn.cursor() as cursor:
            return _pg_counts(cursor)[0]


def settings_place() -> Place:
    from django.conf import settings

    return Place(
        database=settings.DATABASES["default"],
        files={"private": Path(settings.PRIVATE_MEDIA_ROOT), "media": Path(settings.MEDIA_ROOT)},
    )


def default_archive_name(now: dt.datetime | None = None) -> str:
    now = timezone.localtime(now or timezone.now())
    return f"ptdv-{now:%Y%m%d-%H%M%S}"
