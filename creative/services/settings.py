"""An organization's AI budget and brand rules, changed by its admins."""

from django.db import transaction

from campaigns.auth import authorize
from creative.models import AISettings, BrandRules


def _terms(values) -> list[str]:
    return list(dict.fromkeys(str(v).strip() for v in values or [] if str(v).strip()))


def ai_settings_save(*, settings_row: AISettings, actor) -> AISettings:
    authorize(actor, "creative.change_aisettings", settings_row.organization)
    settings_row.full_clean()
    with transaction.atomic():
        settings_row.save()
    return settings_row


def brand_rules_save(*, rules: BrandRules, actor) -> BrandRules:
    """Terms are kept trimmed and once each (a blank line in a form is not a term)."""
    authorize(actor, "creative.change_brandrules", rules.organization)
    rules.banned_terms = _terms(rules.banned_terms)
    rules.required_terms = _terms(rules.required_terms)
    rules.competitor_names = _terms(rules.competitor_names)
    rules.claims_needing_substantiation = _terms(rules.claims_needing_substantiation)
    rules.full_clean()
    with transaction.atomic():
        rules.save()
    return rules
