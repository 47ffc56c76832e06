import pytest
from django.conf import settings
from django.core.cache import cache
from django.test.utils import override_settings
from django.utils import translation


@pytest.fixture(scope="session", autouse=True)
def _process_cache():
    # Test processes (pytest-xdist workers) share LC_DATA_DIR: the installation's
    # file cache there would be cleared by one worker under another's feet.
    # Each test process keeps its own cache in memory instead; the file cache
    # shared by several processes is exercised by tests/deploy.
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ):
        yield


@pytest.fixture(scope="session", autouse=True)
def _revisions_read_each_time():
    # A test database's writes are rolled back, never committed: no notification
    # would tell a process that kept a revision (common.changes) that it is gone.
    # tests/common/test_changes_pg.py turns the watch on where it tests it.
    with override_settings(LC_WATCH_CHANGES=False):
        yield


@pytest.fixture
def watching(settings):
    """Turn the watch on (PostgreSQL only) and wait until it listens; stop it after."""
    from learningcities.common.changes import watch
    from learningcities.network.domain.queries.revision import current_revision
    from learningcities.network.domain.revision import bump_network_revision
    from tests.watching import wait_until

    settings.LC_WATCH_CHANGES = True
    bump_network_revision()
    current_revision()  # starts the listening thread
    wait_until(lambda: watch.listening, "the watch listens")
    yield watch
    watch.stop()


@pytest.fixture(scope="session", autouse=True)
def _static_files_looked_up_on_request():
    # Every test Client loads the middleware anew, and WhiteNoise, unless it
    # refreshes, walks every static file of the finders at that moment (about
    # 90 ms a client, minutes of a run). Tests ask for few static files: it
    # looks each up when asked instead. tests/common/test_static_files.py
    # checks the production set-up (collected, not refreshed) on its own.
    with override_settings(WHITENOISE_AUTOREFRESH=True):
        yield


@pytest.fixture(scope="session", autouse=True)
def _private_storage(tmp_path_factory):
    # Documents stored by a test never land in the developer's own installation
    # (./var/private), and run-scheduled's sweep, which deletes day-old files no
    # row of the test database holds, never looks there. ``private_root`` gives
    # a test a folder of its own.
    root = tmp_path_factory.mktemp("private")
    with override_settings(
        LC_PRIVATE_ROOT=root,
        STORAGES={
            **settings.STORAGES,
            "private": {
                "BACKEND": "learningcities.common.storage.PrivateFileSystemStorage",
                "OPTIONS": {"location": str(root)},
            },
        },
    ):
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    # Cached pages and statistics are keyed by the register's revision, which
    # restarts with every test database; a cache left by an earlier test must
    # not answer for a later one.
    from learningcities.common.memo import clear_local_memos

    cache.clear()
    clear_local_memos()
    yield
    cache.clear()
    clear_local_memos()


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
