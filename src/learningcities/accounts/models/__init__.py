from .invitations import Invitation
from .organisations import Affiliation, Organisation
from .users import User

__all__ = ["Affiliation", "Invitation", "Organisation", "User"]
