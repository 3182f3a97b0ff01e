"""Experiments: what Spectra's changes (and prompts) are worth, measured against a control.

An Experiment belongs to one account; its units are campaigns, each in an arm (a holdout)
or taking turns between arms by period (a switchback). Readouts are appended, one per
look, and never changed: the result page shows how the estimate moved over time.
"""

from django.conf import settings
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from campaigns.models import AdAccount, Campaign
from experiments.stats.srm import SRM_P_THRESHOLD


class ExperimentKind(models.TextChoices):
    HOLDOUT = "holdout", "Holdout of Spectra's changes"
    SWITCHBACK = "switchback", "Switchback (campaigns take turns being held)"
    PLATFORM = "platform", "Google Ads campaign experiment"
    PROMPT = "prompt", "Prompt or ad variant test"


class ExperimentMetric(models.TextChoices):
    CONVERSION_VALUE = "conversion_value", "Conversion value"
    CPA = "cpa", "Cost per acquisition"
    ROAS = "roas", "Return on ad spend"
    # Prompt and ad-variant tests compare what the ads did with their traffic.
    CTR = "ctr", "Click-through rate"
    CONVERSION_RATE = "conversion_rate", "Conversion rate (per click)"
    VALUE_PER_CLICK = "value_per_click", "Conversion value per click"


class ExperimentStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    RUNNING = "running", "Running"
    STOPPED = "stopped", "Stopped"
    SHIPPED = "shipped", "Shipped to all"
    CANCELLED = "cancelled", "Cancelled"


S = ExperimentStatus


class Experiment(ConcurrentTransitionMixin, models.Model):
    account = models.ForeignKey(AdAccount, on_delete=models.PROTECT, related_name="experiments")
    kind = models.CharField(max_length=16, choices=ExperimentKind.choices)
    name = models.CharField(max_length=200)
    hypothesis = models.TextField(blank=True)
    metric = models.CharField(
        max_length=20, choices=ExperimentMetric.choices, default=ExperimentMetric.CONVERSION_VALUE
    )
    planned_days = models.PositiveSmallIntegerField()
    alpha = models.DecimalField(max_digits=4, decimal_places=3, default="0.050")
    power = models.DecimalField(max_digits=4, decimal_places=3, default="0.800")
    mde = models.FloatField(
        null=True, blank=True, help_text="Smallest relative lift the plan can detect (0.1 = 10 %)."
    )
    planned_looks = models.PositiveSmallIntegerField(default=4)
    switchback_period_days = models.PositiveSmallIntegerField(default=7)
    design_reason = models.TextField(blank=True)
    plan_warning = models.TextField(blank=True)
    status = FSMField(default=S.PLANNED, choices=S.choices, protected=True, db_index=True)
    seed = models.BigIntegerField(null=True, blank=True, help_text="The seed of the assignment.")
    start_date = models.DateField(null=True, blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    decision = models.TextField(blank=True, help_text="What was decided at the end, and why.")
    platform_experiment = models.CharField(
        max_length=200, blank=True, help_text="The Google Ads experiment's resource name."
    )
    platform_status = models.CharField(
        max_length=20, blank=True, help_text="Its status as Google last reported it."
    )
    platform_note = models.TextField(blank=True, help_text="Why the platform side waits.")
    prompt_name = models.SlugField(
        max_length=80, blank=True, help_text="A prompt test: the prompt whose versions compete."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("plan_experiment", "Can plan experiments"),
            ("start_experiment", "Can start, stop and ship experiments"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=S.values), name="experiment_status"
            ),
            models.CheckConstraint(
                condition=models.Q(planned_days__gte=1), name="experiment_days_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    # --- state machine (called only by experiments.services) ---
    @transition(status, source=S.PLANNED, target=S.RUNNING)
    def start(self):
        pass

    @transition(status, source=S.RUNNING, target=S.STOPPED)
    def stop(self):
        pass

    @transition(status, source=S.RUNNING, target=S.SHIPPED)
    def ship(self):
        pass

    @transition(status, source=[S.PLANNED, S.RUNNING], target=S.CANCELLED)
    def cancel(self):
        pass


class ExperimentArm(models.Model):
    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="arms")
    name = models.CharField(max_length=40)
    is_control = models.BooleanField(default=False)
    traffic_share = models.PositiveSmallIntegerField(default=50, help_text="Per cent.")
    # A prompt test: the creative.PromptVersion this arm's launches were written with (an
    # id, as on campaigns.Asset: experiments never import creative).
    prompt_version_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["experiment", "-is_control"]
        constraints = [
            models.UniqueConstraint(fields=["experiment", "name"], name="experiment_arm_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ExperimentUnit(models.Model):
    """A campaign in the experiment: in one arm (holdout) or, for a switchback, in the arm
    of each period (`periods[k]` 1 = treatment, 0 = held, for days k·period … )."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="units")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    arm = models.ForeignKey(
        ExperimentArm, on_delete=models.CASCADE, null=True, blank=True, related_name="units"
    )
    stratum = models.PositiveSmallIntegerField(default=0)
    periods = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["experiment", "campaign"]
        constraints = [
            models.UniqueConstraint(
                fields=["experiment", "campaign"], name="experiment_unit_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} in {self.experiment}"


class ReadoutDecision(models.TextChoices):
    SHIP = "ship", "Ship to all"
    STOP = "stop", "Stop: it does not help"
    KEEP_RUNNING = "keep_running", "Keep running"
    WAIT = "wait", "Wait: no complete day yet"


class AppendOnlyError(Exception):
    pass


class Readout(models.Model):
    """One look at a running experiment; appended, never changed."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="readouts")
    look = models.PositiveSmallIntegerField()
    as_of = models.DateField(help_text="The day the readout was taken (account time).")
    first_day = models.DateField(null=True)
    last_day = models.DateField(null=True, help_text="The last day whose conversions are all in.")
    days_counted = models.PositiveSmallIntegerField(default=0)
    days_excluded = models.JSONField(default=list, blank=True, help_text="Event days, both arms.")
    information = models.FloatField(default=0, help_text="Share of the planned days counted.")
    estimate = models.FloatField(null=True)
    low = models.FloatField(null=True)
    high = models.FloatField(null=True)
    p_value = models.FloatField(null=True)
    boundary_z = models.FloatField(null=True)
    nominal_alpha = models.FloatField(null=True, help_text="The p-value this look must beat.")
    srm_p = models.FloatField(null=True)
    treatment_value = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        help_text="Conversion value of the treatment over the days counted (account currency).",
    )
    decision = models.CharField(max_length=16, choices=ReadoutDecision.choices)
    explanation = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["experiment", "look"]
        constraints = [
            models.UniqueConstraint(fields=["experiment", "as_of"], name="readout_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.experiment} look {self.look} ({self.as_of})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Readouts are append-only: a look is never rewritten.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Readouts are append-only: a look is never deleted.")

    @property
    def srm_warning(self) -> bool:
        return self.srm_p is not None and self.srm_p < SRM_P_THRESHOLD
