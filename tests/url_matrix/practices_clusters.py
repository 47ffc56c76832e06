"""Clusters and cities like mine (practices/views/clusters.py, peers.py) in the role matrix.

Everyone reads the clusters. Writing to a cluster is for its lead cities'
coordinators (the matrix's coordinator's city leads the Literacy cluster) and
the secretariat; the actions answer POST only. A city's peers page is for its
coordinators and the secretariat (to read); writing to a city is for the
coordinators of another city.
"""

from learningcities.practices.domain.clusters import ask_to_join, decide_request, set_cluster_role
from learningcities.practices.enums import ClusterCode, ClusterRole
from learningcities.practices.models import Cluster
from tests.url_matrix.roles import LOGIN, MFA, POST_ONLY, PUBLIC, row

LEADS_AND_SECRETARIAT = row(LOGIN, 200, 403, 403, 200, 200, MFA)

ENTRIES = {
    "practices:clusters": PUBLIC,
    "practices:cluster": PUBLIC,
    "practices:cluster-join": POST_ONLY,
    "practices:cluster-decide": POST_ONLY,
    "practices:cluster-role": POST_ONLY,
    "practices:cluster-message": LEADS_AND_SECRETARIAT,
    "practices:peers": LEADS_AND_SECRETARIAT,
    "practices:contact-city": row(LOGIN, 200, 403, 403, 403, 403, MFA),
}

HIDDEN = {
    "practices:cluster": row(404, 404, 404, 404, 404, 404, MFA),
    "practices:cluster-message": row(LOGIN, 404, 404, 404, 404, 404, MFA),
    # Another city's peers: its coordinators' and the secretariat's only.
    "practices:peers": row(LOGIN, 403, 403, 403, 200, 200, MFA),
    # One's own city: nobody writes to it from here.
    "practices:contact-city": row(LOGIN, 403, 403, 403, 403, 403, MFA),
}


def build(context) -> tuple[dict, dict]:
    """The coordinator's city (a member of the network) leads the Literacy cluster."""
    cluster = Cluster.objects.get(code=ClusterCode.LITERACY)
    city = context["city_org"].city
    secretariat = context["people"]["secretariat"]
    membership = ask_to_join(cluster, city=city, actor=context["people"]["coordinator"])
    membership = decide_request(membership, accept=True, actor=secretariat)
    set_cluster_role(membership, role=ClusterRole.LEAD, actor=secretariat)
    code = {"code": cluster.code}
    kwargs = {
        "practices:cluster": code,
        "practices:cluster-join": code,
        "practices:cluster-decide": {**code, "pk": membership.pk},
        "practices:cluster-role": {**code, "pk": membership.pk},
        "practices:cluster-message": code,
        "practices:peers": {"pk": city.pk},
        "practices:contact-city": {"pk": context["other_org"].city.pk},
    }
    hidden = {
        "practices:cluster": {"code": "astrology"},
        "practices:cluster-message": {"code": "astrology"},
        "practices:peers": {"pk": context["other_org"].city.pk},
        "practices:contact-city": {"pk": city.pk},
    }
    return kwargs, hidden
