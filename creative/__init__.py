"""The AI layer: model providers, versioned prompts, validated structured output with
fallbacks, brand safety, and every call metered and priced.

It imports `campaigns` (organizations, campaigns, credentials, the URL policy) and is
imported only by the shell (settings, URLs) and its callers (the campaign launch).
"""
