"""Matrix rows of the site's furniture: the favicon every browser asks for."""

from tests.url_matrix.roles import ROLES, row

ENTRIES = {
    # Answered for everyone, second factor or not: a redirect to the static SVG icon.
    "favicon": row(*["redirect /static/lc/img/favicon.svg"] * len(ROLES)),
}
