"""``check --deploy`` and the production profile.

The clean run and the profile's answers run as an operator would: a new process
with only the environment given here (settings are read once, at start). Each
warning is shown by running the project's checks in this process, with the
settings a complete production environment gives and one of them wrong.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks.registry import registry

from learningcities.common import checks as project_checks

LC = Path(sys.executable).with_name("learningcities")
CHECK_DEPLOY = ["check", "--deploy", "--fail-level", "WARNING"]


def _run(args: list[str], tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    # The project's own settings only: no LC_ or DJANGO_ variable of the test run.
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "DJANGO_"))}
    clean.update({"LC_DATA_DIR": str(tmp_path), "LC_STATIC_ROOT": str(tmp_path / "static"), **env})
    return subprocess.run(
        [str(LC), *args], env=clean, capture_output=True, text=True, timeout=120, check=False
    )


def _production(**overrides: str | None) -> dict[str, str]:
    """A complete production environment; an override of None leaves that variable out."""
    env = {
        "LC_PRODUCTION": "1",
        "LC_SECRET_KEY": secrets.token_urlsafe(60),
        "LC_ALLOWED_HOSTS": "cities.example.net",
        "LC_SITE_URL": "https://cities.example.net",
        "LC_TASKS": "database",
        "LC_CACHE_URL": "redis://127.0.0.1:6379/0",
        "LC_EMAIL_URL": "smtp://mailer:secret@mail.example.net:587?tls=1",
        "LC_DEFAULT_FROM_EMAIL": "network@cities.example.net",
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def _collected(static_root: Path) -> Path:
    """A STATIC_ROOT that collectstatic has filled: its manifest is what tells."""
    static_root.mkdir(parents=True, exist_ok=True)
    (static_root / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    return static_root


def test_check_deploy_is_clean_with_a_complete_production_environment(tmp_path):
    _collected(tmp_path / "static")

    result = _run(CHECK_DEPLOY, tmp_path, _production())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


LOCMEM_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
FILE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": "/var/lib/learningcities/cache",
    }
}
S3_PRIVATE_STORAGE = {
    "BACKEND": "learningcities.common.storage_s3.PrivateS3Storage",
    "OPTIONS": {"bucket_name": "documents"},
}


@pytest.fixture
def production_settings(settings, tmp_path):
    """The settings a complete production environment gives (as _production() sets)."""
    settings.PRODUCTION = True
    settings.WHITENOISE_USE_FINDERS = False
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    settings.STATIC_ROOT = _collected(tmp_path / "static")
    settings.LC_TASKS = "database"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
        }
    }
    settings.LC_MAIL_ENABLED = True
    settings.MAILERS = {
        **settings.MAILERS,
        "transport": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"},
    }
    settings.DEFAULT_FROM_EMAIL = "network@cities.example.net"
    settings.LC_SITE_URL = "https://cities.example.net"
    return settings


def _project_checks(*, deploy: bool) -> list:
    """The checks learningcities registers, as ``check`` (or ``check --deploy``) runs them."""
    return [
        check
        for check in registry.get_checks(include_deployment_checks=deploy)
        if check.__module__ == project_checks.__name__
    ]


def _deploy_warnings() -> dict[str, str]:
    """Run the project's checks as ``check --deploy`` does: {id: message and hint}."""
    return {
        message.id: f"{message.msg} HINT: {message.hint}"
        for check in _project_checks(deploy=True)
        for message in check(app_configs=None)
    }


def _with_s3(settings) -> dict:
    return {**settings.STORAGES, "private": S3_PRIVATE_STORAGE}


def test_deploy_checks_pass_with_the_production_settings(production_settings):
    assert _deploy_warnings() == {}


def test_deploy_checks_accept_a_file_cache_shared_by_one_machine(production_settings):
    production_settings.CACHES = FILE_CACHE

    assert _deploy_warnings() == {}


def test_deploy_checks_accept_redis_with_documents_in_s3(production_settings):
    production_settings.STORAGES = _with_s3(production_settings)

    assert _deploy_warnings() == {}


