"""The site's search page (common/views/site_search.py): public, like what it finds."""

from tests.url_matrix.roles import PUBLIC

ENTRIES = {"common:search": PUBLIC}
