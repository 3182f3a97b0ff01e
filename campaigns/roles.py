"""What each organization role may do, as Django permission names.

Roles are cumulative: an approver can do everything an analyst can.
Django's admin and DRF ask `user.has_perm("campaigns.x")`; the
MembershipRoleBackend answers from these sets.
"""

from campaigns.models.tenancy import Role

_MODELS = [
    "organization",
    "membership",
    "adaccount",
    "campaign",
    "adgroup",
    "audience",
    "dailymetric",
    "quarantinedrow",
    "syncrun",
    "guardrailpolicy",
    "recommendation",
    "alert",
    "budgetpool",
    "changeset",
    "brief",
    "keyword",
    "ad",
    "asset",
]
_OPTIMIZER_MODELS = ["optimizationrun", "seasonalevent"]
_EXECUTOR_MODELS = ["executionlog", "circuitbreaker", "apiquotausage"]
_EXPERIMENT_MODELS = ["experiment", "experimentarm", "experimentunit", "readout"]
_CREATIVE_MODELS = ["aiprovider", "aisettings", "brandrules", "aicall"]

VIEWER = frozenset(
    [f"campaigns.view_{m}" for m in _MODELS]
    + [f"optimizer.view_{m}" for m in _OPTIMIZER_MODELS]
    + [f"executors.view_{m}" for m in _EXECUTOR_MODELS]
    + [f"creative.view_{m}" for m in _CREATIVE_MODELS]
    + ["spectra.view_accountcycle", "spectra.view_cyclerun"]
    + [f"experiments.view_{m}" for m in _EXPERIMENT_MODELS]
)
ANALYST = VIEWER | {
    "optimizer.add_seasonalevent",
    "optimizer.change_seasonalevent",
    "optimizer.delete_seasonalevent",
    "optimizer.run_optimization",
    "campaigns.change_campaign",
    "campaigns.change_spend_limits",
    "campaigns.transition_campaign",
    "campaigns.acknowledge_alert",
    "campaigns.change_alert",
    # a launch: write the brief, edit, reject and regenerate its assets
    "campaigns.add_brief",
    "campaigns.change_brief",
    "campaigns.change_asset",
    # an experiment: plan it (its design, duration and what it can detect)
    "experiments.plan_experiment",
    "experiments.add_experiment",
}
APPROVER = ANALYST | {
    "campaigns.approve_recommendation",
    "campaigns.reject_recommendation",
    "campaigns.rollback_recommendation",
    "campaigns.change_recommendation",
    "campaigns.approve_launch",
    # an experiment: start it (it holds campaigns), stop it, ship it to all
    "experiments.start_experiment",
}
ADMIN = APPROVER | {
    "campaigns.change_organization",
    "campaigns.add_membership",
    "campaigns.change_membership",
    "campaigns.delete_membership",
    "campaigns.add_adaccount",
    "campaigns.change_adaccount",
    "campaigns.change_execution_mode",
    "campaigns.flip_execution_switch",
    "campaigns.add_guardrailpolicy",
    "campaigns.change_guardrailpolicy",
    "campaigns.change_quarantinedrow",
    "campaigns.add_budgetpool",
    "campaigns.change_budgetpool",
    "spectra.change_accountcycle",
    "creative.add_aiprovider",
    "creative.change_aiprovider",
    "creative.add_aisettings",
    "creative.change_aisettings",
    "creative.add_brandrules",
    "creative.change_brandrules",
}

PERMISSIONS_BY_ROLE: dict[str, frozenset[str]] = {
    Role.VIEWER: VIEWER,
    Role.ANALYST: frozenset(ANALYST),
    Role.APPROVER: frozenset(APPROVER),
    Role.ADMIN: frozenset(ADMIN),
}


def role_allows(role: str, permission: str) -> bool:
    return permission in PERMISSIONS_BY_ROLE.get(role, frozenset())
