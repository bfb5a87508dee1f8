"""The restore drill (issue 15 §3), on the suite's database — SQLite, and PostgreSQL when the
suite runs there: back up → restore into a new, empty place → the same counts and
checksums, `ptdv aggregates verify` clean and a signed scan still downloads, read by a
separate PTĐV process on the restored place. Then the refusals: a damaged archive, an
archive from a newer schema, a target that is not empty — each before anything is written."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from psycopg import sql

from ptdv.accounts.models import Role
from ptdv.documents.services import attachment_create
from ptdv.factories import CandidacyFactory, MembershipFactory, make_tree, user_with_role
from ptdv.ops.backup import (
    MANIFEST,
    BackupError,
    Place,
    archive_check,
    backup,
    restore,
    restored_counts,
    sha256_of,
)

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PTDV = str(Path(sys.executable).with_name("ptdv"))


def _source(tmp_path: Path) -> Place:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "source" / "private"
    settings.MEDIA_ROOT = tmp_path / "source" / "media"
    return Place(
        database=connection.settings_dict,
        files={"private": settings.PRIVATE_MEDIA_ROOT, "media": settings.MEDIA_ROOT},
    )


@pytest.fixture
def empty_place(tmp_path: Path) -> Any:
    """A new place: a database that does not exist yet, and no file folder."""
    root = tmp_path / "restored"
    files = {"private": root / "private", "media": root / "media"}
    if connection.vendor == "sqlite":
        yield Place(
            database={"ENGINE": "django.db.backends.sqlite3", "NAME": str(root / "ptdv.sqlite3")},
            files=files,
        )
        return
    name = f"ptdv_drill_{uuid.uuid4().hex[:10]}"
    yield Place(database={**connection.settings_dict, "NAME": name}, files=files)
    info = {k: connection.settings_dict.get(k.upper()) for k in ("host", "port", "user")}
    conninfo = " ".join(f"{k}={v}" for k, v in info.items() if v)
    with psycopg.connect(f"dbname=postgres {conninfo}", autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _database_url(place: Place) -> str:
    db = place.database
    if "sqlite" in db["ENGINE"]:
        return f"sqlite:///{db['NAME']}"
    auth = db.get("USER") or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db.get('HOST') or ''}:{db.get('PORT') or 5432}/{db['NAME']}"


def _ptdv(place: Place, *args: str) -> subprocess.CompletedProcess[str]:
    """A separate PTĐV process on `place` (its own settings, database URL and files)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": _database_url(place),
        "PTDV_VAR_DIR": str(Path(place.files["private"]).parent),
        "PTDV_DATA_KEY": settings.PTDV_DATA_KEY,
        "PTDV_TEST_DATABASE_URL": "",
    }
    return subprocess.run(  # noqa: S603 (our own command)
        [PTDV, *args], env=env, capture_output=True, text=True, check=False, timeout=300
    )


def _world(tmp_path: Path) -> tuple[Any, Any, bytes]:
    tree = make_tree()
    for _ in range(3):
        MembershipFactory(organisation=tree["cell_a1"])
    candidacy = CandidacyFactory(organisation=tree["cell_a1"])
    clerk = user_with_role(tree["commune_a"], Role.CLERK)
    scan = PDF + uuid.uuid4().hex.encode()
    attachment = attachment_create(
        actor=clerk, candidacy=candidacy, upload=io.BytesIO(scan), original_name="qd.pdf"
    )
    (Path(settings.MEDIA_ROOT)).mkdir(parents=True, exist_ok=True)
    (Path(settings.MEDIA_ROOT) / "logo.txt").write_text("media", encoding="utf-8")
    call_command("aggregates", "rebuild", stdout=io.StringIO())
    return clerk, attachment, scan


