from campaigns.models.accounts import AdAccount, Autonomy, ExecutionMode, Platform
from campaigns.models.alerts import Alert, AlertKind, Severity
from campaigns.models.breaker import BreakerFields, BreakerState
from campaigns.models.campaigns import (
    AdGroup,
    AdGroupStatus,
    Audience,
    AudienceStatus,
    BudgetPool,
    Campaign,
    CampaignStatus,
)
from campaigns.models.change_sets import ChangeSet, ChangeSetStatus
from campaigns.models.launches import (
    Ad,
    AdKind,
    Asset,
    AssetKind,
    AssetReview,
    AssetSource,
    Brief,
    Keyword,
    MatchType,
    Objective,
    Verdict,
)
from campaigns.models.metrics import (
    DailyMetric,
    QuarantinedRow,
    QuarantineKind,
    SyncRun,
    SyncStatus,
)
from campaigns.models.policies import GuardrailPolicy
from campaigns.models.recommendations import (
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
    Risk,
    Source,
)
from campaigns.models.saved_filters import SavedFilter
from campaigns.models.search_terms import SearchTermDay
from campaigns.models.switch import ExecutionSwitch
from campaigns.models.tenancy import Membership, Organization, Role

__all__ = [
    "Ad",
    "AdAccount",
    "AdGroup",
    "AdGroupStatus",
    "AdKind",
    "Alert",
    "AlertKind",
    "Asset",
    "AssetKind",
    "AssetReview",
    "AssetSource",
    "Audience",
    "AudienceStatus",
    "Autonomy",
    "BreakerFields",
    "BreakerState",
    "Brief",
    "BudgetPool",
    "Campaign",
    "CampaignStatus",
    "ChangeSet",
    "ChangeSetStatus",
    "DailyMetric",
    "ExecutionMode",
    "ExecutionSwitch",
    "GuardrailPolicy",
    "Keyword",
    "MatchType",
    "Membership",
    "Objective",
    "Organization",
    "Platform",
    "QuarantineKind",
    "QuarantinedRow",
    "Recommendation",
    "RecommendationKind",
    "RecommendationStatus",
    "Risk",
    "Role",
    "SavedFilter",
    "SearchTermDay",
    "Severity",
    "Source",
    "SyncRun",
    "SyncStatus",
    "Verdict",
]
