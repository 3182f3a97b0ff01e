"""The sandbox world: a seeded ad account that lives day by day.

Time is simulated, never read from the clock: day 0 is `start_date`, days before `today`
are complete, and `today` is in progress. A write made today takes effect tomorrow, so
the settings of a day never change once it has started. That rule, plus noise drawn
from (seed, day) alone, is what lets a saved world be rebuilt by replaying its writes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping

import numpy as np

from executors.sandbox import model
from executors.sandbox.generate import generate_world
from executors.sandbox.google_search_terms import SearchTerms
from executors.sandbox.launched import Launched, google_curves
from executors.sandbox.model import LAG_KERNEL, METRICS, WEEKDAY_MULTIPLIERS, Settings
from executors.sandbox.response import ResponseCurves

DEFAULT_ORG_ID = "SANDBOX0000@AdobeOrg"
DEFAULT_SANDBOX_NAME = "prod"
DEFAULT_CLIENT_ID = "spectra-sandbox"
DEFAULT_CLIENT_SECRET = "sandbox-secret"
DEFAULT_FAULTS = {
    "rate": 0.0,
    "kinds": ["500", "503", "429", "slow", "reset", "malformed"],
    "retryAfter": 1,
    "slowSeconds": 2.0,
    "seed": 0,
    "latencyMs": 0,
    "writeRateLimit": None,
    "writesOnly": False,
    "staleReadSeconds": 0,
}
INJECTABLE = ("performanceRows", "campaigns", "adGroups", "segments")


def parse_date(value: str | dt.date) -> dt.date:
    """A date from a date (or datetime) or a strict YYYY-MM-DD string."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or len(value) != 10:
        raise ValueError(f"{value!r} is not a YYYY-MM-DD date")
    return dt.date.fromisoformat(value)


