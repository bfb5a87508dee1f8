"""Where the benchmark keeps its datasets, the keys it runs with, and what a dataset is.

Nothing here imports Django. Paths are relative to the repository (or `PTDV_VAR_DIR`); the
PostgreSQL server comes from `PTDV_BENCH_POSTGRES` (default: user postgres on 127.0.0.1:5432).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
VAR = Path(os.environ.get("PTDV_VAR_DIR", REPO / "var")) / "bench"
RESULTS = REPO / "bench" / "results.json"
POSTGRES = os.environ.get("PTDV_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DB_PREFIX = "ptdv_bench_"
# Bumped when the way a dataset is built changes in a way that changes its content.
# 4: the dossiers' histories (events, introducers, consents, the number register) are merged
# and copied to PostgreSQL with the other generated tables.
LOADER_VERSION = 4
SEED = 1
# Files whose content decides the generated rows: a change regenerates the cached datasets.
GENERATOR_FILES = (
    "ptdv/demo/*.py",
    "ptdv/candidacies/actions/*.py",  # the demo replays every dossier's steps through them
    "ptdv/organisations/data/admin_units.json",
    "bench/load.py",
)


@dataclass(frozen=True)
class Dataset:
    scale: str  # "province" (Hà Tĩnh) or "national"
    members: int | None = None  # None: the generator's real size
    seed: int = SEED

    @property
    def name(self) -> str:
        """The scale; a reduced one (`members`) has its own files and database, so a trial
        run never replaces the full dataset's cache."""
        return self.scale if self.members is None else f"{self.scale}_{self.members}"

    @property
    def sqlite_path(self) -> Path:
        return VAR / f"{self.name}.sqlite3"

    @property
    def sqlite_marker(self) -> Path:
        return VAR / f"{self.name}.sqlite3.json"

    @property
    def pg_name(self) -> str:
        return f"{DB_PREFIX}{self.name}"

    def url(self, db: str) -> str:
        if db == "sqlite":
            return f"sqlite:///{self.sqlite_path}"
        return f"{POSTGRES.rstrip('/')}/{self.pg_name}"

    def marker(self) -> dict[str, Any]:
        """What a cached dataset must have been built from to be reused."""
        return {
            "loader": LOADER_VERSION,
            "generator": generator_fingerprint(),
            "data_key": hashlib.sha256(keys()["data_key"].encode()).hexdigest()[:12],
            **asdict(self),
        }


def generator_fingerprint() -> str:
    digest = hashlib.sha256()
    for pattern in GENERATOR_FILES:
        for path in sorted(REPO.glob(pattern)):
            digest.update(path.relative_to(REPO).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def keys() -> dict[str, str]:
    """The secret key and data key of the benchmark databases: drawn at random once and kept
    beside them (var/ is never committed), because the national ID numbers in a dataset are
    encrypted with the data key it was generated with."""
    path = VAR / "keys.json"
    if not path.exists():
        VAR.mkdir(parents=True, exist_ok=True)
        data = {"secret_key": secrets.token_urlsafe(60), "data_key": secrets.token_urlsafe(40)}
        path.write_text(json.dumps(data))
        path.chmod(0o600)
    loaded: dict[str, str] = json.loads(path.read_text())
    return loaded


def django_env(dataset: Dataset, db: str, **extra: str) -> dict[str, str]:
    """The environment of a worker or server process for one database: production settings
    (DEBUG off) with the benchmark's keys, served on 127.0.0.1 over plain HTTP."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DATABASE_URL=dataset.url(db),
        DJANGO_SECRET_KEY=keys()["secret_key"],
        PTDV_DATA_KEY=keys()["data_key"],
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        # The benchmark's user takes an API token with its password; production requires
        # two-factor sign-in first, which no measure here is about.
        PTDV_2FA_REQUIRED="0",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    env.pop("PTDV_DEMO", None)
    return env


PYTHON = sys.executable
