"""Production settings pass Django's deployment checks, and sessions expire."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]


EXAMPLE_ENV = ROOT / "deploy" / "keqi.env.example"


def documented_env() -> dict[str, str]:
    """The KEY=VALUE lines of deploy/keqi.env.example (docs/deploy.md)."""
    pairs = {}
    for line in EXAMPLE_ENV.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def production_env(tmp_path: Path) -> dict[str, str]:
    """The environment docs/deploy.md tells a bureau to set, with its placeholders
    (secret key, database password) filled in and paths moved to a scratch dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEQI_")}
    env.update(documented_env())
    env.update(
        KEQI_SECRET_KEY=secrets.token_urlsafe(64),
        KEQI_VAR_DIR=str(tmp_path),
        KEQI_DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}",
    )
    return env


def test_the_documented_settings_are_the_production_ones() -> None:
    documented = documented_env()
    assert documented["KEQI_DEBUG"] == "0"
    assert documented["KEQI_SECURE_COOKIES"] == "1"
    assert documented["KEQI_BEHIND_HTTPS_PROXY"] == "1"
    assert documented["KEQI_DATABASE_URL"].startswith("postgres://")
    assert "deploy/keqi.env.example" in (ROOT / "docs" / "deploy.md").read_text(
        encoding="utf-8"
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_without_https_settings(tmp_path: Path) -> None:
    """The check is real: development settings are not fit for production."""
    env = production_env(tmp_path)
    env.update(KEQI_SECURE_COOKIES="0", KEQI_SSL_REDIRECT="0", KEQI_HSTS_SECONDS="0")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SESSION_COOKIE_SECURE" in result.stderr + result.stdout


def test_sessions_expire_after_a_working_day_and_when_the_browser_closes() -> None:
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_csrf_protection_is_switched_on() -> None:
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE


def test_behind_the_proxy_the_client_address_comes_from_the_proxy_only() -> None:
    from keqi.core.commands import proxy_options

    options = proxy_options("127.0.0.1")
    assert options["trusted_proxy"] == "127.0.0.1"
    assert "x-forwarded-for" in options["trusted_proxy_headers"]
    assert options["clear_untrusted_proxy_headers"] is True
    assert proxy_options("") == {}
