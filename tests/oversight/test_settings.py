"""Production mode: refuses an unsafe SECRET_KEY and passes ``check --deploy``."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "-a-long-random-production-secret-value-0123456789"


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DJANGO_ENV", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_real_secret_key() -> None:
    result = _manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="oversight.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_passes_the_deploy_checks_without_warnings() -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="oversight.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _setting(name: str, **env: str) -> str:
    result = _manage("shell", "--no-imports", "-c", f"from django.conf import settings; print(settings.{name})", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]  # shell may print its auto-imports first


def test_mfa_is_required_in_production_and_optional_elsewhere() -> None:
    production = {"DJANGO_ENV": "production", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "oversight.example.org"}
    assert _setting("MFA_REQUIRED", **production) == "True"
    assert _setting("MFA_REQUIRED", **production, MFA_REQUIRED="false") == "False"
    assert _setting("MFA_REQUIRED") == "False"


def test_production_collectstatic_builds_the_manifest(tmp_path: Path) -> None:
    # whitenoise's manifest storage rewrites every url() and sourceMappingURL in CSS and JS and stops
    # on a reference to a file that does not exist (the vendored chart.js pointed at a missing .map).
    result = _manage(
        "collectstatic",
        "--noinput",
        DJANGO_ENV="production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="oversight.example.org",
        STATIC_ROOT=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/chartjs/chart.umd.min.js" in manifest


def test_no_static_file_points_at_a_source_map_that_is_not_there() -> None:
    missing = []
    for path in (ROOT / "static").rglob("*"):
        if path.suffix not in (".js", ".css"):
            continue
        for name in re.findall(r"sourceMappingURL=([^\s*]+)", path.read_text(errors="replace")):
            if not (path.parent / name).exists():
                missing.append(f"{path.relative_to(ROOT)} → {name}")
    assert missing == []


def test_transaction_pooling_turns_server_side_cursors_off_on_postgresql() -> None:
    """DATABASE_TRANSACTION_POOLING sets Django's DISABLE_SERVER_SIDE_CURSORS, which the KPI rollup also
    reads to prepare no statements (a pooled session's do not follow it)."""
    postgres = {"DATABASE_URL": "postgres://oversight@127.0.0.1:5432/oversight"}  # read, never connected to
    flag = "DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS']"
    assert _setting(flag, **postgres) == "False"
    assert _setting(flag, **postgres, DATABASE_TRANSACTION_POOLING="true") == "True"
