"""A restore rebuilds the library's search index, which no backup holds."""

import pytest
from django.db import connection

from learningcities.common.domain.backups import restored
from learningcities.practices.domain.search import search_practices
from tests.practices.factories import make_practice

pytestmark = pytest.mark.django_db


def test_the_index_is_rebuilt_when_a_restore_succeeds():
    practice = make_practice(publish=True, title="Reading rooms on the ferries")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM practices_search")  # as after a restore: rows, no index
    assert search_practices("ferries").total == 0

    restored.send(sender=None, using="default")

    found = search_practices("ferries")
    assert [hit.practice_id for hit in found.hits] == [practice.pk]
