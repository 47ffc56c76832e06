import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _clear_cache():
    # Cached pages and statistics are keyed by the register's revision, which
    # restarts with every test database; a cache left by an earlier test must
    # not answer for a later one.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    # A request to a /fr/ page leaves French active in this thread, and
    # reverse() would then build /fr/ URLs for the next test.
    translation.activate("en")
    yield
    translation.deactivate()
