"""Experiments over the API: analysts plan, approvers start, stop and ship; all read."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.fields import ScopedPrimaryKeyRelatedField, StrictInputMixin
from api.filters import filterset
from api.serializers import DecisionSerializer, ModelSerializer
from api.viewsets import TenantScopedViewSet
from campaigns.models import AdAccount, Campaign
from experiments.models import Experiment, ExperimentKind, ExperimentMetric, Readout
from experiments.services import (
    ExperimentPlan,
    experiment_plan,
    experiment_ship,
    experiment_start,
    experiment_stop,
)


class ReadoutSerializer(ModelSerializer):
    srm_warning = serializers.BooleanField(read_only=True)
    metric = serializers.SerializerMethodField(
        help_text="What `estimate`, `low` and `high` are the relative change in "
        "(conversion_value, cpa: lower is better, roas)."
    )

    class Meta:
        model = Readout
        fields = [
            "look",
            "metric",
            "as_of",
            "first_day",
            "last_day",
            "days_counted",
            "days_excluded",
            "information",
            "estimate",
            "low",
            "high",
            "p_value",
            "boundary_z",
            "nominal_alpha",
            "srm_p",
            "srm_warning",
            "decision",
            "explanation",
        ]
        read_only_fields = fields

    def get_metric(self, obj) -> str:
        return self.context["metric"]


class ExperimentSerializer(ModelSerializer):
    campaigns = serializers.SerializerMethodField()

    class Meta:
        model = Experiment
        fields = [
            "id",
            "account",
            "kind",
            "name",
            "hypothesis",
            "metric",
            "status",
            "planned_days",
            "planned_looks",
            "alpha",
            "power",
            "mde",
            "design_reason",
            "plan_warning",
            "switchback_period_days",
            "seed",
            "start_date",
            "started_at",
            "ended_at",
            "decision",
            "platform_experiment",
            "platform_status",
            "platform_note",
            "campaigns",
            "created_at",
        ]
        read_only_fields = fields

    def get_campaigns(self, obj) -> list[dict]:
        return [
            {"campaign": u.campaign_id, "arm": u.arm.name if u.arm else None, "periods": u.periods}
            for u in obj.units.all()
        ]


class PlanSerializer(StrictInputMixin, serializers.Serializer):
    account = ScopedPrimaryKeyRelatedField(
        queryset=AdAccount.objects.all(), permission="experiments.plan_experiment"
    )
    name = serializers.CharField(max_length=200)
    hypothesis = serializers.CharField(max_length=2000, required=False, default="")
    kind = serializers.ChoiceField(
        choices=[ExperimentKind.HOLDOUT, ExperimentKind.PLATFORM], default=ExperimentKind.HOLDOUT
    )
    metric = serializers.ChoiceField(
        choices=ExperimentMetric.choices, default=ExperimentMetric.CONVERSION_VALUE
    )
    planned_days = serializers.IntegerField(min_value=7, max_value=180)
    planned_looks = serializers.IntegerField(min_value=1, max_value=20, default=4)
    alpha = serializers.DecimalField(
        max_digits=4,
        decimal_places=3,
        min_value=Decimal("0.001"),
        max_value=Decimal("0.2"),
        default=Decimal("0.050"),
    )
    power = serializers.DecimalField(
        max_digits=4,
        decimal_places=3,
        min_value=Decimal("0.5"),
        max_value=Decimal("0.99"),
        default=Decimal("0.800"),
    )
    campaigns = ScopedPrimaryKeyRelatedField(
        queryset=Campaign.objects.all(),
        permission="experiments.plan_experiment",
        many=True,
        required=False,
        default=list,
    )


@extend_schema_view(
    create=extend_schema(request=PlanSerializer, responses={201: ExperimentSerializer})
)
class ExperimentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantScopedViewSet
):
    """Experiments: holdouts of Spectra's changes (switchbacks with few campaigns) and
    Google campaign experiments. Creating one plans it (analyst; refused in words when it
    could not detect a useful lift); approvers start, stop and ship it."""

    queryset = Experiment.objects.prefetch_related("units__arm")
    serializer_class = ExperimentSerializer
    ordering_fields = ["id", "created_at"]
    filterset_class = filterset(Experiment, ids=["account"], fields=["status", "kind"])
    permissions_by_action = {
        "list": "experiments.view_experiment",
        "retrieve": "experiments.view_experiment",
        "readouts": "experiments.view_experiment",
        "create": "experiments.plan_experiment",
        "start": "experiments.start_experiment",
        "stop": "experiments.start_experiment",
        "ship": "experiments.start_experiment",
    }

    def create(self, request, *args, **kwargs):
        serializer = PlanSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        plan = ExperimentPlan(**serializer.validated_data)
        experiment = experiment_plan(plan=plan, actor=request.user)
        return Response(ExperimentSerializer(experiment).data, status=status.HTTP_201_CREATED)

    def _decide(self, request, service, **kw):
        experiment = self.get_object()
        serializer = DecisionSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        if service is not experiment_start:
            kw["note"] = serializer.validated_data["note"]
        return Response(
            ExperimentSerializer(service(experiment=experiment, actor=request.user, **kw)).data
        )

    @extend_schema(request=DecisionSerializer, responses={200: ExperimentSerializer})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """Start a planned experiment: assign the campaigns and hold the control."""
        return self._decide(request, experiment_start)

    @extend_schema(request=DecisionSerializer, responses={200: ExperimentSerializer})
    @action(detail=True, methods=["post"])
    def stop(self, request, pk=None):
        """Stop a running experiment; its campaigns are no longer held."""
        return self._decide(request, experiment_stop)

    @extend_schema(request=DecisionSerializer, responses={200: ExperimentSerializer})
    @action(detail=True, methods=["post"])
    def ship(self, request, pk=None):
        """Ship to all: end the hold and re-queue the changes held back from the control."""
        return self._decide(request, experiment_ship)

    @extend_schema(responses={200: ReadoutSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def readouts(self, request, pk=None):
        """Every look so far, oldest first: the lift, its interval and the decision."""
        experiment = self.get_object()
        readouts = experiment.readouts.order_by("look")
        context = {"metric": experiment.metric}
        return Response(ReadoutSerializer(readouts, many=True, context=context).data)
