"""Matrix entries of the library's feeds and of the practices API (practices/feeds.py, api.py).

Feeds and the API are public: every role reads them (a secretariat member
without a second factor is sent to set one up on pages, refused 403 by the
API). An unknown cluster or country answers its feed 404; a draft practice
answers the API 404, as a missing id does.
"""

from learningcities.api.urls import api
from learningcities.practices.api import router
from tests.practices.factories import make_practice
from tests.url_matrix.roles import API, MFA, PUBLIC, row

MISSING = row(404, 404, 404, 404, 404, 404, MFA)
API_MISSING = row(404, 404, 404, 404, 404, 404, 403)

ENTRIES = {
    "practices:feed-rss": PUBLIC,
    "practices:feed-atom": PUBLIC,
    "practices:cluster-feed-rss": PUBLIC,
    "practices:cluster-feed-atom": PUBLIC,
    "practices:country-feed-rss": PUBLIC,
    "practices:country-feed-atom": PUBLIC,
}
HIDDEN = {
    "practices:cluster-feed-rss": MISSING,
    "practices:cluster-feed-atom": MISSING,
    "practices:country-feed-rss": MISSING,
    "practices:country-feed-atom": MISSING,
}
# The API's operations count once the practices router is part of the project's API
# (api/urls.py); until then they have no URL, and an entry would be stale.
if any(registered is router for _prefix, registered in api._routers):
    ENTRIES |= {
        "api-v1:list_practices": API,
        "api-v1:get_practice": API,
        "api-v1:list_clusters": API,
        "api-v1:get_cluster": API,
    }
    HIDDEN |= {"api-v1:get_practice": API_MISSING, "api-v1:get_cluster": API_MISSING}


def build(context) -> tuple[dict, dict]:
    """A published practice and a draft; a cluster and a country, and codes that name none."""
    published = make_practice(publish=True, title="Matrix festival")
    draft = make_practice(title="Matrix draft")
    kwargs = {
        "practices:cluster-feed-rss": {"code": "literacy"},
        "practices:cluster-feed-atom": {"code": "literacy"},
        "practices:country-feed-rss": {"code": "de"},
        "practices:country-feed-atom": {"code": "de"},
        "api-v1:get_practice": {"id": published.pk},
        "api-v1:get_cluster": {"code": "literacy"},
    }
    hidden = {
        "practices:cluster-feed-rss": {"code": "no-such-cluster"},
        "practices:cluster-feed-atom": {"code": "no-such-cluster"},
        "practices:country-feed-rss": {"code": "zz"},
        "practices:country-feed-atom": {"code": "zz"},
        "api-v1:get_practice": {"id": draft.pk},
        "api-v1:get_cluster": {"code": "no-such-cluster"},
    }
    return kwargs, hidden
