import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    # Cached pages and statistics are keyed by the register's revision, which
    # restarts with every test database; a cache left by an earlier test must
    # not answer for a later one.
    cache.clear()
    yield
    cache.clear()
