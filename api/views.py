"""The API's resources. Each is a TenantScopedViewSet (scoping and object checks
live there); every write calls the same service the admin calls."""

from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api import filters, serializers
from api.serializers import validated_input
from api.viewsets import TenantScopedViewSet
from campaigns.auth import roles_by_org
from campaigns.models import (
    AdAccount,
    AdGroup,
    Alert,
    Audience,
    Campaign,
    ChangeSet,
    DailyMetric,
    ExecutionSwitch,
    GuardrailPolicy,
    Organization,
    Recommendation,
    RecommendationStatus,
    Role,
)
from campaigns.selectors import with_pending_status_change
from campaigns.services.accounts import (
    account_set_credentials,
    account_set_execution_mode,
    policy_save,
)
from campaigns.services.admin_support import (
    account_save,
    alert_acknowledge,
    organization_save,
    organization_set_webhook,
)
from campaigns.services.campaigns import (
    campaign_pause,
    campaign_resume,
    campaign_transition,
    campaign_update_limits,
    status_change_message,
)
from campaigns.services.change_set_decisions import (
    change_set_approve,
    change_set_edit_leg,
    change_set_reject,
)
from campaigns.services.errors import ServiceError, TransitionRefused
from campaigns.services.launches import launch_reset
from campaigns.services.proposals import recommendation_propose
from campaigns.services.quotas import account_create_within_quota
from campaigns.services.recommendations import (
    recommendation_approve,
    recommendation_reject,
    recommendation_requeue,
)
from campaigns.services.rollback import campaign_rollback_to_version, recommendation_rollback
from campaigns.services.switch import execution_switch_set, organization_execution_set
from executors.models import ExecutionLog
from optimizer.models import OptimizationRun

REASON = "Changed through the API"


def _view(model) -> str:
    return f"{model._meta.app_label}.view_{model._meta.model_name}"


def _read(model) -> dict[str, str]:
    return {"list": _view(model), "retrieve": _view(model)}


