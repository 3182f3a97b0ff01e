from creative.models.brand import BrandRules
from creative.models.calls import AICall, AISpend, CallOutcome, Purpose
from creative.models.prices import ModelPrice
from creative.models.prompts import PromptStatus, PromptVersion
from creative.models.providers import AIProvider, AISettings, ProviderHealth
from creative.models.runs import PromptTestRun
from creative.models.summaries import CampaignSummary

__all__ = [
    "AICall",
    "AIProvider",
    "AISettings",
    "AISpend",
    "BrandRules",
    "CallOutcome",
    "CampaignSummary",
    "ModelPrice",
    "PromptStatus",
    "PromptTestRun",
    "PromptVersion",
    "ProviderHealth",
    "Purpose",
]