def test_restore_drill(tmp_path: Path, empty_place: Place) -> None:
    source = _source(tmp_path)
    clerk, attachment, scan = _world(tmp_path)
    archive = tmp_path / "archive"

    manifest = backup(output=archive, place=source)

    assert manifest.rows["documents_attachment"] == 1
    assert manifest.rows["people_person"] >= 4
    assert any(name.startswith("files/private/attachments/") for name in manifest.checksums)
    assert "files/media/logo.txt" in manifest.checksums

    restore(source=archive, place=empty_place)

    assert restored_counts(empty_place) == manifest.rows
    for name, digest in manifest.checksums.items():
        if name.startswith("files/"):
            _, root, relative = name.split("/", 2)
            assert sha256_of(Path(empty_place.files[root]) / relative) == digest
    verify = _ptdv(empty_place, "aggregates", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    # The scan downloads through the application, scoped and audited, in the restored place.
    script = (
        "from django.test.utils import setup_test_environment, override_settings;"
        "setup_test_environment();"
        "from django.test import Client;"
        "from ptdv.accounts.models import User;"
        "import hashlib;"
        "c = Client();"
        f"c.force_login(User.objects.get(pk={clerk.pk}));"
        "s = override_settings(PTDV_2FA_REQUIRED=False); s.enable();"
        f"r = c.get('/documents/attachments/{attachment.pk}/');"
        "print(r.status_code, hashlib.sha256(b''.join(r.streaming_content)).hexdigest())"
    )
    download = _ptdv(empty_place, "shell", "--no-imports", "-c", script)
    expected = ["200", hashlib.sha256(scan).hexdigest()]
    assert download.stdout.split()[-2:] == expected, download.stderr


def test_refusals_write_nothing(tmp_path: Path, empty_place: Place) -> None:
    source = _source(tmp_path)
    _world(tmp_path)
    archive = tmp_path / "archive"
    manifest = backup(output=archive, place=source)

    # A new archive goes only into a new or empty directory.
    with pytest.raises(BackupError, match="đã có dữ liệu"):
        backup(output=archive, place=source)

    # A damaged file: refused by its checksum, nothing created.
    scan_name = next(n for n in manifest.checksums if n.startswith("files/private/"))
    original = (archive / scan_name).read_bytes()
    (archive / scan_name).write_bytes(original[:-1] + b"X")
    with pytest.raises(BackupError, match=r"mã kiểm tra của tệp .* không khớp"):
        restore(source=archive, place=empty_place)
    assert not Path(empty_place.files["private"]).exists()
    if "sqlite" in empty_place.database["ENGINE"]:
        assert not Path(empty_place.database["NAME"]).exists()
    else:
        with pytest.raises(psycopg.OperationalError):
            restored_counts(empty_place)
    (archive / scan_name).write_bytes(original)

    # An archive from a newer PTĐV (a migration this code does not have).
    data = json.loads((archive / MANIFEST).read_text(encoding="utf-8"))
    newer = {**data, "migrations": [*data["migrations"], ["people", "9999_from_the_future"]]}
    (archive / MANIFEST).write_text(json.dumps(newer), encoding="utf-8")
    with pytest.raises(BackupError, match="phiên bản PTĐV mới hơn"):
        restore(source=archive, place=empty_place)
    (archive / MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    assert archive_check(archive).rows == manifest.rows

    # Into a place that has data: refused unless forced; forced, it is replaced whole.
    restore(source=archive, place=empty_place)
    with pytest.raises(BackupError, match="đã có dữ liệu"):
        restore(source=archive, place=empty_place)
    restore(source=archive, place=empty_place, force=True)
    assert restored_counts(empty_place) == manifest.rows


def test_commands_back_up_and_refuse_a_damaged_archive(tmp_path: Path) -> None:
    _source(tmp_path)
    _world(tmp_path)
    out = io.StringIO()
    call_command("backup", "--into", str(tmp_path / "nightly"), "--keep", "1", stdout=out)
    call_command("backup", "--into", str(tmp_path / "nightly"), "--keep", "1", stdout=out)
    kept = list((tmp_path / "nightly").iterdir())
    assert len(kept) <= 2 and "Đã sao lưu vào" in out.getvalue()
    # The installation's own database has data: the command refuses to restore over it.
    with pytest.raises(CommandError, match="đã có dữ liệu"):
        call_command("restore", str(kept[-1]))
    (kept[0] / MANIFEST).write_text("{", encoding="utf-8")
    with pytest.raises(BackupError, match="bị hỏng"):
        archive_check(kept[0])
