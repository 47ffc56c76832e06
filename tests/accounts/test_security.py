import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

LC = Path(sys.executable).with_name("learningcities")


def _run(args: list[str], tmp_path: Path, **env) -> subprocess.CompletedProcess:
    # The project's own settings only: no LC_ or DJANGO_ variable of the test run.
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "DJANGO_"))}
    clean.update({"LC_DATA_DIR": str(tmp_path), **env})
    return subprocess.run(
        [str(LC), *args], env=clean, capture_output=True, text=True, timeout=120, check=False
    )


def test_production_profile_refuses_to_start_without_a_secret_key(tmp_path):
    result = _run(["check"], tmp_path, LC_PRODUCTION="1", LC_ALLOWED_HOSTS="example.org")

    assert result.returncode != 0
    assert "LC_SECRET_KEY" in result.stderr


def test_production_profile_refuses_to_start_without_allowed_hosts(tmp_path):
    result = _run(["check"], tmp_path, LC_ENV="production", LC_SECRET_KEY=secrets.token_urlsafe(60))

    assert result.returncode != 0
    assert "LC_ALLOWED_HOSTS" in result.stderr


def test_production_profile_refuses_a_short_secret_key(tmp_path):
    result = _run(
        ["check"],
        tmp_path,
        LC_PRODUCTION="1",
        LC_SECRET_KEY="short",
        LC_ALLOWED_HOSTS="example.org",
    )

    assert result.returncode != 0
    assert "50 or more" in result.stderr


def test_pages_carry_the_security_headers(client):
    response = client.get("/")

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_session_lasts_the_configured_hours():
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_map_tiles_host_is_allowed_for_images_only_when_configured(tmp_path):
    code = "from django.conf import settings; print(' '.join(settings.SECURE_CSP['img-src']))"
    with_tiles = _run(
        ["shell", "--no-imports", "-c", code],
        tmp_path,
        LC_MAP_TILES_URL="https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png",
    )
    without = _run(["shell", "--no-imports", "-c", code], tmp_path)

    assert with_tiles.stdout.split() == ["'self'", "data:", "https://*.tile.openstreetmap.org"]
    assert without.stdout.split() == ["'self'", "data:"]
