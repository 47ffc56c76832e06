"""Settings for learningcities, read from the environment (prefix ``LC_``).

Every variable, with its embedded default:

==================  ==========================================================
LC_DATA_DIR         where the embedded installation keeps its files (``./var``)
LC_DATABASE_URL     database URL (default: SQLite at ``$LC_DATA_DIR/db.sqlite3``)
LC_DB_CONN_MAX_AGE  seconds a process keeps a database connection open between
                    requests (default: 60; 0 closes it after each request; SQLite
                    keeps its one connection whatever this says)
LC_WATCH_CHANGES    ``0`` makes every request read the revisions of cached pages
                    from PostgreSQL (default: on; each process keeps them until a
                    notification says they changed: common/changes.py)
LC_SECRET_KEY       secret key (default: generated once into ``$LC_DATA_DIR``)
LC_DEBUG            ``1``/``true`` for debug pages (default: off)
LC_ALLOWED_HOSTS    comma-separated host names (default: localhost names)
LC_CACHE_URL        ``redis://...`` for a cache shared by several machines (default:
                    files under ``$LC_DATA_DIR/cache``, shared by the processes of
                    one machine); ``LC_REDIS_URL`` is read when it is not set
LC_TIME_ZONE        the secretariat's time zone (default: ``UTC``)
LC_MAP_TILES_URL    a tile server URL template for the map, such as
                    ``https://tile.openstreetmap.org/{z}/{x}/{y}.png`` (default:
                    none; the map draws packaged country outlines only)
LC_MAP_TILES_ATTRIBUTION  the credit line the tile server asks for
LC_PRODUCTION       ``1`` turns on the production profile (also ``LC_ENV=production``):
                    HTTPS redirect, HSTS, secure cookies, DEBUG off, static
                    files served only as ``collectstatic`` wrote them; then
                    LC_SECRET_KEY (50+ characters) and LC_ALLOWED_HOSTS are required
LC_BEHIND_PROXY     ``1`` when a reverse proxy terminates TLS: trust its
                    ``X-Forwarded-Proto`` and ``X-Forwarded-For`` (default: off)
LC_API_RATE_LIMIT   requests one API client (a token, else an address) may make
                    per window, as REQUESTS/SECONDS (default: ``600/60``; ``0``
                    turns the limit off); past it the API answers 429
LC_WEBHOOK_PRIVATE_ADDRESSES  ``1`` lets webhooks post to loopback and private
                    addresses (default: on, off in the production profile)
LC_HSTS_SECONDS     HSTS max-age in the production profile (default: one year)
LC_HSTS_PRELOAD     ``0`` leaves ``preload`` out of the HSTS header (default: on)
LC_SESSION_HOURS    a login lasts this long (default: 12)
LC_SESSION_EXPIRE_AT_BROWSER_CLOSE  ``1`` ends the login when the browser closes
LC_LOGIN_FAILURE_LIMIT  failed logins on one account from one address before
                    that account is locked from that address (default: 10)
LC_LOGIN_ADDRESS_FAILURE_LIMIT  failed logins from one address, on any accounts,
                    before every account is locked from it (default: 100)
LC_LOGIN_COOLOFF_MINUTES  how long such a lock lasts; it lifts by itself (default: 15)
LC_INVITATION_DAYS  an invitation link works this many days (default: 14)
LC_SITE_URL         the site's public address, for links in e-mail
                    (default: the address a page was reached at, for links sent
                    from it such as invitations; else ``http://127.0.0.1:8000``)
LC_CSRF_TRUSTED_ORIGINS  comma-separated origins forms are also accepted from, such
                    as ``https://cities.example.org:8443`` (default: none; the
                    origin of LC_SITE_URL is always trusted, as is the request's
                    own host)
LC_DEFAULT_FROM_EMAIL  the sender of the platform's mail
LC_EMAIL_URL        where mail goes: ``smtp://user:pass@host:587?tls=1``,
                    ``smtps://user:pass@host:465`` or ``console://`` (default:
                    none; messages stay in the outbox as "held", shown to the
                    secretariat, and nothing is sent; once it is set, they are
                    sent by the next ``send-mail`` or ``run-scheduled``)
LC_MAIL_MAX_ATTEMPTS  sending attempts before a message stays failed (default: 8)
LC_PRIVATE_ROOT     the folder of private documents (default: ``$LC_DATA_DIR/private``)
LC_MAX_UPLOAD_MB    the largest document accepted, in megabytes (default: 20)
LC_HOST, LC_PORT    where ``learningcities serve`` listens (default: 127.0.0.1:8000)
LC_WORKERS, LC_THREADS  ``serve``'s worker processes and threads each (2, 4)
LC_WORKERS_MAX_RSS_MB  a ``serve`` worker past this memory is restarted (1024; 0 never)
LC_VIRUS_SCANNER    dotted path to a callable(file) -> (clean, detail) that scans
                    every upload (default: none; documents are "not scanned")
LC_S3_BUCKET        keep private documents in this bucket of an S3-compatible
                    store instead of LC_PRIVATE_ROOT (private ACL, no public URLs;
                    still served only through the permission-checked view)
LC_S3_ENDPOINT_URL  the store's address, for a store other than Amazon S3
                    (MinIO, Garage, Ceph...: ``https://s3.example.org``)
LC_S3_REGION        the bucket's region (default: the store's own default)
LC_S3_ACCESS_KEY_ID, LC_S3_SECRET_ACCESS_KEY  the store's credentials (default:
                    boto3's own lookup: environment, instance role...)
LC_S3_PREFIX        a folder inside the bucket for the documents (default: none)
LC_TASKS            where background jobs run: ``immediate`` (default: at once, in
                    the process that asks, as the embedded installation does) or
                    ``database`` (queued in the database and run by
                    ``learningcities db_worker`` processes; recommended in production)
LC_JOB_MAX_ATTEMPTS  ``run-scheduled`` re-queues a failed job until it has been
                    tried this many times (default: 3)
LC_STATIC_ROOT      where ``collectstatic`` writes the static files (default:
                    ``staticfiles/`` in the checkout); the production profile
                    serves them only from there, compressed and under hashed names
LC_STATIC_COLLECTED serve only the collected static files (hashed names, brotli and
                    gzip, cached for a year) outside the production profile too; set
                    for ``collectstatic`` and the server alike (``make run`` does)
LC_NODE_MODULES     the front-end packages npm installed (default: ``node_modules/``
                    in the checkout)
LC_LOG_LEVEL        the least severe log messages written to standard error
                    (default: ``WARNING``; ``INFO``, ``DEBUG``...)
==================  ==========================================================
"""

