"""The secretariat's register screens (network/views/workspace.py) in the role matrix.

Only the secretariat (and operators) open them; everyone else is refused
(403, anonymous people log in). An unknown city or membership answers 404 to
the secretariat.
"""

from tests.url_matrix.roles import LOGIN, MFA, SECRETARIAT, row

SECRETARIAT_MISSING = row(LOGIN, 403, 403, 403, 404, 404, MFA)

ENTRIES = {
    "network:register": SECRETARIAT,
    "network:register-city": SECRETARIAT,
    "network:register-membership-end": SECRETARIAT,
    "network:register-places": SECRETARIAT,
    "network:register-place": SECRETARIAT,
}

HIDDEN = {
    "network:register-city": SECRETARIAT_MISSING,
    "network:register-membership-end": SECRETARIAT_MISSING,
    "network:register-place": SECRETARIAT_MISSING,
}


def build(context) -> tuple[dict, dict]:
    """The coordinator's city (a member, with coordinates) and its active membership."""
    city = context["city_org"].city
    membership = city.memberships.get()
    kwargs = {
        "network:register-city": {"pk": city.pk},
        "network:register-membership-end": {"pk": membership.pk},
        "network:register-place": {"pk": city.pk},
    }
    hidden_kwargs = {name: {"pk": 999_999} for name in HIDDEN}
    return kwargs, hidden_kwargs