@pytest.mark.parametrize(
    ("overrides", "warning", "hint"),
    [
        pytest.param({"PRODUCTION": False}, "common.W001", "LC_PRODUCTION=1", id="no-profile"),
        pytest.param({"LC_TASKS": "immediate"}, "common.W002", "LC_TASKS=database", id="tasks"),
        pytest.param(
            {"CACHES": LOCMEM_CACHE}, "common.W003", "LC_CACHE_URL", id="process-memory-cache"
        ),
        pytest.param(
            {"CACHES": FILE_CACHE, "STORAGES": _with_s3},
            "common.W003",
            "LC_CACHE_URL",
            id="one-machines-cache-with-s3",
        ),
        pytest.param({"LC_MAIL_ENABLED": False}, "common.W004", "LC_EMAIL_URL", id="no-mail"),
        pytest.param(
            {"MAILERS": {"transport": {"BACKEND": project_checks.CONSOLE_MAILER}}},
            "common.W004",
            "LC_EMAIL_URL",
            id="console-mail",
        ),
        pytest.param(
            {"DEFAULT_FROM_EMAIL": "learningcities@localhost"},
            "common.W005",
            "LC_DEFAULT_FROM_EMAIL",
            id="sender-localhost",
        ),
        pytest.param(
            {"LC_SITE_URL": "http://127.0.0.1:8000"}, "common.W006", "LC_SITE_URL", id="site-url"
        ),
        pytest.param(
            {"LC_SITE_URL": "http://cities.example.net"},
            "common.W006",
            "LC_SITE_URL",
            id="site-url-plain-http",
        ),
    ],
)
def test_deploy_checks_warn_about_a_wrong_production_setting(
    production_settings, overrides, warning, hint
):
    for name, value in overrides.items():
        setattr(production_settings, name, value(production_settings) if callable(value) else value)

    warnings = _deploy_warnings()

    assert list(warnings) == [warning]
    assert hint in warnings[warning].split("HINT:", 1)[1]


def test_deploy_checks_warn_about_static_files_not_collected(production_settings, tmp_path):
    production_settings.STATIC_ROOT = tmp_path / "empty"

    warnings = _deploy_warnings()

    assert list(warnings) == ["common.W007"]
    assert str(tmp_path / "empty") in warnings["common.W007"]
    assert "collectstatic" in warnings["common.W007"].split("HINT:", 1)[1]


def test_deploy_checks_leave_static_files_to_the_finders_outside_production(settings, tmp_path):
    settings.WHITENOISE_USE_FINDERS = True
    settings.STATIC_ROOT = tmp_path / "empty"

    assert "common.W007" not in _deploy_warnings()


def test_deploy_checks_stay_silent_without_deploy(settings):
    settings.LC_TASKS = "immediate"

    assert [m.id for check in _project_checks(deploy=False) for m in check(app_configs=None)] == []


def test_check_deploy_without_the_profile_names_the_one_switch(tmp_path):
    result = _run(CHECK_DEPLOY, tmp_path, _production(LC_PRODUCTION=None))

    assert result.returncode == 1
    assert re.findall(r"\((common\.W\d{3})\)", result.stderr) == ["common.W001"]
    # Django's own warnings, which the profile answers, come too (the session
    # cookie's is W010: Django names its own SessionMiddleware for W011/W012, and
    # the project's is a subclass, common.sessions.SessionMiddleware).
    found = set(re.findall(r"\((security\.W\d{3})\)", result.stderr))
    assert found == {"security.W004", "security.W008", "security.W010", "security.W016"}


# The production profile's pages name their static files by the manifest that
# collectstatic writes: the project's own files are collected first (all of them,
# the vendored packages too, would take minutes).
_COLLECT_OWN_STATIC = """
from pathlib import Path
from django.core.management import call_command
from django.test import override_settings
import learningcities.common

with override_settings(
    STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
    STATICFILES_DIRS=[Path(learningcities.common.__file__).parent / "static"],
):
    call_command("collectstatic", "--no-input", verbosity=0)
"""

