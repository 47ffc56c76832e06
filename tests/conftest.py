import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _clear_cache():
    # Cached pages and statistics are keyed by the register's revision, which
    # restarts with every test database; a cache left by an earlier test must
    # not answer for a later one.
    from learningcities.network.domain.queries.revision import clear_local_memo

    cache.clear()
    clear_local_memo()
    yield
    cache.clear()
    clear_local_memo()


@pytest.fixture(autouse=True)
def _default_language():
    # A request to a /fr/ page leaves French active in this thread, and
    # reverse() would then build /fr/ URLs for the next test.
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def private_root(settings, tmp_path):
    """Point the private storage (letters, evidence, certificates) at a folder of this test."""
    root = tmp_path / "private"
    settings.LC_PRIVATE_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "learningcities.common.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


@pytest.fixture
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    return f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('HOST') or ''}".rstrip()
