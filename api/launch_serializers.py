"""What the API shows and accepts of a launch: the brief, its review, its assets.

Shape only: a brief's values are judged by the launch service (brief_validate), which
answers a message per field; the API passes them on in its error shape.
"""

from rest_framework import serializers

from api.fields import ScopedPrimaryKeyRelatedField, StrictInputMixin
from campaigns.models import AdAccount, Asset, Brief, CampaignStatus, MatchType, Objective


def _money(**kw):
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kw)


class BriefSerializer(serializers.ModelSerializer):
    """A brief with the campaign it launches: its state and what the launch learnt."""

    name = serializers.CharField(source="campaign.name", read_only=True)
    account = serializers.IntegerField(source="campaign.account_id", read_only=True)
    platform = serializers.CharField(source="campaign.account.platform", read_only=True)
    currency = serializers.CharField(source="campaign.account.currency", read_only=True)
    status = serializers.ChoiceField(
        source="campaign.status", choices=CampaignStatus.choices, read_only=True
    )
    daily_budget = _money(source="campaign.daily_budget", read_only=True)
    total_budget = _money(source="campaign.total_spend_limit", read_only=True, allow_null=True)
    target_cpa = serializers.DecimalField(
        source="campaign.target_cpa",
        max_digits=12,
        decimal_places=2,
        read_only=True,
        allow_null=True,
    )
    target_roas = serializers.DecimalField(
        source="campaign.target_roas",
        max_digits=8,
        decimal_places=2,
        read_only=True,
        allow_null=True,
    )
    locations = serializers.ListField(child=serializers.CharField(), read_only=True)
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    selling_points = serializers.ListField(child=serializers.CharField(), read_only=True)
    review_flags = serializers.ListField(child=serializers.CharField(), read_only=True)
    approved_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Brief
        fields = [
            "id",
            "campaign",
            "name",
            "account",
            "platform",
            "currency",
            "status",
            "objective",
            "daily_budget",
            "total_budget",
            "target_cpa",
            "target_roas",
            "start_date",
            "end_date",
            "locations",
            "languages",
            "product",
            "landing_url",
            "selling_points",
            "prices",
            "audience_notes",
            "brand_notes",
            "excluded_terms",
            "text_only",
            "review_flags",
            "failure_reason",
            "approved_by",
            "approved_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


def _words(limit: int, **kw):
    return serializers.ListField(child=serializers.CharField(max_length=limit), max_length=20, **kw)


class BriefCreateSerializer(StrictInputMixin, serializers.Serializer):
    """A new brief: a DRAFT campaign on the account (its platform and currency)."""

    account = ScopedPrimaryKeyRelatedField(
        queryset=AdAccount.objects.filter(is_active=True), permission="campaigns.add_brief"
    )
    name = serializers.CharField(max_length=255, help_text="The campaign's name on the platform.")
    objective = serializers.ChoiceField(choices=Objective.choices)
    target_cpa = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="For conversions: the cost per action to aim for, in the account's currency.",
    )
    target_roas = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="For conversion value: the return on ad spend to aim for, e.g. 4.5.",
    )
    daily_budget = _money(help_text="In the account's currency, within the organization's limits.")
    total_budget = _money(required=False, allow_null=True)
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True)
    locations = _words(80, help_text="Countries or regions, e.g. ['GB', 'Manchester'].")
    languages = _words(8, help_text="Language codes, e.g. ['en'].")
    product = serializers.CharField(max_length=200)
    landing_url = serializers.CharField(max_length=2000)
    selling_points = _words(80)
    prices = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    audience_notes = serializers.CharField(
        max_length=4000, required=False, default="", allow_blank=True
    )
    brand_notes = serializers.CharField(
        max_length=4000, required=False, default="", allow_blank=True
    )
    excluded_terms = _words(
        80,
        required=False,
        default=list,
        help_text="Words the offer excludes, e.g. ['free', 'jobs']: search terms with them "
        "are proposed as negative keywords.",
    )


class ResetSerializer(StrictInputMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="Why the launch goes back to draft.")


class AssetTextSerializer(StrictInputMixin, serializers.Serializer):
    text = serializers.CharField(max_length=300, help_text="The new text; checked for safety.")


class AssetNoteSerializer(StrictInputMixin, serializers.Serializer):
    note = serializers.CharField(required=False, default="", max_length=500, allow_blank=True)


class AssetSerializer(serializers.ModelSerializer):
    """One headline, description or image, its brand-safety verdict and its review."""

    ad_group = serializers.IntegerField(source="ad.ad_group_id", read_only=True)
    verdict_reasons = serializers.ListField(child=serializers.CharField(), read_only=True)
    deployable = serializers.BooleanField(
        read_only=True, help_text="Goes to the platform: checked, not rejected, safe or passed."
    )

    class Meta:
        model = Asset
        fields = [
            "id",
            "campaign",
            "ad",
            "ad_group",
            "kind",
            "position",
            "text",
            "image_url",
            "source",
            "verdict",
            "verdict_reasons",
            "review",
            "review_note",
            "deployable",
            "updated_at",
        ]
        read_only_fields = fields


class KeywordSerializer(serializers.Serializer):
    text = serializers.CharField()
    match_type = serializers.ChoiceField(choices=MatchType.choices)


class NegativeKeywordSerializer(KeywordSerializer):
    ad_group = serializers.IntegerField(
        source="ad_group_id", allow_null=True, help_text="Empty: a negative of the whole campaign."
    )


class AdGroupPlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    bid = _money()
    keywords = KeywordSerializer(many=True)


class AdSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ad_group = serializers.IntegerField()
    kind = serializers.CharField()
    final_url = serializers.CharField()
    assets = AssetSerializer(many=True)


class LaunchReviewSerializer(serializers.Serializer):
    """What a reviewer sees: the strategy, every ad with its assets, the flags, the cost
    and, while the launch waits for review, what stands in the way of approving it."""

    brief = serializers.IntegerField()
    campaign = serializers.IntegerField()
    status = serializers.ChoiceField(choices=CampaignStatus.choices)
    ad_groups = AdGroupPlanSerializer(many=True)
    negative_keywords = NegativeKeywordSerializer(many=True)
    audience_suggestions = serializers.ListField(child=serializers.JSONField())
    ads = AdSerializer(many=True)
    review_flags = serializers.ListField(child=serializers.CharField())
    text_only = serializers.BooleanField()
    cost = serializers.DecimalField(
        max_digits=14, decimal_places=6, help_text="The launch's AI calls so far, in US dollars."
    )
    problems = serializers.ListField(
        child=serializers.CharField(),
        help_text="Why the launch cannot be approved now (empty: it can). Only in review.",
    )