# The production profile's answers: a real request through every middleware, in a
# process started with LC_PRODUCTION=1 (its own SQLite database, migrated first).
_PRODUCTION_REQUESTS = (
    _COLLECT_OWN_STATIC
    + """
import json
from django.core.management import call_command
from django.test import Client
from learningcities.accounts.domain.users import create_user

call_command("migrate", verbosity=0)
create_user("coordinator@cities.example.net", password="a-long-test-passphrase-42")
client = Client(HTTP_HOST="cities.example.net")
plain = client.get("/account/login/")
page = client.get("/account/login/", secure=True)
login = client.post(
    "/account/login/",
    {"login": "coordinator@cities.example.net", "password": "a-long-test-passphrase-42"},
    secure=True,
)
health = client.get("/-/health")

def cookie(response, name):
    morsel = response.cookies[name]
    return {"secure": bool(morsel["secure"]), "httponly": bool(morsel["httponly"]),
            "samesite": morsel["samesite"]}

print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "hsts": page.get("Strict-Transport-Security"),
    "csp": page.get("Content-Security-Policy"),
    "csrf_cookie": cookie(page, "csrftoken"),
    "login_status": login.status_code,
    "session_cookie": cookie(login, "sessionid"),
    "health": [health.status_code, health.get("Location")],
}))
"""
)


