"""The secretariat's background jobs page (common/views/jobs.py) in the role matrix.

The list is the secretariat's only; retrying is a POST (a GET answers 405). An
unknown job answers 404 to the secretariat.
"""

import uuid

from tests.url_matrix.roles import POST_ONLY, SECRETARIAT

ENTRIES = {
    "common:jobs": SECRETARIAT,
    "common:job-retry": POST_ONLY,
}

HIDDEN: dict = {}


def build(context) -> tuple[dict, dict]:
    return {"common:job-retry": {"pk": uuid.uuid4()}}, {}
