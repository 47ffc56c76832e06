"""The public verification of certificates (calls/views/certificates.py) in the role matrix.

Everyone opens them; an unknown number answers 404 (with the form). The
certificate itself is made by ``reviews_decisions.build``.
"""

from tests.url_matrix.roles import MFA, PUBLIC, row

ENTRIES = {
    "calls:certificate-lookup": PUBLIC,
    "calls:certificate": PUBLIC,
}

HIDDEN = {"calls:certificate": row(404, 404, 404, 404, 404, 404, MFA)}
