"""Permission rules of the register: everyone reads it, only the secretariat changes it."""

import rules

from learningcities.common.rules import is_secretariat

# The register is public: cities, countries, cohorts, statistics, open data.
rules.add_perm("network.view_register", rules.always_allow)
# Admitting cities, correcting memberships, creating cohorts, importing.
rules.add_perm("network.change_register", is_secretariat)
