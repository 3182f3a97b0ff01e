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
from experiments.services.prompt_tests import PromptTestPlan
from spectra.prompt_tests import prompt_test_plan, prompt_test_ship, prompt_test_start

PROMPT_FIELDS = ("prompt_name", "control_version", "treatment_version", "expected_ad_groups")


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
    arms = serializers.SerializerMethodField()

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
            "prompt_name",
            "arms",
            "campaigns",
            "created_at",
        ]
        read_only_fields = fields

    def get_arms(self, obj) -> list[dict]:
        """Each arm; a prompt test's name the prompt version its launches were written with."""
        return [
            {
                "name": a.name,
                "is_control": a.is_control,
                "traffic_share": a.traffic_share,
                "prompt_version": a.prompt_version_id,
            }
            for a in obj.arms.all()
        ]

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
        choices=[ExperimentKind.HOLDOUT, ExperimentKind.PLATFORM, ExperimentKind.PROMPT],
        default=ExperimentKind.HOLDOUT,
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
    # A prompt test: two published versions of one prompt, split over new launches.
    prompt_name = serializers.SlugField(max_length=80, required=False)
    control_version = serializers.IntegerField(min_value=1, required=False)
    treatment_version = serializers.IntegerField(min_value=1, required=False)
    expected_ad_groups = serializers.IntegerField(min_value=4, max_value=100000, required=False)

    def validate(self, attrs):
        given = [f for f in PROMPT_FIELDS if f in attrs]
        if attrs["kind"] == ExperimentKind.PROMPT:
            missing = [f for f in PROMPT_FIELDS[:3] if f not in attrs]
            if missing:
                raise serializers.ValidationError({f: "A prompt test needs it." for f in missing})
            if attrs["campaigns"]:
                raise serializers.ValidationError(
                    {"campaigns": "A prompt test is split over new launches, not campaigns."}
                )
        elif given:
            raise serializers.ValidationError({f: "Only for a prompt test." for f in given})
        return attrs


@extend_schema_view(
    create=extend_schema(request=PlanSerializer, responses={201: ExperimentSerializer})
)
class ExperimentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantScopedViewSet
):
    """Experiments: holdouts of Spectra's changes (switchbacks with few campaigns) and
    Google campaign experiments and prompt tests (two prompt versions split over new
    launches, read on CTR, conversion rate or value per click). Creating one plans it
    (analyst; refused in words when it could not detect a useful lift); approvers start,
    stop and ship it."""

    queryset = Experiment.objects.prefetch_related("units__arm", "arms")
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
        data = serializer.validated_data
        if data["kind"] == ExperimentKind.PROMPT:
            plan = PromptTestPlan(
                account=data["account"],
                name=data["name"],
                hypothesis=data["hypothesis"],
                prompt_name=data["prompt_name"],
                control_version_id=data["control_version"],
                treatment_version_id=data["treatment_version"],
                expected_ad_groups=data.get("expected_ad_groups"),
                metric=data["metric"],
                planned_days=data["planned_days"],
                planned_looks=data["planned_looks"],
                alpha=data["alpha"],
                power=data["power"],
            )
            experiment = prompt_test_plan(plan=plan, actor=request.user)
        else:
            fields = {k: v for k, v in data.items() if k not in PROMPT_FIELDS}
            experiment = experiment_plan(plan=ExperimentPlan(**fields), actor=request.user)
        return Response(ExperimentSerializer(experiment).data, status=status.HTTP_201_CREATED)

    def _decide(self, request, service, **kw):
        experiment = self.get_object()
        serializer = DecisionSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        if experiment.kind == ExperimentKind.PROMPT:  # the prompt versions follow the test
            service = PROMPT_SERVICES.get(service, service)
        if service not in (experiment_start, prompt_test_start):
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


# A prompt test starts with its versions' live shares and ships its winner as the prompt.
PROMPT_SERVICES = {experiment_start: prompt_test_start, experiment_ship: prompt_test_ship}
