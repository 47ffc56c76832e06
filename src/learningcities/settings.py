"""Settings for learningcities, read from the environment (prefix ``LC_``).

Every variable, with its embedded default:

==================  ==========================================================
LC_DATA_DIR         where the embedded installation keeps its files (``./var``)
LC_DATABASE_URL     database URL (default: SQLite at ``$LC_DATA_DIR/db.sqlite3``)
LC_SECRET_KEY       secret key (default: generated once into ``$LC_DATA_DIR``)
LC_DEBUG            ``1``/``true`` for debug pages (default: off)
LC_ALLOWED_HOSTS    comma-separated host names (default: localhost names)
LC_CACHE_URL        ``redis://...`` for a shared cache (default: process memory)
LC_TIME_ZONE        the secretariat's time zone (default: ``UTC``)
LC_MAP_TILES_URL    a tile server URL template for the map, such as
                    ``https://tile.openstreetmap.org/{z}/{x}/{y}.png`` (default:
                    none; the map draws packaged country outlines only)
LC_MAP_TILES_ATTRIBUTION  the credit line the tile server asks for
==================  ==========================================================
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("LC_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("LC_SECRET_KEY"):
        return key
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

DEBUG = env_bool("LC_DEBUG")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("LC_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # its templates and static files: API docs that work offline
    "learningcities.common",
    "learningcities.accounts",
    "learningcities.network",
    "learningcities.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "learningcities.common.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

if cache_url := os.environ.get("LC_CACHE_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": cache_url}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
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
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("LC_TIME_ZONE", "UTC")
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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "media"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LC_LOG_LEVEL", "WARNING")},
}

# Network policy defaults that are not per-call data.
LC_DIRECTORY_PAGE_SIZE = 25
LC_API_PAGE_SIZE = 50
LC_API_MAX_PAGE_SIZE = 500
# Map tiles are optional: by default nothing is fetched from outside.
LC_MAP_TILES_URL = os.environ.get("LC_MAP_TILES_URL", "")
LC_MAP_TILES_ATTRIBUTION = os.environ.get(
    "LC_MAP_TILES_ATTRIBUTION", "© OpenStreetMap contributors" if LC_MAP_TILES_URL else ""
)
