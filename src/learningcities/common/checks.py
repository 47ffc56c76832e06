"""System checks.

Always: private documents must never sit in a publicly served folder.
Under ``check --deploy`` only: the settings a production site needs beyond
Django's own deployment checks, each warning naming the ``LC_`` variable to set
(operators configure the platform through the environment, not settings.py).
"""

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.files.storage import storages

LOCMEM_CACHE = "django.core.cache.backends.locmem.LocMemCache"
FILE_CACHE = "django.core.cache.backends.filebased.FileBasedCache"
S3_STORAGE = "learningcities.common.storage_s3.PrivateS3Storage"
CONSOLE_MAILER = "django.core.mail.backends.console.EmailBackend"


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(Path(folder).resolve())
    except ValueError:
        return False
    return True


@register()
def check_private_root(app_configs=None, **kwargs):
    private = Path(settings.LC_PRIVATE_ROOT)
    errors = []
    for name in ("STATIC_ROOT", "MEDIA_ROOT"):
        folder = getattr(settings, name, None)
        if folder and _inside(private, Path(folder)):
            errors.append(
                Error(
                    f"LC_PRIVATE_ROOT ({private}) is inside {name} ({folder}), "
                    "where files are served to anyone.",
                    hint="Point LC_PRIVATE_ROOT at a folder outside the public ones.",
                    id="common.E001",
                )
            )
    return errors


@register(Tags.security, deploy=True)
def check_production_profile(app_configs=None, **kwargs):
    if settings.PRODUCTION:
        return []
    # Django's own deployment warnings follow (HSTS, SSL redirect, secure
    # cookies); here they all have one switch.
    return [
        Warning(
            "The production profile is off.",
            hint=(
                "Set LC_PRODUCTION=1: it turns on the HTTPS redirect, HSTS and secure "
                "cookies, and requires LC_SECRET_KEY and LC_ALLOWED_HOSTS."
            ),
            id="common.W001",
        )
    ]


@register(deploy=True)
def check_background_jobs(app_configs=None, **kwargs):
    if settings.LC_TASKS != "immediate":
        return []
    return [
        Warning(
            "Background jobs run inside the web request that starts them (LC_TASKS=immediate): "
            "a page waits for the mail it sends, and a slow mail server slows the site.",
            hint=(
                "Set LC_TASKS=database on every machine and run `learningcities db_worker` "
                "(see docs/deploy.md)."
            ),
            id="common.W002",
        )
    ]


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs=None, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if backend == LOCMEM_CACHE:
        problem = (
            "The cache lives in each process's memory: a second-factor code used in one "
            "web process is accepted again by another, every process computes the cached "
            "pages again, and the limits on sign-ups and password-reset mail multiply "
            "with the processes."
        )
    elif backend == FILE_CACHE and settings.STORAGES["private"]["BACKEND"] == S3_STORAGE:
        # Documents in an object store are how several machines serve one site.
        problem = (
            "Documents are kept in an object store (LC_S3_BUCKET), as for several machines, "
            "but the cache is in files on this machine: each machine keeps its own, so a "
            "second-factor code used on one machine is accepted again by another, and the "
            "limits on sign-ups and password-reset mail multiply with the machines."
        )
    else:
        return []
    return [
        Warning(
            problem,
            hint="Set LC_CACHE_URL to a Redis server that every web process shares.",
            id="common.W003",
        )
    ]


@register(Tags.mail, deploy=True)
def check_mail(app_configs=None, **kwargs):
    warnings = []
    if not settings.LC_MAIL_ENABLED:
        warnings.append(
            Warning(
                "No mail is sent (LC_EMAIL_URL is not set): invitations, password resets "
                "and notifications stay in the outbox as held.",
                hint="Set LC_EMAIL_URL, such as smtp://user:password@mail.example.org:587?tls=1.",
                id="common.W004",
            )
        )
    elif settings.MAILERS["transport"]["BACKEND"] == CONSOLE_MAILER:
        warnings.append(
            Warning(
                "Mail is printed to the console, not sent (LC_EMAIL_URL=console://).",
                hint="Set LC_EMAIL_URL to your SMTP server: smtp://... or smtps://...",
                id="common.W004",
            )
        )
    sender_domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">").lower()
    if sender_domain in {"localhost", "localhost.localdomain", "example.com", "example.org"}:
        warnings.append(
            Warning(
                f"Mail is sent from {settings.DEFAULT_FROM_EMAIL}, an address that mail "
                "servers reject or file as spam.",
                hint="Set LC_DEFAULT_FROM_EMAIL to an address of the site's own domain.",
                id="common.W005",
            )
        )
    return warnings


@register(deploy=True)
def check_site_url(app_configs=None, **kwargs):
    url = urlsplit(settings.LC_SITE_URL)
    host = (url.hostname or "").lower()
    if url.scheme == "https" and host not in {"localhost", "127.0.0.1", "::1"}:
        return []
    return [
        Warning(
            f"Links in invitation e-mails point to {settings.LC_SITE_URL}, which is not "
            "the site's public HTTPS address.",
            hint="Set LC_SITE_URL to the address people use, such as https://cities.example.org.",
            id="common.W006",
        )
    ]


@register(Tags.staticfiles, deploy=True)
def check_collected_static_files(app_configs=None, **kwargs):
    if settings.WHITENOISE_USE_FINDERS:
        return []  # the source folders are served (outside the production profile)
    root = Path(settings.STATIC_ROOT)
    manifest = getattr(storages["staticfiles"], "manifest_name", None)
    # A manifest storage's list of names is written last: it tells a finished run.
    if (root / manifest).is_file() if manifest else root.is_dir() and any(root.iterdir()):
        return []
    return [
        Warning(
            f"The static files have not been collected into {root}: every page fails "
            "until they are (pages name their style sheets and scripts by the list "
            "collectstatic writes there).",
            hint=(
                "Run `learningcities collectstatic --no-input` at every release, on every "
                "web machine, before restarting the web processes; or set LC_STATIC_ROOT "
                "to the folder it filled."
            ),
            id="common.W007",
        )
    ]
