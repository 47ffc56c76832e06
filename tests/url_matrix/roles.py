"""Roles and outcome shorthands of the URL matrix, shared by the area modules."""

LOGIN, MFA, ADMIN_LOGIN, HOME, REAUTH = "login", "mfa", "admin-login", "home", "reauth"
ROLES = ("anonymous", "coordinator", "endorser", "juror", "secretariat", "admin", "no_totp")


def row(*outcomes) -> dict:
    assert len(outcomes) == len(ROLES)
    return dict(zip(ROLES, outcomes, strict=True))


# anonymous, coordinator, endorser, juror, secretariat, admin, no_totp (secretariat w/o TOTP)
PUBLIC = row(200, 200, 200, 200, 200, 200, MFA)
API = row(200, 200, 200, 200, 200, 200, 403)  # an API call with a session cannot do MFA set-up
LOGGED_IN = row(LOGIN, 200, 200, 200, 200, 200, MFA)
SECRETARIAT = row(LOGIN, 403, 403, 403, 200, 200, MFA)
POST_ONLY = row(405, 405, 405, 405, 405, 405, MFA)
ANONYMOUS_PAGE = row(200, HOME, HOME, HOME, HOME, HOME, MFA)
