from .invitations import Invitation
from .organisations import Affiliation, Organisation
from .tokens import ApiToken, ApiTokenUse
from .users import User

__all__ = ["Affiliation", "ApiToken", "ApiTokenUse", "Invitation", "Organisation", "User"]
