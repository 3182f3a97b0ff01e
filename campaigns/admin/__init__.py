"""The Django admin: every model, scoped to the user's organizations.

Importing the modules registers their ModelAdmins with the default site.
"""

from campaigns.admin import (
    accounts,
    alerts,
    campaigns,
    change_sets,
    metrics,
    recommendations,
    switches,
    tenancy,
)

__all__ = [
    "accounts",
    "alerts",
    "campaigns",
    "change_sets",
    "metrics",
    "recommendations",
    "switches",
    "tenancy",
]
