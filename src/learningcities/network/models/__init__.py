from .cities import City
from .cohorts import Cohort
from .countries import Country
from .memberships import Membership
from .revision import NetworkRevision

__all__ = ["City", "Cohort", "Country", "Membership", "NetworkRevision"]