class ReadOnlyResource(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    pass


def _with_instance(instance, data: dict):
    for name, value in data.items():
        setattr(instance, name, value)
    return instance


class OrganizationViewSet(ReadOnlyResource, mixins.UpdateModelMixin):
    """Your organizations; admins rename them and flip their own execution switch."""

    queryset = Organization.objects.all()
    serializer_class = serializers.OrganizationSerializer
    filterset_class = filters.OrganizationFilter
    ordering_fields = ["id", "name", "created_at"]
    permissions_by_action = _read(Organization) | {
        "update": "campaigns.change_organization",
        "partial_update": "campaigns.change_organization",
        "execution": "campaigns.flip_execution_switch",
    }

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        webhook_url = data.pop("webhook_url", None)
        with transaction.atomic():
            organization = organization_save(
                organization=_with_instance(serializer.instance, data),
                actor=self.request.user,
                reason=REASON,
            )
            if webhook_url is not None:
                organization = organization_set_webhook(
                    organization=organization,
                    actor=self.request.user,
                    url=webhook_url,
                    reason=REASON,
                )
        serializer.instance = organization

    @extend_schema(
        request=serializers.OrganizationSwitchSerializer,
        responses=serializers.OrganizationSerializer,
    )
    @action(detail=True, methods=["post"])
    def execution(self, request, pk=None):
        """Switch platform writes on or off for this organization (its admins)."""
        organization = self.get_object()
        data = validated_input(serializers.OrganizationSwitchSerializer, request)
        organization = organization_execution_set(
            organization=organization, actor=request.user, **data
        )
        return Response(serializers.OrganizationSerializer(organization).data)


@extend_schema_view(
    create=extend_schema(request=serializers.AccountSerializer),
    update=extend_schema(request=serializers.AccountUpdateSerializer),
    partial_update=extend_schema(request=serializers.AccountUpdateSerializer),
)
class AccountViewSet(ReadOnlyResource, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Ad accounts. Admins add them (within the organization's quota) and edit their
    settings; execution mode and credentials have their own audited actions."""

    queryset = AdAccount.objects.all()
    filterset_class = filters.AccountFilter
    ordering_fields = ["id", "name", "created_at", "last_synced_at"]
    permissions_by_action = _read(AdAccount) | {
        "create": "campaigns.add_adaccount",
        "update": "campaigns.change_adaccount",
        "partial_update": "campaigns.change_adaccount",
        "execution_mode": "campaigns.change_execution_mode",
        "credentials": "campaigns.change_adaccount",
    }

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return serializers.AccountUpdateSerializer
        return serializers.AccountSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        reason = data.pop("reason", "") or "Created through the API"
        serializer.instance = account_create_within_quota(
            account=AdAccount(**data), actor=self.request.user, reason=reason
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        reason = data.pop("reason", "") or REASON
        serializer.instance = account_save(
            account=_with_instance(serializer.instance, data),
            actor=self.request.user,
            reason=reason,
        )

    @extend_schema(
        request=serializers.ExecutionModeSerializer, responses=serializers.AccountSerializer
    )
    @action(detail=True, methods=["post"], url_path="execution-mode")
    def execution_mode(self, request, pk=None):
        """Switch the account between read-only, dry-run and live (admins)."""
        account = self.get_object()
        data = validated_input(serializers.ExecutionModeSerializer, request)
        account = account_set_execution_mode(account=account, actor=request.user, **data)
        return Response(serializers.AccountSerializer(account).data)

    @extend_schema(
        request=serializers.CredentialsSerializer, responses=serializers.AccountSerializer
    )
    @action(detail=True, methods=["post"])
    def credentials(self, request, pk=None):
        """Store platform credentials, encrypted. They are never shown again, anywhere."""
        account = self.get_object()
        data = validated_input(serializers.CredentialsSerializer, request, account=account)
        account = account_set_credentials(
            account=account, actor=request.user, values=data["values"]
        )
        return Response(serializers.AccountSerializer(account).data)


PERSON_STATUS_CHANGES = {"pause": campaign_pause, "resume": campaign_resume}


class CampaignViewSet(ReadOnlyResource, mixins.UpdateModelMixin):
    """Campaigns. Analysts set spend limits, targets and the pin (PATCH), and move
    a campaign through its states; approvers restore an earlier version."""

    queryset = with_pending_status_change(Campaign.objects.all())
    serializer_class = serializers.CampaignSerializer
    filterset_class = filters.CampaignFilter
    ordering_fields = ["id", "name", "status", "daily_budget", "spend_today", "updated_at"]
    permissions_by_action = _read(Campaign) | {
        "update": "campaigns.change_spend_limits",
        "partial_update": "campaigns.change_spend_limits",
        "transition": "campaigns.transition_campaign",
        "rollback": "campaigns.rollback_recommendation",
    }

    def perform_update(self, serializer):
        campaign = serializer.instance
        data = serializer.validated_data
        limits = {
            name: data.get(name, getattr(campaign, name))
            for name in ("max_daily_spend", "total_spend_limit", "target_roas", "target_cpa")
        }
        serializer.instance = campaign_update_limits(
            campaign=campaign,
            actor=self.request.user,
            reason=data.get("reason") or "Limits updated through the API",
            is_pinned=data.get("is_pinned"),
            **limits,
        )

    @extend_schema(
        request=serializers.CampaignTransitionSerializer, responses=serializers.CampaignSerializer
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Pause, resume, archive, … (409 with the current state if the move is not allowed)."""
        campaign = self.get_object()
        data = validated_input(serializers.CampaignTransitionSerializer, request)
        if data["transition"] in PERSON_STATUS_CHANGES:
            # A person's pause/resume reaches the platform through the pipeline; the
            # campaign answers with pending_status_change until the platform confirms.
            change = PERSON_STATUS_CHANGES[data["transition"]](
                campaign=campaign, actor=request.user, reason=data["reason"]
            )
            campaign = self.get_queryset().get(pk=campaign.pk)
            campaign.status_change_message = status_change_message(change)
        elif data["transition"] == "reset_to_draft":  # a failed launch: its own service
            campaign = launch_reset(campaign=campaign, actor=request.user, reason=data["reason"])
        else:
            campaign = campaign_transition(campaign=campaign, actor=request.user, **data)
        return Response(serializers.CampaignSerializer(campaign).data)

    @extend_schema(
        request=serializers.CampaignRollbackSerializer,
        responses={201: serializers.RecommendationSerializer(many=True)},
    )
    @action(detail=True, methods=["post"])
    def rollback(self, request, pk=None):
        """Restore an earlier version: pre-approved changes the executor carries out."""
        campaign = self.get_object()
        data = validated_input(serializers.CampaignRollbackSerializer, request)
        created = campaign_rollback_to_version(campaign=campaign, actor=request.user, **data)
        return Response(
            serializers.RecommendationSerializer(created, many=True).data,
            status=status.HTTP_201_CREATED,
        )


class AdGroupViewSet(ReadOnlyResource):
    queryset = AdGroup.objects.all()
    serializer_class = serializers.AdGroupSerializer
    filterset_class = filters.AdGroupFilter
    ordering_fields = ["id", "name", "bid", "updated_at"]
    permissions_by_action = _read(AdGroup)


class AudienceViewSet(ReadOnlyResource):
    queryset = Audience.objects.all()
    serializer_class = serializers.AudienceSerializer
    filterset_class = filters.AudienceFilter
    ordering_fields = ["id", "name", "intent_score", "fatigue_score", "updated_at"]
    permissions_by_action = _read(Audience)


class DailyMetricViewSet(ReadOnlyResource):
    """Performance per ad group and day; `date_from` / `date_to` bound the range."""

    queryset = DailyMetric.objects.all()
    serializer_class = serializers.DailyMetricSerializer
    filterset_class = filters.DailyMetricFilter
    ordering = ["-date", "-id"]
    ordering_fields = ["id", "date", "spend", "conversions", "conversion_value"]
    permissions_by_action = _read(DailyMetric)


class OptimizationRunViewSet(ReadOnlyResource):
    queryset = OptimizationRun.objects.all()
    serializer_class = serializers.OptimizationRunSerializer
    filterset_class = filters.OptimizationRunFilter
    ordering_fields = ["id", "as_of", "started_at"]
    permissions_by_action = _read(OptimizationRun)


DECISION_RESPONSES = {200: serializers.RecommendationSerializer}


@extend_schema_view(
    create=extend_schema(
        request=serializers.ProposalSerializer,
        responses={201: serializers.RecommendationSerializer},
    )
)
class RecommendationViewSet(ReadOnlyResource, mixins.CreateModelMixin):
    """Proposed changes and their fate. Analysts propose budget and bid changes
    (guardrails answer 422 naming the rule); approvers approve, reject, re-queue and
    roll back (409 with the current state when the change is not in a state for it)."""

    queryset = Recommendation.objects.select_related("decided_by")
    serializer_class = serializers.RecommendationSerializer
    filterset_class = filters.RecommendationFilter
    ordering_fields = ["id", "created_at", "updated_at", "expected_impact", "status"]
    permissions_by_action = _read(Recommendation) | {
        "create": "campaigns.change_campaign",
        "approve": "campaigns.approve_recommendation",
        "reject": "campaigns.reject_recommendation",
        "requeue": "campaigns.approve_recommendation",
        "rollback": "campaigns.rollback_recommendation",
    }

    def create(self, request, *args, **kwargs):
        data = validated_input(serializers.ProposalSerializer, request)
        created = recommendation_propose(actor=request.user, **data)
        return Response(
            serializers.RecommendationSerializer(created).data, status=status.HTTP_201_CREATED
        )

    def _decide(self, request, service):
        recommendation = self.get_object()
        note = validated_input(serializers.DecisionSerializer, request)["note"]
        return Response(
            serializers.RecommendationSerializer(
                service(recommendation=recommendation, actor=request.user, note=note)
            ).data
        )

    @extend_schema(request=serializers.DecisionSerializer, responses=DECISION_RESPONSES)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve a proposed change so the executor may carry it out."""
        return self._decide(request, recommendation_approve)

    @extend_schema(request=serializers.DecisionSerializer, responses=DECISION_RESPONSES)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject a proposed change; `note` (why) is required."""
        return self._decide(request, recommendation_reject)

    @extend_schema(request=serializers.DecisionSerializer, responses=DECISION_RESPONSES)
    @action(detail=True, methods=["post"])
    def requeue(self, request, pk=None):
        """Put a failed or blocked change back in the execution queue."""
        return self._decide(request, recommendation_requeue)

    @extend_schema(
        request=serializers.DecisionSerializer,
        responses={201: serializers.RecommendationSerializer},
    )
    @action(detail=True, methods=["post"])
    def rollback(self, request, pk=None):
        """Undo an executed change: a new, pre-approved change the executor carries out."""
        recommendation = self.get_object()
        note = validated_input(serializers.DecisionSerializer, request)["note"]
        if recommendation.status != RecommendationStatus.EXECUTED:
            # The service refuses too; the API says so as a state conflict, with the state.
            raise TransitionRefused(
                f"Only an executed change can be rolled back; this one is "
                f"{recommendation.get_status_display().lower()}.",
                current=recommendation.status,
            )
        created = recommendation_rollback(
            recommendation=recommendation, actor=request.user, note=note
        )
        return Response(
            serializers.RecommendationSerializer(created).data, status=status.HTTP_201_CREATED
        )


CHANGE_SET_RESPONSES = {200: serializers.ChangeSetSerializer}


class ChangeSetViewSet(ReadOnlyResource):
    """Reallocations: the budget changes of one pool, with their legs. Approvers approve
    or reject a set as a whole (a leg alone answers 409), or edit one leg and Spectra
    re-balances the others to keep the total (422 naming the rule when none fits)."""

    queryset = (
        ChangeSet.objects.select_related("decided_by")
        .prefetch_related(
            Prefetch("legs", queryset=Recommendation.objects.select_related("decided_by"))
        )
        .order_by("-id")
    )
    serializer_class = serializers.ChangeSetSerializer
    filterset_class = filters.ChangeSetFilter
    ordering_fields = ["id", "created_at", "updated_at", "status"]
    permissions_by_action = _read(ChangeSet) | {
        "approve": "campaigns.approve_recommendation",
        "reject": "campaigns.reject_recommendation",
        "edit_leg": "campaigns.change_recommendation",
    }

    def _answer(self, change_set):
        return Response(
            serializers.ChangeSetSerializer(self.get_queryset().get(pk=change_set.pk)).data
        )

    @extend_schema(request=serializers.DecisionSerializer, responses=CHANGE_SET_RESPONSES)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve every leg of the reallocation together."""
        note = validated_input(serializers.DecisionSerializer, request)["note"]
        return self._answer(
            change_set_approve(change_set=self.get_object(), actor=request.user, note=note)
        )

    @extend_schema(request=serializers.DecisionSerializer, responses=CHANGE_SET_RESPONSES)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject the reallocation as a whole; `note` (why) is required."""
        note = validated_input(serializers.DecisionSerializer, request)["note"]
        return self._answer(
            change_set_reject(change_set=self.get_object(), actor=request.user, note=note)
        )

    @extend_schema(request=serializers.LegEditSerializer, responses=CHANGE_SET_RESPONSES)
    @action(detail=True, methods=["post"], url_path="edit-leg")
    def edit_leg(self, request, pk=None):
        """Set one leg's budget; the other legs are re-balanced so the total stays exact."""
        change_set = self.get_object()
        data = validated_input(serializers.LegEditSerializer, request)
        leg = change_set.legs.filter(pk=data["leg"]).first()
        if leg is None:
            raise ServiceError(f"Change set #{change_set.pk} has no leg #{data['leg']}.")
        change_set_edit_leg(
            leg=leg, proposed_value=data["proposed_value"], actor=request.user, note=data["note"]
        )
        return self._answer(change_set)


class ExecutionViewSet(ReadOnlyResource):
    """Every attempt to write to a platform (append-only, already redacted)."""

    queryset = ExecutionLog.objects.all()
    serializer_class = serializers.ExecutionSerializer
    filterset_class = filters.ExecutionFilter
    ordering_fields = ["id", "created_at"]
    permissions_by_action = _read(ExecutionLog)


class AlertViewSet(ReadOnlyResource):
    queryset = Alert.objects.select_related("acknowledged_by")
    serializer_class = serializers.AlertSerializer
    filterset_class = filters.AlertFilter
    ordering_fields = ["id", "created_at", "severity"]
    permissions_by_action = _read(Alert) | {"acknowledge": "campaigns.acknowledge_alert"}

    @extend_schema(request=None, responses=serializers.AlertSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """Mark an open alert as seen and handled by you."""
        alert = alert_acknowledge(alert=self.get_object(), actor=request.user)
        return Response(serializers.AlertSerializer(alert).data)


@extend_schema_view(
    update=extend_schema(request=serializers.PolicyUpdateSerializer),
    partial_update=extend_schema(request=serializers.PolicyUpdateSerializer),
)
class PolicyViewSet(ReadOnlyResource, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Guardrail policies: an organization's default and per-account overrides (admins)."""

    queryset = GuardrailPolicy.objects.all()
    filterset_class = filters.PolicyFilter
    ordering_fields = ["id", "updated_at"]
    permissions_by_action = _read(GuardrailPolicy) | {
        "create": "campaigns.add_guardrailpolicy",
        "update": "campaigns.change_guardrailpolicy",
        "partial_update": "campaigns.change_guardrailpolicy",
    }

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return serializers.PolicyUpdateSerializer
        return serializers.PolicySerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        reason = data.pop("reason", "") or "Policy created through the API"
        policy = GuardrailPolicy(**data)
        existing = GuardrailPolicy.objects.filter(
            organization=policy.organization, account=policy.account
        )
        if existing.exists():
            raise ServiceError(
                "This organization already has that policy; change it instead "
                f"(PATCH /api/v1/policies/{existing.values_list('pk', flat=True)[0]}/)."
            )
        serializer.instance = policy_save(policy=policy, actor=self.request.user, reason=reason)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        reason = data.pop("reason", "") or "Policy changed through the API"
        serializer.instance = policy_save(
            policy=_with_instance(serializer.instance, data), actor=self.request.user, reason=reason
        )


def _is_org_admin(user) -> bool:
    return user.is_superuser or Role.ADMIN in roles_by_org(user).values()


class ExecutionSwitchView(GenericAPIView):
    """The global kill switch for platform writes. Organization admins read it;
    only Spectra's operators flip it (each organization has its own: see
    `POST /organizations/{id}/execution/`). Not tenant data, so not a TenantScopedViewSet."""

    serializer_class = serializers.ExecutionSwitchSerializer
    pagination_class = None
    filter_backends = []

    def _current(self):
        return ExecutionSwitch.objects.select_related("changed_by").filter(
            pk=ExecutionSwitch.SINGLETON_PK
        ).first() or ExecutionSwitch(pk=ExecutionSwitch.SINGLETON_PK)

    def get(self, request):
        if not _is_org_admin(request.user):
            raise PermissionDenied("Only organization admins may see the execution switch.")
        return Response(self.get_serializer(self._current()).data)

    @extend_schema(responses=serializers.ExecutionSwitchSerializer)
    def put(self, request):
        if not request.user.is_superuser:
            raise PermissionDenied("Only Spectra's operators may flip the global execution switch.")
        data = validated_input(serializers.ExecutionSwitchSerializer, request)
        switch = execution_switch_set(actor=request.user, **data)
        return Response(self.get_serializer(switch).data)