@pytest.fixture(scope="module")
def production_answers(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("production")
    env = _production(LC_HSTS_SECONDS="86400", LC_CACHE_URL=None, LC_TASKS=None)
    result = _run(["shell", "--no-imports", "-c", _PRODUCTION_REQUESTS], tmp_path, env)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_profile_redirects_plain_http_to_https(production_answers):
    assert production_answers["plain"] == [301, "https://cities.example.net/account/login/"]


def test_production_profile_answers_the_health_check_over_plain_http(production_answers):
    # The load balancer asks over HTTP inside the private network.
    assert production_answers["health"] == [200, None]


def test_production_profile_sends_hsts_with_the_configured_max_age(production_answers):
    assert production_answers["hsts"] == "max-age=86400; includeSubDomains; preload"


def test_production_profile_sends_the_content_security_policy(production_answers):
    csp = production_answers["csp"]

    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp


def test_production_profile_marks_the_session_and_csrf_cookies_secure(production_answers):
    assert production_answers["login_status"] == 302
    assert production_answers["session_cookie"] == {
        "secure": True,
        "httponly": True,
        "samesite": "Lax",
    }
    assert production_answers["csrf_cookie"] == {
        "secure": True,
        "httponly": False,  # the API's clients read it to send the token back
        "samesite": "Lax",
    }


# Behind a proxy on a port other than 443 that passes the host without it
# (nginx's "proxy_set_header Host $host"), the browser's Origin names the port
# and the request's host does not: the origin of LC_SITE_URL is trusted, and so
# are those of LC_CSRF_TRUSTED_ORIGINS.
_CSRF_REQUESTS = (
    _COLLECT_OWN_STATIC
    + """
import json, re
from django.core.management import call_command
from django.test import Client
from learningcities.accounts.domain.users import create_user

call_command("migrate", verbosity=0)
create_user("coordinator@cities.example.org", password="a-long-test-passphrase-42")
statuses = {}
for origin in [
    "https://cities.example.org:8443",
    "https://admin.example.org",
    "https://cities.example.org:9443",
    "https://attacker.example.net",
]:
    client = Client(enforce_csrf_checks=True, HTTP_HOST="cities.example.org")
    page = client.get("/account/login/", secure=True)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    login = client.post(
        "/account/login/",
        {"login": "coordinator@cities.example.org", "password": "a-long-test-passphrase-42",
         "csrfmiddlewaretoken": token},
        secure=True,
        HTTP_ORIGIN=origin,
        HTTP_REFERER=origin + "/account/login/",
    )
    statuses[origin] = login.status_code
print(json.dumps(statuses))
"""
)


def test_production_profile_trusts_the_origins_of_the_site_url_and_the_setting(tmp_path):
    env = _production(
        LC_ALLOWED_HOSTS="cities.example.org",
        LC_SITE_URL="https://cities.example.org:8443/",
        LC_CSRF_TRUSTED_ORIGINS="https://admin.example.org, ",
        LC_CACHE_URL=None,
        LC_TASKS=None,
    )

    result = _run(["shell", "--no-imports", "-c", _CSRF_REQUESTS], tmp_path, env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "https://cities.example.org:8443": 302,  # logged in
        "https://admin.example.org": 302,
        "https://cities.example.org:9443": 403,
        "https://attacker.example.net": 403,
    }


# Static files in the production profile: WhiteNoise serves what collectstatic
# wrote into STATIC_ROOT (hashed names, compressed copies), never the source
# folders, which change under the running processes at a "git pull". The source
# folders are the project's own and one standing for a release's checkout
# (collecting the vendored packages too takes minutes).
_STATIC_REQUESTS = """
import gzip, json
from pathlib import Path
from django.conf import settings
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client, override_settings
import learningcities.common

def read(response):
    body = b"".join(response.streaming_content)
    whole = len(body) == int(response["Content-Length"])
    return gzip.decompress(body) if response.get("Content-Encoding") == "gzip" else body, whole

checkout = Path({checkout!r})
(checkout / "release.css").write_text("body {{ color: black; }}\\n" * 200)
with override_settings(
    STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
    STATICFILES_DIRS=[Path(learningcities.common.__file__).parent / "static", checkout],
):
    call_command("collectstatic", "--no-input", verbosity=0)
    client = Client(HTTP_HOST="cities.example.net")
    url = static("lc/css/site.css")
    hashed = client.get(url, secure=True, HTTP_ACCEPT_ENCODING="gzip")
    hashed_body, _whole = read(hashed)
    plain = client.get("/static/lc/css/site.css", secure=True)
    _body, before_pull = read(client.get("/static/release.css", secure=True))
    # "git pull": the source changes under the running process.
    (checkout / "release.css").write_text("body {{ color: navy; }}\\n" * 400)
    _body, after_pull = read(client.get("/static/release.css", secure=True))

print(json.dumps({{
    "use_finders": settings.WHITENOISE_USE_FINDERS,
    "storage": settings.STORAGES["staticfiles"]["BACKEND"],
    "url": url,
    "hashed": [hashed.status_code, hashed.get("Content-Encoding"), hashed.get("Cache-Control")],
    "hashed_is_the_collected_copy": hashed_body
        == (Path(settings.STATIC_ROOT) / url.removeprefix("/static/")).read_bytes(),
    "plain_cache": plain.get("Cache-Control"),
    "whole_before_and_after_pull": [before_pull, after_pull],
}}))
"""


@pytest.fixture(scope="module")
def static_answers(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("static")
    (tmp_path / "checkout").mkdir()
    env = _production(LC_CACHE_URL=None, LC_TASKS=None)
    script = _STATIC_REQUESTS.format(checkout=str(tmp_path / "checkout"))
    result = _run(["shell", "--no-imports", "-c", script], tmp_path, env)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_profile_serves_only_the_collected_static_files(static_answers):
    assert static_answers["use_finders"] is False
    assert static_answers["storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_production_profile_serves_hashed_compressed_static_files_for_ever(static_answers):
    assert re.fullmatch(r"/static/lc/css/site\.[0-9a-f]{12}\.css", static_answers["url"])
    assert static_answers["hashed"] == [200, "gzip", "max-age=315360000, public, immutable"]
    assert static_answers["hashed_is_the_collected_copy"] is True
    # A name without its hash may change at the next release.
    assert static_answers["plain_cache"] == "max-age=60, public"


def test_production_profile_static_file_stays_whole_after_a_pull(static_answers):
    assert static_answers["whole_before_and_after_pull"] == [True, True]
