"""Production settings refuse unsafe configurations, and `check --deploy` is clean."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
GOOD = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "k" * 20 + "-not-a-real-secret-just-long-enough-for-the-check-0123456789",
    "PTDV_DATA_KEY": "d" * 40,
    "DATABASE_URL": "sqlite:///:memory:",
}


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PTDV_"))}
    return subprocess.run(  # noqa: S603 - our own interpreter and module, fixed arguments
        [sys.executable, "-m", "ptdv.cli", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean():
    done = run(GOOD, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


def test_refuses_without_secret_key_or_data_key_or_with_debug():
    for missing in ("DJANGO_SECRET_KEY", "PTDV_DATA_KEY"):
        env = {k: v for k, v in GOOD.items() if k != missing}
        done = run(env, "check")
        assert done.returncode != 0
        assert missing in done.stderr
    done = run({**GOOD, "DJANGO_DEBUG": "1"}, "check")
    assert done.returncode != 0 and "DJANGO_DEBUG" in done.stderr
