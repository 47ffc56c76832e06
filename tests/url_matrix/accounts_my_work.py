"""Matrix entries of "My work" (accounts) and the endorser's history (calls).

"My work" is every logged-in person's landing page, whatever their roles (a
person with none is told so); the history is the endorsers' only (operators
too are refused: they do not endorse).
"""

from tests.url_matrix.roles import LOGGED_IN, LOGIN, MFA, row

ENTRIES = {
    "accounts:my-work": LOGGED_IN,
    "calls:endorsement-history": row(LOGIN, 403, 200, 403, 403, 403, MFA),
}

HIDDEN: dict = {}