import datetime as dt
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# The production profile: strict HTTPS settings and no embedded fallbacks.
PRODUCTION = env_bool("LC_PRODUCTION") or os.environ.get("LC_ENV", "").lower() == "production"

DATA_DIR = Path(os.environ.get("LC_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("LC_SECRET_KEY"):
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "LC_PRODUCTION needs LC_SECRET_KEY (50 or more random characters)"
        )
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # Written once, readable by the owner only; every process shares it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


try:
    SECRET_KEY = _secret_key()
except FileExistsError:  # another process wrote it between our check and open
    SECRET_KEY = (DATA_DIR / "secret_key").read_text().strip()

if PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("LC_SECRET_KEY must be 50 or more random characters")

DEBUG = env_bool("LC_DEBUG") and not PRODUCTION
if PRODUCTION and not os.environ.get("LC_ALLOWED_HOSTS"):
    raise ImproperlyConfigured("LC_PRODUCTION needs LC_ALLOWED_HOSTS (the site's host names)")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("LC_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    # First: Django runs a command of the first app here that has one of that
    # name, and this app's createsuperuser (a verified address, the activity
    # log) replaces django.contrib.auth's. It holds nothing else.
    "learningcities.accounts.console",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "learningcities.common.apps.StaticFilesConfig",  # django.contrib.staticfiles
    "django.contrib.humanize",
    "ninja",  # its templates and static files: API docs that work offline
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "django_tasks_db",  # the database queue of background jobs (LC_TASKS=database)
    "rules.apps.AutodiscoverRulesConfig",  # loads each app's rules.py
    "learningcities.common",
    "learningcities.accounts",
    "learningcities.network",
    "learningcities.frameworks",
    "learningcities.calls",
    "learningcities.reviews",
    "learningcities.practices",
    "learningcities.events",
    "learningcities.reports",
    "learningcities.opendata",
    "learningcities.api",
    "learningcities.demo",  # demo and synthetic data: the top layer, no app imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The API's CORS, rate limit and conditional GETs, before any session work.
    "learningcities.common.api_http.ApiHttpMiddleware",
    # Logs each API request made with a token, with its answer.
    "learningcities.accounts.middleware.ApiTokenUseMiddleware",
    "learningcities.common.sessions.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "learningcities.common.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "learningcities.accounts.middleware.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as its documentation asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "learningcities.urls"
WSGI_APPLICATION = "learningcities.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("LC_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("LC_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer imports; the busy timeout
        # makes a second writer wait instead of failing.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = None

# Processes keep the revisions of cached pages until PostgreSQL notifies a change.
LC_WATCH_CHANGES = os.environ.get("LC_WATCH_CHANGES", "1").strip().lower() not in {
    "0",
    "false",
    "no",
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

if cache_url := os.environ.get("LC_CACHE_URL") or os.environ.get("LC_REDIS_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": cache_url}
    }
else:
    # Files on this machine, shared by all its processes: a second-factor code
    # used in one web process is refused in the others (allauth marks used
    # codes in the cache), and so are allauth's rate limits. Pages and
    # statistics keep a small memo per process in front of it.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The interface languages: UNESCO's six and Vietnamese. Adding one is its catalogues
# (docs/translating.md) and one line here.
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
    ("zh-hans", _("Chinese (simplified)")),
    ("ru", _("Russian")),
    ("vi", _("Vietnamese")),
]
LOCALE_PATHS = [
    BASE_DIR / "locale",
    # Libraries' strings in a language the library does not translate (allauth's in
    # Vietnamese); after the project's own, so our wording of a string wins. It outranks
    # the apps' catalogues: scripts/check_translations.py keeps the two worded alike.
    BASE_DIR / "thirdparty" / "locale",
]
TIME_ZONE = os.environ.get("LC_TIME_ZONE", "UTC")
# One unambiguous date style per language: "6 Dec 2026", "6 déc. 2026" (learningcities/formats).
FORMAT_MODULE_PATH = ["learningcities.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("LC_STATIC_ROOT", BASE_DIR.parent.parent / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
NODE_MODULES = Path(os.environ.get("LC_NODE_MODULES", BASE_DIR.parent.parent / "node_modules"))
# Front-end packages come from npm at set-up (package.json); only the files we
# use are exposed, under a "vendor/" prefix.
STATICFILES_DIRS = [
    (f"vendor/{name}", NODE_MODULES / path)
    for name, path in [
        ("leaflet", "leaflet/dist"),
        ("leaflet.markercluster", "leaflet.markercluster/dist"),
        ("world-atlas", "world-atlas"),
        ("topojson-client", "topojson-client/dist"),
    ]
    if (NODE_MODULES / path).is_dir()
]
# In production WhiteNoise serves only what ``collectstatic`` wrote into
# STATIC_ROOT: compressed copies (brotli, gzip) under names carrying a hash of
# their content, cached for ever by browsers. A release's files get new names, so
# the processes still running at a ``git pull`` serve the old ones whole
# (WhiteNoise reads each file's size once, at start: a source file changed under
# it would be cut off at its old length). ``make run`` (the embedded default on a
# slow link) does the same with LC_STATIC_COLLECTED=1 for its collectstatic and
# its server. Elsewhere (development, the tests) the source folders are served as
# they are, cached for a minute.
STATIC_COLLECTED = PRODUCTION or env_bool("LC_STATIC_COLLECTED")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_COLLECTED
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_COLLECTED
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "media"

# Accounts: e-mail login through allauth, a second factor for privileged roles
# (accounts/middleware.py), failed logins counted by axes.
AUTHENTICATION_BACKENDS = [
    # First: refuses any login while the account or the address is locked.
    "axes.backends.AxesStandaloneBackend",
    # allauth's (e-mail login), reading the logged-in person with one prepared query.
    "learningcities.accounts.backends.AuthenticationBackend",
    # Object permissions from the django-rules predicates in each app's rules.py.
    "rules.permissions.ObjectPermissionBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:my-work"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CHANGE_EMAIL = True  # a new address replaces the old one once it is verified
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_ADAPTER = "learningcities.accounts.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Failed logins are counted and locked by axes (wrong second-factor codes too:
# accounts/signals.py feeds them in); allauth's own counter would answer first
# with a different rule.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
MFA_ADAPTER = "learningcities.accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Learning cities"
# A code is also taken in the 30 seconds before and after its own (RFC 6238's
# allowance for the delay of the network and of the person typing on a slow
# link, and for a phone's clock a little off). A used code is refused for the
# whole span (allauth keeps it in the shared cache).
MFA_TOTP_TOLERANCE = 1
DEFAULT_FROM_EMAIL = os.environ.get("LC_DEFAULT_FROM_EMAIL", "learningcities@localhost")
LC_INVITATION_DAYS = int(os.environ.get("LC_INVITATION_DAYS", "14"))
# The site's public address, for links in e-mail (invitations).
LC_SITE_URL = os.environ.get("LC_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Unset, a link made while answering a request (an invitation) uses the address
# the server was reached at (its host checked against ALLOWED_HOSTS).
LC_SITE_URL_SET = bool(os.environ.get("LC_SITE_URL", "").strip())


def _origin(url: str) -> str:
    """Return ``scheme://host[:port]`` of ``url``."""
    parsed = urlsplit(url)
    return f"{parsed.scheme}://{parsed.netloc}"


# A form is accepted from the page's own origin (the scheme and the Host header
# the request arrived with) and from these. The site's public address is one:
# a proxy that passes the host name without the port (nginx's ``Host $host``)
# on any port but 443 would otherwise make every form fail.
CSRF_TRUSTED_ORIGINS = [
    _origin(LC_SITE_URL),
    *(
        origin.strip().rstrip("/")
        for origin in os.environ.get("LC_CSRF_TRUSTED_ORIGINS", "").split(",")
        if origin.strip()
    ),
]

LC_LOGIN_FAILURE_LIMIT = int(os.environ.get("LC_LOGIN_FAILURE_LIMIT", "10"))
LC_LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LC_LOGIN_ADDRESS_FAILURE_LIMIT", "100"))
LC_LOGIN_COOLOFF_MINUTES = int(os.environ.get("LC_LOGIN_COOLOFF_MINUTES", "15"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=LC_LOGIN_COOLOFF_MINUTES)
# Lock an account from one address, not from everywhere: whoever knows an
# e-mail address could otherwise keep its owner out, and one colleague's
# mistakes would lock a whole office behind its one address. An address on its
# own is locked only at the higher LC_LOGIN_ADDRESS_FAILURE_LIMIT, which axes
# (one limit for every parameter) cannot express: accounts/security.py applies
# it through the failure limit, reading axes's database records.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = "learningcities.accounts.security.login_failure_limit"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_USERNAME_CALLABLE = "learningcities.accounts.security.login_identifier"
AXES_LOCKOUT_CALLABLE = "learningcities.accounts.views.lockout.lockout_response"
# A success wipes no failure: the address's failures on other accounts still
# count towards its limit after a login to the attacker's own account.
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False
BEHIND_PROXY = env_bool("LC_BEHIND_PROXY")
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The connection's address, or behind the proxy the one it saw (django-ipware,
# which the AXES_IPWARE_* settings would need, is not installed).
AXES_CLIENT_IP_CALLABLE = "learningcities.common.proxy.client_address"

# Django's database sessions, loaded with one prepared query (common/sessions.py).
SESSION_ENGINE = "learningcities.common.sessions"
SESSION_COOKIE_AGE = int(float(os.environ.get("LC_SESSION_HOURS", "12")) * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("LC_SESSION_EXPIRE_AT_BROWSER_CLOSE")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("LC_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # The header only consents to preloading; submitting the domain to the
    # browsers' list stays the operator's act.
    SECURE_HSTS_PRELOAD = env_bool("LC_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^-/health$"]  # the load balancer asks over plain HTTP

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LC_LOG_LEVEL", "WARNING")},
}

# Background jobs (django.tasks): run at once by default; a database queue and
# ``learningcities db_worker`` processes in production (docs/scheduled-work.md).
LC_TASKS = os.environ.get("LC_TASKS", "immediate").strip().lower()
_TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if LC_TASKS not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"LC_TASKS must be one of {', '.join(_TASK_BACKENDS)}, not {LC_TASKS!r}"
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[LC_TASKS]}}
LC_JOB_MAX_ATTEMPTS = int(os.environ.get("LC_JOB_MAX_ATTEMPTS", "3"))

# Network policy defaults that are not per-call data.
LC_DIRECTORY_PAGE_SIZE = 25
LC_API_PAGE_SIZE = 50
LC_API_MAX_PAGE_SIZE = 500


def _rate_limit(value: str) -> tuple[int, int]:
    requests, _sep, seconds = value.partition("/")
    try:
        limit, window = int(requests), int(seconds or "60")
    except ValueError:
        raise ImproperlyConfigured(
            f"LC_API_RATE_LIMIT must be REQUESTS/SECONDS such as 600/60, not {value!r}"
        ) from None
    if limit < 0 or window < 1:
        raise ImproperlyConfigured(f"LC_API_RATE_LIMIT must be positive, not {value!r}")
    return limit, window


LC_API_RATE_LIMIT = _rate_limit(os.environ.get("LC_API_RATE_LIMIT", "600/60"))
# Webhooks may post to loopback and private addresses (a receiver on this
# machine or network): on by default, off in the production profile, where an
# organisation's webhook must not reach the installation's own services.
LC_WEBHOOK_PRIVATE_ADDRESSES = env_bool("LC_WEBHOOK_PRIVATE_ADDRESSES", not PRODUCTION)
# Map tiles are optional: by default nothing is fetched from outside.
LC_MAP_TILES_URL = os.environ.get("LC_MAP_TILES_URL", "")
LC_MAP_TILES_ATTRIBUTION = os.environ.get(
    "LC_MAP_TILES_ATTRIBUTION", "© OpenStreetMap contributors" if LC_MAP_TILES_URL else ""
)


def _tiles_origin(url: str) -> str | None:
    """Return the origin of a tile URL template, a wildcard standing for ``{s}``."""
    if not url:
        return None
    parsed = urlsplit(url)
    return f"{parsed.scheme}://{parsed.netloc.replace('{s}', '*')}"


# Content Security Policy: nothing inline, nothing from elsewhere, except the
# optional map tiles. Leaflet sets styles through the DOM, which CSP allows.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *filter(None, [_tiles_origin(LC_MAP_TILES_URL)])],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.NONE],  # system fonts only: no page downloads a font
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Mail (common/domain/outbox.py): every message is stored in the outbox first.
# The default mailer writes into the outbox, so mail sent through Django's API
# by libraries (allauth) is kept and shown like our own; the "transport" mailer
# really delivers and is used only by the outbox's sender.
from learningcities.common.mailconfig import parse_email_url  # noqa: E402 (needs nothing above)

_transport = parse_email_url(os.environ.get("LC_EMAIL_URL", ""))
LC_MAIL_ENABLED = _transport is not None
MAILERS = {
    "default": {"BACKEND": "learningcities.common.mail.OutboxEmailBackend"},
    "transport": _transport or {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"},
}
SERVER_EMAIL = DEFAULT_FROM_EMAIL
LC_MAIL_MAX_ATTEMPTS = int(os.environ.get("LC_MAIL_MAX_ATTEMPTS", "8"))

# Private documents (common/domain/documents.py): never under STATIC_ROOT or
# MEDIA_ROOT; served only through the documents view.
LC_PRIVATE_ROOT = Path(os.environ.get("LC_PRIVATE_ROOT", DATA_DIR / "private")).resolve()
STORAGES["private"] = {
    "BACKEND": "learningcities.common.storage.PrivateFileSystemStorage",
    "OPTIONS": {
        "location": str(LC_PRIVATE_ROOT),
        "directory_permissions_mode": 0o700,
        "file_permissions_mode": 0o600,
    },
}
if s3_bucket := os.environ.get("LC_S3_BUCKET"):
    # Web processes keep nothing on their own disk: any of them serves any document.
    STORAGES["private"] = {
        "BACKEND": "learningcities.common.storage_s3.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": s3_bucket,
            "endpoint_url": os.environ.get("LC_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("LC_S3_REGION") or None,
            "access_key": os.environ.get("LC_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("LC_S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("LC_S3_PREFIX", "").strip("/"),
            "default_acl": "private",
            "file_overwrite": False,
        },
    }
LC_MAX_UPLOAD_MB = int(os.environ.get("LC_MAX_UPLOAD_MB", "20"))
# Larger uploads stream to a temporary file rather than memory; the form part of
# a request stays small.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
LC_VIRUS_SCANNER = os.environ.get("LC_VIRUS_SCANNER", "")
