"""What the API shows and accepts. Serializers validate shape only; writes go to services.

Secrets never leave: accounts show `has_credentials`, never the ciphertext;
credentials are accepted write-only and handed to the credentials service.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.backends.base.operations import BaseDatabaseOperations
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import ScopedPrimaryKeyRelatedField, StrictInputMixin
from campaigns.credentials import (
    CREDENTIAL_KEYS,
    credential_key_names,
    organization_webhook_display,
    unknown_credential_names,
    unknown_credentials_message,
)
from campaigns.models import (
    AdAccount,
    AdGroup,
    Alert,
    Audience,
    Campaign,
    ChangeSet,
    DailyMetric,
    ExecutionMode,
    ExecutionSwitch,
    GuardrailPolicy,
    Organization,
    Platform,
    Recommendation,
    RecommendationKind,
)
from campaigns.models.accounts import validate_account_api_url
from campaigns.models.tenancy import WEBHOOK_URL_VALIDATORS
from campaigns.services.campaigns import PERSON_TRANSITIONS, campaign_pending_status_change
from executors.models import ExecutionLog
from optimizer.models import OptimizationRun

# The SQL standard's ranges (PostgreSQL's), not the configured database's.
PORTABLE_INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges


class ErrorSerializer(serializers.Serializer):
    """The one shape of every error (see api.errors)."""

    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(required=False)
    current_state = serializers.CharField(required=False)
    rule = serializers.CharField(required=False)
    quota = serializers.CharField(required=False)
    retry_after = serializers.IntegerField(required=False)
    problems = serializers.ListField(child=serializers.CharField(), required=False)


class ModelSerializer(StrictInputMixin, serializers.ModelSerializer):
    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        portable = PORTABLE_INTEGER_RANGES.get(model_field.get_internal_type())
        if portable is not None:
            # SQLite stores 64-bit integers in every integer column, PostgreSQL does not:
            # accept only what both hold, so the API (and its schema) is the same on both.
            low, high = portable
            kwargs["min_value"] = max(kwargs.get("min_value", low), low)
            kwargs["max_value"] = min(kwargs.get("max_value", high), high)
        return field_class, kwargs


class OrganizationSerializer(ModelSerializer):
    # Write-only, like credentials: the URL's path is the secret of a Slack or Teams hook.
    webhook_url = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=2000,
        validators=WEBHOOK_URL_VALIDATORS,
        help_text='Replace the alert webhook URL ("" removes it). Never shown again.',
    )
    webhook = serializers.SerializerMethodField(
        help_text='The webhook masked to its host ("set: https://hooks.slack.com/…"), or "not set".'
    )

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "slug",
            "webhook_url",
            "webhook",
            "execution_enabled",
            "api_requests_per_minute",
            "max_accounts",
            "max_concurrent_executions",
            "created_at",
        ]
        read_only_fields = [
            "execution_enabled",
            "api_requests_per_minute",
            "max_accounts",
            "max_concurrent_executions",
        ]

    def get_webhook(self, organization) -> str:
        return organization_webhook_display(organization)


class AccountSerializer(ModelSerializer):
    organization = ScopedPrimaryKeyRelatedField(
        queryset=Organization.objects.all(), permission="campaigns.add_adaccount"
    )
    reason = serializers.CharField(write_only=True, required=False, default="", max_length=500)

    class Meta:
        model = AdAccount
        fields = [
            "id",
            "organization",
            "name",
            "platform",
            "external_id",
            "currency",
            "time_zone",
            "execution_mode",
            "autonomy",
            "api_base_url",
            "is_active",
            "has_credentials",
            "last_synced_at",
            "created_at",
            "reason",
        ]
        read_only_fields = ["execution_mode", "has_credentials", "last_synced_at"]
        extra_kwargs = {
            "api_base_url": {
                "help_text": "Platform API root. Changing it drops the stored credentials "
                "(has_credentials turns false; the history says why): set them again "
                "with POST /accounts/{id}/credentials/."
            }
        }
        validators = []  # uniqueness is the database's answer (409), checked inside the tenant

    def validate(self, attrs):
        attrs = super().validate(attrs)
        # DRF does not run the model's clean(): the platform's own host check runs here.
        instance = getattr(self, "instance", None)
        platform = attrs.get("platform") or getattr(instance, "platform", "")
        url = attrs.get("api_base_url") or getattr(instance, "api_base_url", "")
        try:
            validate_account_api_url(platform, url)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from None
        return attrs


class AccountUpdateSerializer(AccountSerializer):
    """An existing account: organization and platform are fixed."""

    organization = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(AccountSerializer.Meta):
        read_only_fields = [*AccountSerializer.Meta.read_only_fields, "platform"]


class ExecutionModeSerializer(StrictInputMixin, serializers.Serializer):
    mode = serializers.ChoiceField(choices=ExecutionMode.choices)
    reason = serializers.CharField(max_length=500)


class CredentialsSerializer(StrictInputMixin, serializers.Serializer):
    """Needs the account in its context: the platform decides which names are accepted."""

    values = serializers.DictField(
        child=serializers.CharField(max_length=4000, allow_blank=True, trim_whitespace=False),
        help_text=(
            "Credential names and values for the account's platform; blank keeps a value. "
            + "; ".join(
                f"{Platform(platform).label}: {', '.join(credential_key_names(platform))}"
                for platform in CREDENTIAL_KEYS
            )
            + "."
        ),
    )

    def validate_values(self, values: dict[str, str]) -> dict[str, str]:
        platform = self.context["account"].platform
        unknown = unknown_credential_names(platform, values)
        if unknown:
            raise serializers.ValidationError(
                {name: [unknown_credentials_message(platform, [name])] for name in unknown}
            )
        return values


class CampaignSerializer(ModelSerializer):
    reason = serializers.CharField(write_only=True, required=False, default="", max_length=500)
    pending_status_change = serializers.SerializerMethodField(
        help_text="'pausing' or 'resuming' while a person's pause/resume is on its way to "
        "the platform (status changes once the platform confirms); else null."
    )
    status_change_message = serializers.SerializerMethodField(
        help_text="After a pause/resume: what happens, in words (under way, or simulated in "
        "a dry-run account)."
    )

    @extend_schema_field({"type": "string", "enum": ["pausing", "resuming"], "nullable": True})
    def get_pending_status_change(self, obj) -> str | None:
        if not hasattr(obj, "pending_status_change"):  # not read through the viewset's queryset
            change = campaign_pending_status_change(obj)
            obj.pending_status_change = change.kind if change else None
        return {"pause": "pausing", "resume": "resuming"}.get(obj.pending_status_change)

    def get_status_change_message(self, obj) -> str | None:
        return getattr(obj, "status_change_message", None)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "account",
            "budget_pool",
            "external_id",
            "name",
            "status",
            "daily_budget",
            "max_daily_spend",
            "total_spend_limit",
            "spend_to_date",
            "spend_today",
            "target_roas",
            "target_cpa",
            "is_pinned",
            "last_significant_change_at",
            "pending_status_change",
            "status_change_message",
            "created_at",
            "updated_at",
            "reason",
        ]
        read_only_fields = [
            "account",
            "budget_pool",
            "external_id",
            "name",
            "status",
            "daily_budget",
            "spend_to_date",
            "spend_today",
            "last_significant_change_at",
        ]
        extra_kwargs = {
            name: {"min_value": Decimal("0.01")}
            for name in ("max_daily_spend", "total_spend_limit", "target_roas", "target_cpa")
        }


class CampaignTransitionSerializer(StrictInputMixin, serializers.Serializer):
    transition = serializers.ChoiceField(choices=sorted(PERSON_TRANSITIONS))
    reason = serializers.CharField(max_length=500)


class CampaignRollbackSerializer(StrictInputMixin, serializers.Serializer):
    history_id = serializers.IntegerField(
        min_value=1, help_text="The version to restore: a history id from the campaign's versions."
    )
    note = serializers.CharField(required=False, default="", max_length=500)


class AdGroupSerializer(ModelSerializer):
    class Meta:
        model = AdGroup
        fields = [
            "id",
            "campaign",
            "external_id",
            "name",
            "status",
            "bid",
            "quality_score",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AudienceSerializer(ModelSerializer):
    class Meta:
        model = Audience
        fields = [
            "id",
            "account",
            "external_id",
            "name",
            "status",
            "intent_score",
            "fatigue_score",
            "estimated_profiles",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class DailyMetricSerializer(ModelSerializer):
    class Meta:
        model = DailyMetric
        fields = [
            "id",
            "campaign",
            "ad_group",
            "date",
            "impressions",
            "clicks",
            "conversions",
            "conversion_value",
            "spend",
            "synced_at",
        ]
        read_only_fields = fields


class OptimizationRunSerializer(ModelSerializer):
    class Meta:
        model = OptimizationRun
        fields = [
            "id",
            "account",
            "as_of",
            "window_start",
            "window_end",
            "status",
            "policy_version",
            "proposed",
            "held",
            "superseded",
            "summary",
            "error",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class RecommendationSerializer(ModelSerializer):
    decided_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "account",
            "campaign",
            "ad_group",
            "audience",
            "kind",
            "status",
            "source",
            "current_value",
            "proposed_value",
            "reason",
            "evidence",
            "confidence",
            "expected_impact",
            "risk",
            "policy_version",
            "requires_approval",
            "decided_by",
            "decided_at",
            "decision_note",
            "expires_at",
            "run",
            "change_set",
            "rollback_of",
            "attempts",
            "executed_at",
            "outcome_detail",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ProposalSerializer(StrictInputMixin, serializers.Serializer):
    kind = serializers.ChoiceField(choices=[RecommendationKind.BUDGET, RecommendationKind.BID])
    campaign = ScopedPrimaryKeyRelatedField(
        queryset=Campaign.objects.select_related("account"),
        permission="campaigns.change_campaign",
        required=False,
        allow_null=True,
        default=None,
    )
    ad_group = ScopedPrimaryKeyRelatedField(
        queryset=AdGroup.objects.select_related("campaign__account"),
        permission="campaigns.change_campaign",
        required=False,
        allow_null=True,
        default=None,
    )
    proposed_value = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0")
    )
    reason = serializers.CharField(max_length=2000)


class DecisionSerializer(StrictInputMixin, serializers.Serializer):
    note = serializers.CharField(required=False, default="", max_length=2000)


class ChangeSetSerializer(ModelSerializer):
    """A reallocation with its legs: decided as a whole, its total kept to the cent."""

    decided_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    legs = RecommendationSerializer(many=True, read_only=True)

    class Meta:
        model = ChangeSet
        fields = [
            "id",
            "account",
            "pool",
            "run",
            "status",
            "total_before",
            "total_after",
            "reason",
            "decided_by",
            "decided_at",
            "decision_note",
            "legs",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class LegEditSerializer(StrictInputMixin, serializers.Serializer):
    leg = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    proposed_value = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0")
    )
    note = serializers.CharField(required=False, default="", max_length=2000)


class ExecutionSerializer(ModelSerializer):
    class Meta:
        model = ExecutionLog
        fields = [
            "id",
            "recommendation",
            "account",
            "action",
            "mode",
            "attempt",
            "idempotency_key",
            "request",
            "response",
            "outcome",
            "detail",
            "latency_ms",
            "created_at",
        ]
        read_only_fields = fields


class AlertSerializer(ModelSerializer):
    acknowledged_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Alert
        fields = [
            "id",
            "organization",
            "account",
            "campaign",
            "kind",
            "severity",
            "title",
            "message",
            "data",
            "acknowledged_by",
            "acknowledged_at",
            "created_at",
        ]
        read_only_fields = fields


POLICY_LIMIT_FIELDS = [
    "max_budget_increase_pct",
    "max_budget_decrease_pct",
    "budget_floor",
    "budget_neutrality",
    "max_bid_change_pct",
    "approval_threshold_pct",
    "require_manual_approval",
    "cooldown_hours",
    "max_changes_per_run",
    "significance_level",
    "min_clicks",
    "min_conversions",
    "conversion_lag_days",
    "fatigue_suppress_threshold",
    "intent_activate_threshold",
    "activate_max_fatigue",
    "recommendation_ttl_hours",
]


class PolicySerializer(ModelSerializer):
    organization = ScopedPrimaryKeyRelatedField(
        queryset=Organization.objects.all(), permission="campaigns.add_guardrailpolicy"
    )
    account = ScopedPrimaryKeyRelatedField(
        queryset=AdAccount.objects.all(),
        permission="campaigns.add_guardrailpolicy",
        required=False,
        allow_null=True,
        default=None,
        help_text="Empty: the organization's default policy. Set: overrides it for one account.",
    )
    reason = serializers.CharField(write_only=True, required=False, default="", max_length=500)

    class Meta:
        model = GuardrailPolicy
        fields = ["id", "organization", "account", "version", *POLICY_LIMIT_FIELDS]
        fields += ["updated_at", "reason"]
        read_only_fields = ["version"]
        validators = []  # one default per organization: checked in the view, inside the tenant


class PolicyUpdateSerializer(PolicySerializer):
    """An existing policy: whose it is and what it covers are fixed."""

    organization = serializers.PrimaryKeyRelatedField(read_only=True)
    account = serializers.PrimaryKeyRelatedField(read_only=True)


class ExecutionSwitchSerializer(StrictInputMixin, serializers.ModelSerializer):
    changed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = ExecutionSwitch
        fields = ["enabled", "reason", "changed_by", "changed_at"]
        read_only_fields = ["changed_by", "changed_at"]
        extra_kwargs = {"reason": {"required": True, "allow_blank": False}}


class OrganizationSwitchSerializer(StrictInputMixin, serializers.Serializer):
    enabled = serializers.BooleanField()
    reason = serializers.CharField(max_length=500)


def validated_input(serializer_class, request, **context) -> dict:
    """The request's body checked by `serializer_class` (400 in the error shape if not)."""
    serializer = serializer_class(data=request.data, context={"request": request, **context})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
