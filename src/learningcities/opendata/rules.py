"""Who may manage webhooks: the people whose role allows API tokens, and the secretariat."""

import rules

from learningcities.accounts.rules import may_use_api

rules.add_perm("opendata.view_webhooks", may_use_api)