class World:
    """A deterministic simulated ad account (campaigns, ad groups, audience segments)."""

    def __init__(
        self,
        seed: int = 1,
        *,
        campaigns: int = 48,
        ad_groups_per_campaign: int = 4,
        audiences: int = 12,
        history_days: int = 35,
        start_date: str | dt.date | None = None,
        currency: str = "INR",
        today_fraction: float = 0.5,
        org_id: str = DEFAULT_ORG_ID,
        sandbox_name: str = DEFAULT_SANDBOX_NAME,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
    ):
        for name, value, low in (
            ("seed", seed, 0),
            ("campaigns", campaigns, 1),
            ("ad_groups_per_campaign", ad_groups_per_campaign, 1),
            ("audiences", audiences, 0),
            ("history_days", history_days, 0),
        ):
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
                raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
        if not 0.0 <= today_fraction <= 1.0:
            raise ValueError("today_fraction must be between 0 and 1")
        if start_date is None:
            utc_today = dt.datetime.now(dt.UTC).date()
            start_date = utc_today - dt.timedelta(days=history_days)
        start = parse_date(start_date)

        seed, campaigns, ad_groups_per_campaign = (
            int(seed),
            int(campaigns),
            int(ad_groups_per_campaign),
        )
        audiences, history_days = int(audiences), int(history_days)
        # Everything needed to rebuild this world; the store persists exactly this.
        self.config = {
            "seed": seed,
            "campaigns": campaigns,
            "ad_groups_per_campaign": ad_groups_per_campaign,
            "audiences": audiences,
            "history_days": history_days,
            "start_date": start.isoformat(),
            "currency": currency,
            "today_fraction": today_fraction,
            "org_id": org_id,
            "sandbox_name": sandbox_name,
            "client_id": client_id,
            "client_secret": client_secret,
        }
        self.seed = seed
        self.start_date = start
        self.currency = currency
        self.today_fraction = today_fraction
        self.org_id = org_id
        self.sandbox_name = sandbox_name
        self.client_id = client_id
        self.client_secret = client_secret

        generated = generate_world(
            seed,
            campaigns=campaigns,
            ad_groups_per_campaign=ad_groups_per_campaign,
            audiences=audiences,
            history_days=history_days,
            start_date=start,
        )
        self.params = generated.params
        self.campaign_ids = generated.campaign_ids
        self.ad_group_ids = generated.ad_group_ids
        self.segment_ids = generated.segment_ids
        self._g = generated
        self._campaign_index = {cid: i for i, cid in enumerate(self.campaign_ids)}
        self._ad_group_index = {aid: i for i, aid in enumerate(self.ad_group_ids)}
        self._segment_index = {sid: i for i, sid in enumerate(self.segment_ids)}
        self._campaign_ad_groups = np.arange(len(self.ad_group_ids)).reshape(
            campaigns, ad_groups_per_campaign
        )

        # Audit trail and test hooks; all persisted by the store.
        self.writes: list[dict] = []
        self.duplicates = 0
        self.injected: dict[str, list] = {key: [] for key in INJECTABLE}
        self.faults: dict = dict(DEFAULT_FAULTS)
        self._writes_by_key: dict[str, dict] = {}
        self.launched = Launched()  # what clients created (a launch), beside the arrays
        # Eventual consistency (the `staleReadSeconds` fault): what reads keep showing
        # for a while after a write, by (kind, index) -> (representation, until).
        self._stale: dict[tuple[str, int], tuple[dict, float]] = {}

        # Simulated time. `_effective` governs today; `_latest` is what reads show and
        # becomes effective tomorrow.
        self.today = 0
        self._metrics = np.zeros((len(METRICS), max(history_days, 8), len(self.ad_group_ids)))
        self._settings_log: list[Settings] = []
        self._fatigue_log: list[np.ndarray] = []
        self._fatigue = generated.initial_fatigue.copy()
        self._today_metrics: np.ndarray | None = None
        # Search terms and the negatives that block them (google_search_terms).
        self.search_terms = SearchTerms(
            seed, generated.ad_group_names, self.params.ad_group_campaign
        )
        for settings in generated.history:
            self._effective = settings.copy()
            self._simulate_today()
        self._effective = generated.initial.copy()
        self._latest = generated.initial.copy()

    # ----------------------------------------------------------------- calendar ---
    @property
    def today_date(self) -> dt.date:
        """The simulated current (incomplete) day."""
        return self.date_of(self.today)

    def date_of(self, day: int) -> dt.date:
        """Calendar date of a day index."""
        return self.start_date + dt.timedelta(days=day)

    def day_of(self, date: str | dt.date) -> int:
        """Day index of a calendar date (negative before the world started)."""
        return (parse_date(date) - self.start_date).days

    def _day_index(self, day: int | str | dt.date | None) -> int:
        if day is None:
            return self.today
        if isinstance(day, int | np.integer) and not isinstance(day, bool):
            return int(day)
        return self.day_of(day)

    def events(self) -> list[dict]:
        """Declared calendar events (demand multipliers), past and upcoming."""
        return [
            {
                "name": e.name,
                "kind": e.kind,
                "startDate": self.date_of(e.start_day).isoformat(),
                "endDate": self.date_of(e.end_day).isoformat(),
                "demandMultiplier": e.multiplier,
            }
            for e in self.params.events
        ]

    # ------------------------------------------------------------------ advance ---
    def advance(self, days: int = 1) -> None:
        """Complete `days` days with the settings in effect, then move `today` forward."""
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise ValueError("days must be a non-negative integer")
        for _ in range(days):
            self._simulate_today()
            self._effective = self._latest.copy()

    def _simulate_today(self) -> None:
        day = self.today
        metrics = self.today_metrics()
        if day >= self._metrics.shape[1]:
            grown = np.zeros((len(METRICS), 2 * self._metrics.shape[1], self._metrics.shape[2]))
            grown[:, : self._metrics.shape[1]] = self._metrics
            self._metrics = grown
        self._metrics[:, day] = metrics
        self._settings_log.append(self._effective)
        self._fatigue_log.append(self._fatigue)
        self._fatigue = model.next_fatigue(
            self.params, self._fatigue, self._effective.segment_active, metrics[0]
        )
        self.today = day + 1
        self._today_metrics = None

    def today_metrics(self) -> np.ndarray:
        """Full-day metrics today will end with (settings for today can no longer change)."""
        if self._today_metrics is None:
            metrics = model.simulate_day(
                self.params, self.seed, self.today, self._effective, self._fatigue
            )
            # Negative keywords keep their terms' traffic out of the day.
            self._today_metrics = self.search_terms.split_day(self.today, metrics)
        return self._today_metrics

    def metrics(self, days: np.ndarray, ad_groups: np.ndarray) -> np.ndarray:
        """Full-day metrics (rows as in model.METRICS) of complete days, element-wise."""
        return self._metrics[:, days, ad_groups]

    # -------------------------------------------------------------------- reads ---
    def campaign_index(self, campaign_id: str) -> int:
        """Index of a campaign id; KeyError if unknown."""
        return self._campaign_index[campaign_id]

    def ad_group_index(self, ad_group_id: str) -> int:
        """Index of an ad group id; KeyError if unknown."""
        return self._ad_group_index[ad_group_id]

    def segment_index(self, segment_id: str) -> int:
        """Index of a segment id; KeyError if unknown."""
        return self._segment_index[segment_id]

    def campaign_ad_groups(self, campaign_index: int) -> np.ndarray:
        """Ad group indexes of a campaign, in id order."""
        return self._campaign_ad_groups[campaign_index]

    def campaign(self, index: int) -> dict:
        """API representation of a campaign, with its latest settings."""
        return {
            "id": self.campaign_ids[index],
            "name": self._g.campaign_names[index],
            "status": "active" if self._latest.campaign_active[index] else "paused",
            "budget": {"allocated": float(self._latest.budgets[index]), "currency": self.currency},
            "startDate": self._g.campaign_start_dates[index],
        }

    def campaigns(self) -> list[dict]:
        """All campaigns in id order."""
        return [self.campaign(i) for i in range(len(self.campaign_ids))]

    def ad_group(self, index: int) -> dict:
        """API representation of an ad group, with its latest bid."""
        return {
            "id": self.ad_group_ids[index],
            "campaignId": self.campaign_ids[self.params.ad_group_campaign[index]],
            "name": self._g.ad_group_names[index],
            "status": "active" if self._latest.ad_group_active[index] else "paused",
            "averageBid": float(self._latest.bids[index]),
            "currency": self.currency,
            "qualityScore": int(self.params.quality_score[index]),
        }

    def ad_groups(self, indexes: Iterable[int] | None = None) -> list[dict]:
        """Ad groups (all, or the given indexes) in id order."""
        if indexes is None:
            indexes = range(len(self.ad_group_ids))
        return [self.ad_group(int(i)) for i in indexes]

    def segment(self, index: int) -> dict:
        """API representation of an audience segment; fatigue as of the start of today."""
        return {
            "id": self.segment_ids[index],
            "name": self._g.segment_names[index],
            "status": "active" if self._latest.segment_active[index] else "inactive",
            "intentScore": round(float(self.params.intent[index]), 1),
            "fatigueScore": round(float(self._fatigue[index]), 1),
            "estimatedProfiles": int(self._g.segment_profiles[index]),
        }

    def segments(self) -> list[dict]:
        """All audience segments in id order."""
        return [self.segment(i) for i in range(len(self.segment_ids))]

    def state(self) -> dict:
        """Summary used by the control API."""
        return {
            "seed": self.seed,
            "today": self.today_date.isoformat(),
            "startDate": self.start_date.isoformat(),
            "orgId": self.org_id,
            "sandboxName": self.sandbox_name,
            "currency": self.currency,
            "counts": {
                "campaigns": len(self.campaign_ids),
                "adGroups": len(self.ad_group_ids),
                "segments": len(self.segment_ids),
                "writes": len(self.writes),
                "duplicates": self.duplicates,
            },
            "events": self.events(),
        }

    # ------------------------------------------------------------ stale reads ---
    def hold_stale(self, kind: str, external_id: str, *, seconds: float, now: float) -> None:
        """Keep serving the current representation of an object to reads for `seconds`
        (called just before a write changes it): a replica that has not caught up."""
        index_of, represent = self._representations()[kind]
        try:
            index = index_of(external_id)
        except KeyError:
            return  # the write will be refused as not found
        key = (kind, index)
        if key not in self._stale or self._stale[key][1] <= now:
            self._stale[key] = (represent(index), now + seconds)

    def seen(self, kind: str, index: int, *, now: float) -> dict:
        """What a platform read shows of an object: a stale copy while one is held."""
        held = self._stale.get((kind, index))
        if held is not None and held[1] > now:
            return dict(held[0])
        return self._representations()[kind][1](index)

    def _representations(self):
        return {
            "campaign": (self.campaign_index, self.campaign),
            "adGroup": (self.ad_group_index, self.ad_group),
            "segment": (self.segment_index, self.segment),
        }

    # ------------------------------------------------------------------- writes ---
    # Writes change the latest settings only; they become effective on the next day.
    def set_campaign_budget(self, campaign_id: str, amount: float) -> None:
        """Set a campaign's daily budget (from tomorrow)."""
        if not math.isfinite(amount) or amount < 0:
            raise ValueError("budget must be a finite non-negative number")
        self._latest.budgets[self.campaign_index(campaign_id)] = float(amount)

    def set_campaign_status(self, campaign_id: str, active: bool) -> None:
        """Pause or resume a campaign (from tomorrow)."""
        self._latest.campaign_active[self.campaign_index(campaign_id)] = bool(active)

    def set_ad_group_bid(self, ad_group_id: str, bid: float) -> None:
        """Set an ad group's average CPC bid (from tomorrow)."""
        if not math.isfinite(bid) or bid <= 0:
            raise ValueError("bid must be a finite positive number")
        self._latest.bids[self.ad_group_index(ad_group_id)] = float(bid)

    def set_segment_status(self, segment_id: str, active: bool) -> None:
        """Activate or deactivate an audience segment (from tomorrow)."""
        self._latest.segment_active[self.segment_index(segment_id)] = bool(active)

    def record_write(self, entry: dict) -> dict:
        """Append an applied write to the audit log (and index its idempotency key)."""
        self.writes.append(entry)
        if entry.get("idempotencyKey"):
            self._writes_by_key[entry["idempotencyKey"]] = entry
        return entry

    def write_for_key(self, key: str) -> dict | None:
        """The applied write made with an idempotency key, if any."""
        return self._writes_by_key.get(key)

    def inject(self, payload: Mapping[str, list]) -> dict[str, int]:
        """Append raw (possibly malformed) records to read responses; returns counts."""
        for key in INJECTABLE:
            self.injected[key].extend(payload.get(key) or [])
        return {key: len(self.injected[key]) for key in INJECTABLE}

    # -------------------------------------------------------------- ground truth ---
    def settings_on(self, day: int | str | dt.date | None = None) -> Settings:
        """Settings in effect on a day: logged for past days, latest for future ones."""
        index = self._day_index(day)
        if index < 0:
            raise ValueError("day is before the world started")
        if index < self.today:
            return self._settings_log[index]
        return self._effective if index == self.today else self._latest

    def _fatigue_on(self, index: int) -> np.ndarray:
        # Future fatigue is not projected: it depends on spend not yet decided.
        return self._fatigue_log[index] if 0 <= index < self.today else self._fatigue

    def day_model(
        self, day: int | str | dt.date | None = None, *, bids_by_ad_group: Mapping | None = None
    ) -> model.DayModel:
        """Noise-free response model of a day (default today), optionally with other bids."""
        index = self._day_index(day)
        settings = self.settings_on(index)
        if bids_by_ad_group:
            settings = settings.copy()
            for ad_group_id, bid in bids_by_ad_group.items():
                settings.bids[self.ad_group_index(ad_group_id)] = float(bid)
        return model.day_model(self.params, index, settings, self._fatigue_on(index))

    def response_curves(self, day: int | str | dt.date | None = None) -> ResponseCurves:
        """Ground-truth response curves of a day (default today)."""
        return self.day_model(day).curves

    def _budget_vector(self, budgets_by_campaign: Mapping | None, index: int) -> np.ndarray:
        budgets = self.settings_on(index).budgets.copy()
        for campaign_id, amount in (budgets_by_campaign or {}).items():
            budgets[self.campaign_index(campaign_id)] = float(amount)
        return budgets

    def expected_value(
        self,
        budgets_by_campaign: Mapping[str, float] | None = None,
        day: int | str | dt.date | None = None,
        *,
        bids_by_ad_group: Mapping[str, float] | None = None,
    ) -> float:
        """Noise-free conversion value of a day (default today) under the given budgets.

        Campaigns missing from `budgets_by_campaign` keep the budget in effect that day;
        statuses are those in effect that day (a paused campaign earns nothing).
        """
        index = self._day_index(day)
        curves = self.day_model(index, bids_by_ad_group=bids_by_ad_group).curves
        return curves.total_value(self._budget_vector(budgets_by_campaign, index))

    def optimal_budgets(
        self, total: float | None = None, day: int | str | dt.date | None = None
    ) -> dict[str, float]:
        """The oracle's split of `total` (default: the budgets in effect) for a day."""
        index = self._day_index(day)
        curves = self.response_curves(index)
        settings = self.settings_on(index)
        if total is None:
            total = float(settings.budgets[settings.campaign_active].sum())
        budgets = curves.optimal_budgets(float(total))
        return {cid: float(budgets[i]) for i, cid in enumerate(self.campaign_ids)}

    def truth(self, day: int | str | dt.date | None = None) -> dict:
        """Ground truth of a day (default today): curves, campaign optimum and audiences."""
        index = self._day_index(day)
        settings = self.settings_on(index)
        day_model_ = self.day_model(index)
        curves = day_model_.curves
        budgets = settings.budgets.copy()
        eligible = settings.campaign_active
        total = float(budgets[eligible].sum())
        optimal = curves.optimal_budgets(total)
        hold_values = curves.campaign_values(budgets)
        optimal_values = curves.campaign_values(optimal)
        hold_spend = curves.campaign_spend(budgets)
        marginal = curves.marginal_values(budgets)
        saturation = curves.saturation_budgets()
        segment_quality, _ = model.audience_quality(
            self.params, settings.segment_active, self._fatigue_on(index)
        )
        camp = self.params.ad_group_campaign
        ag_spend = curves.ad_group_spend(budgets)
        hold_total, optimal_total = float(hold_values.sum()), float(optimal_values.sum())
        return {
            "seed": self.seed,
            "date": self.date_of(index).isoformat(),
            "today": self.today_date.isoformat(),
            "currency": self.currency,
            "model": {
                "adGroupSpend": "min(campaignBudget * budgetWeight, spendCap)",
                "conversions": "maxConversions * (1 - exp(-spend / spendScale))",
                "conversionValue": "conversions * valuePerConversion",
                "lagKernel": list(LAG_KERNEL),
                "weekdayMultipliers": list(WEEKDAY_MULTIPLIERS),
                "dayMultiplier": day_model_.multiplier,
                "noise": dict(model.NOISE_SIGMA),
            },
            "events": self.events(),
            "launched": google_curves(self),
            "shifts": [
                {
                    "campaignId": self.campaign_ids[s.campaign_index],
                    "date": self.date_of(s.day).isoformat(),
                    "conversionRateMultiplier": s.multiplier,
                    "description": s.description,
                }
                for s in self.params.shifts
            ],
            "allocation": {
                "totalBudget": total,
                "holdValue": hold_total,
                "oracleValue": optimal_total,
                "holdToOracle": hold_total / optimal_total if optimal_total > 0 else 1.0,
            },
            "campaigns": [
                {
                    "id": cid,
                    "status": "active" if settings.campaign_active[i] else "paused",
                    "budget": float(budgets[i]),
                    "saturationBudget": float(saturation[i]),
                    "expectedSpend": float(hold_spend[i]),
                    "expectedValue": float(hold_values[i]),
                    "marginalValuePerUnit": float(marginal[i]),
                    "audienceQuality": float(day_model_.campaign_quality[i]),
                    "optimalBudget": float(optimal[i]),
                    "optimalValue": float(optimal_values[i]),
                }
                for i, cid in enumerate(self.campaign_ids)
            ],
            "adGroups": [
                {
                    "id": aid,
                    "campaignId": self.campaign_ids[camp[j]],
                    "status": "active" if settings.ad_group_active[j] else "paused",
                    "averageBid": float(settings.bids[j]),
                    "qualityScore": int(self.params.quality_score[j]),
                    "cpc": float(day_model_.cpc[j]),
                    "ctr": float(day_model_.ctr[j]),
                    "impressionShare": float(day_model_.impression_share[j]),
                    "budgetWeight": float(curves.weight[j]),
                    "maxConversions": float(curves.max_conversions[j]),
                    "spendScale": float(curves.spend_scale[j]),
                    "spendCap": float(curves.spend_cap[j]),
                    "valuePerConversion": float(curves.value_per_conversion[j]),
                    "expectedSpend": float(ag_spend[j]),
                }
                for j, aid in enumerate(self.ad_group_ids)
            ],
            "segments": [
                {
                    "id": sid,
                    "status": "active" if settings.segment_active[k] else "inactive",
                    "intentScore": float(self.params.intent[k]),
                    "fatigueScore": float(self._fatigue_on(index)[k]),
                    "fatigueRatePerDay": float(self.params.fatigue_rate[k]),
                    "quality": float(segment_quality[k]),
                }
                for k, sid in enumerate(self.segment_ids)
            ],
        }

    # -------------------------------------------------------------- persistence ---
    def save(self, path: str) -> None:
        """Write this world's replayable state to `path` atomically."""
        from executors.sandbox import store

        store.save(self, path)

    @classmethod
    def load(cls, path: str) -> World:
        """Rebuild a world saved with `save` (by replaying its writes)."""
        from executors.sandbox import store

        return store.load(path)
